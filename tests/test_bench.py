"""The benchmark scripts still run (tiny sizes, no timing asserted): they are how figures are produced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*arguments: str) -> str:
    completed = subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


#: What a RIES run prints (RIES 2013 Jun 28 on φ at -l2 with the panel's -S symbols, abridged): read back by the bench.
RIES_OUTPUT = """
   Your target value: T = 1.61803398874989                www.mrob.com/ries

                    e^x = 5                      for x = T - 0.00859608  {45}
                  2 x-1 = sqrt(5)                ('exact' match)         {73}
                (x-2)/x = 2-sqrt(5)              for x = T - 2.22045e-16 {97}
  (Stopping now because best match is within 1.44e-15 of target value.)

                         --LHS--      --RHS--      -Total-
     max complexity:          53           46           99
          dead-ends:        7199         8856        16055  Time: 0.001
        expressions:         840         1099         1939
           distinct:         568          614         1182  Memory: 128KiB

        Total equations tested:                  348752 (3.488e+05)
"""


def test_ries_output_is_read_back() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from bench.ries import parse_output, symbol_set
    finally:
        sys.path.remove(str(ROOT))
    figures = parse_output(RIES_OUTPUT)
    assert [match.equation for match in figures["matches"]] == ["e^x = 5", "2 x-1 = sqrt(5)", "(x-2)/x = 2-sqrt(5)"]
    assert [match.exact for match in figures["matches"]] == [False, True, False]
    assert figures["matches"][0].delta == -0.00859608 and figures["matches"][1].complexity == 73
    assert (figures["expressions"], figures["distinct"], figures["dead_ends"]) == (1939, 1182, 16055)
    assert figures["seconds"] == 0.001 and figures["memory"] == "128KiB"
    assert figures["stopped"] == "best match is within 1.44e-15 of target value"
    assert symbol_set(("1", "pi", "sqrt5"), ("+", "sqrt", "log")) == ("-Sx1p+ql", ["sqrt5"])


def test_the_exploration_benchmark_runs(tmp_path: Path) -> None:
    # RIES itself is GPL and built outside the repository: a stand-in prints its kind of output.
    fake_ries = tmp_path / "ries"
    fake_ries.write_text(f"#!/bin/sh\ncat <<'EOF'\n{RIES_OUTPUT}\nEOF\n", encoding="utf-8")
    fake_ries.chmod(0o755)
    output = run(
        "bench/bench_explore.py",
        *("--targets", "phi", "--budget", "1", "--device", "cpu", "--throughput-complexity", "4"),
        *("--ries", str(fake_ries)),
    )
    assert "1. the panel" in output and "mpmath.identify" in output and "summary" in output
    assert "(1 + sqrt(5))/2" in output or "x = sqrt(x + 1)" in output
    assert "trivial rewrites" in output and "repeats" in output
    assert "2. enumeration throughput" in output and "prune=False" in output
    assert "3. RIES side by side" in output and "2 x-1 = sqrt(5)" in output and "RIES -l2 full" in output


def test_the_exploration_benchmark_says_when_ries_is_not_given() -> None:
    output = run("bench/bench_explore.py", "--targets", "sqrt2", "--budget", "0.5", "--throughput-complexity", "3")
    assert "RIES: not given (--ries PATH)" in output


def test_the_pool_benchmark_runs() -> None:
    output = run("bench/bench_pool.py", "--max-complexity", "3", "--budget", "5", "--device", "cpu")
    assert "grow prune=False" in output and "kept/s" in output


@pytest.mark.slow
def test_the_scale_benchmark_runs_local_fleet_and_dask() -> None:
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    output = run("bench/bench_scale.py", "--rows", "40")
    for name in ("local", "fleet", "dask"):
        assert any(line.startswith(name) for line in output.splitlines()), output
    assert "worker ids" in output and "KINDS DIFFER" not in output  # 40 rows: one chunk, one worker


@pytest.mark.slow
def test_the_pinned_server_benchmark_runs() -> None:
    # Real processes (the bare app, a worker, the in-process loop, the load generator): ~10 s, mostly imports.
    pytest.importorskip("uvicorn", reason="the server extra is not installed")
    pytest.importorskip("httpx", reason="the client extra is not installed")
    output = run("bench/bench_server.py", "--pin", "--duration", "0.3", "--rounds", "1", "--concurrency", "2")
    lines = output.splitlines()
    assert any(line.startswith(("pinned: server processes on core", "not pinned:")) for line in lines), output
    for row in ("bare FastAPI (pydantic body → fixed dict)", "worker (phi-lab serve, 1 process)", "in-process"):
        assert any(line.startswith(row) for line in lines), output
    for ratio in ("worker ÷ in-process", "bare ÷ in-process", "1/worker − 1/in-process", "1/bare", "goal >= 0.65"):
        assert ratio in output, output


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


def test_the_gpu_checks_pool_figures_run_on_any_device() -> None:
    import torch

    sys.path.insert(0, str(ROOT))
    try:
        from bench.gpu_check import check_pool
    finally:
        sys.path.remove(str(ROOT))
    figures = check_pool(torch.device("cpu"), max_complexity=3, budget_s=10.0)
    run = figures["pruned"] or figures["default"]
    assert run["levels"] == 3 and run["kept"] > 0
