"""The benchmark scripts still run (tiny sizes, no timing asserted): they are how figures are produced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*arguments: str) -> str:
    completed = subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


def test_the_exploration_benchmark_runs() -> None:
    output = run("bench/bench_explore.py", "--targets", "phi,sqrt2", "--budget", "0.5", "--device", "cpu")
    assert "mpmath.identify" in output and "summary" in output
    assert "(1 + sqrt(5))/2" in output or "x = sqrt(x + 1)" in output


def test_the_evaluator_benchmark_runs() -> None:
    output = run("bench/bench_evaluator.py", "--sizes", "20", "--device", "cpu")
    assert "run_program" in output and "OK" in output
