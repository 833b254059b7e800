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


def test_the_gpu_check_runs_and_says_so_without_cuda() -> None:
    import torch

    output = run("bench/gpu_check.py")
    if not torch.cuda.is_available():
        assert output.strip() == "no CUDA device: nothing to check"


def test_the_gpu_checks_search_parity_runs_on_any_device() -> None:
    # The CPU-versus-device comparison of the searches, run CPU against CPU: the code path a lent
    # GPU machine takes, minus the GPU (which CI never has).
    import torch

    sys.path.insert(0, str(ROOT))
    try:
        from bench.gpu_check import check_searches
    finally:
        sys.path.remove(str(ROOT))
    report = check_searches(torch.device("cpu"))
    assert report["ok"] and [row["search"] for row in report["searches"]] == ["closed forms", "equations"]
    assert all(row["exact_hits"] > 0 for row in report["searches"])
