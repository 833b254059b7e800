"""Rows per second for one batch three ways: in this process, on a fleet of 2 workers, on Dask with 2 workers.

Run from the repository root::

    python bench/bench_scale.py [--rows 20000] [--json]
    python -m bench.bench_scale ...

The same ``--rows`` distinct equations (:func:`equations`: a fixed mix of families with
varying integers, so no two texts are alike and nothing is answered from a cache) are
validated in ``auto`` mode:

* ``local``: :func:`phi_lab.validate_many` in this process (the baseline);
* ``fleet``: ``phi-lab serve --workers 2`` on a free port of 127.0.0.1, one port and two
  processes (:func:`phi_lab.server.fleet.start_server`, with ``PHI_LAB_TIME_BUDGET_S=60``:
  these proofs outlast the default budget), driven by
  :class:`phi_lab.client.WorkerClient` ``.validate_many`` (chunks of 256, 4 in flight);
* ``dask``: :func:`phi_lab.validate_many` on a ``dask.dataframe`` column of 8 partitions,
  computed on a ``distributed.LocalCluster`` of 2 worker processes (1 thread each) on
  127.0.0.1.

Start-up (the workers' processes, the cluster) is timed apart from the batch; each batch is
timed from the call to the last row.  Every row's verdict kind is compared with the local
run's.  Nothing is asserted; the ratios to ``local`` are what carry over to other machines
(on this 2-core machine the client and the two workers share two cores, so 2 workers cannot
give 2×).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.machine import host_facts

FAMILIES = (
    "y = {a}*x^2 + {b}*x + {c}",
    "x^{p} = x + {a}",
    "sin({a}*x)^2 + cos({a}*x)^2 = {one}",
    "F = m*a + {a}*m",
    "E = {a}*m*c^{p}",
    "exp(x + {a}) = exp(x)*exp({a})",
    "log({a}*x) = log({a}) + log(x)",
    "(x + {a})^2 = x^2 + {b}*x + {c}",
)


def equations(rows: int) -> list[str]:
    """``rows`` distinct equations, the families of :data:`FAMILIES` in turn with growing integers."""
    texts = []
    for index in range(rows):
        family, k = FAMILIES[index % len(FAMILIES)], index // len(FAMILIES) + 1
        texts.append(family.format(a=k, b=2 * k, c=k * k, p=2 + k % 5, one=1 + k % 2))
    return texts


def measure(rows: int) -> dict[str, Any]:
    """The three runs' figures, as a dict."""
    import pandas as pd

    import phi_lab as pl
    from phi_lab.client import WorkerClient
    from phi_lab.server.fleet import start_server

    texts = equations(rows)
    pl.validate_many(texts[:50])  # warm-up: imports, the prover process, kernels
    figures: dict[str, Any] = {"rows": rows}

    started = time.perf_counter()
    local = pl.validate_many(texts)
    figures["local"] = {"seconds": time.perf_counter() - started, "startup_s": 0.0}

    # A batch of these identities takes longer than the default 2 s budget per 1,000 equations.
    environ = {"PHI_LAB_DEVICE": os.environ.get("PHI_LAB_DEVICE", "cpu"), "PHI_LAB_TIME_BUDGET_S": "60"}
    started = time.perf_counter()
    with start_server(2, env=environ) as server, WorkerClient(server.url, timeout=120) as client:
        ready = time.perf_counter()
        fleet = client.validate_many(texts)
        figures["fleet"] = {
            "seconds": time.perf_counter() - ready,
            "startup_s": ready - started,
            "worker_ids": int(fleet["worker_id"].nunique()),
            "same_kinds": bool((fleet["kind"].to_numpy() == local["kind"].to_numpy()).all()),
        }

    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        column = dd.from_pandas(pd.DataFrame({"equation": texts}), npartitions=8)["equation"]
        pl.validate_many(column.head(16, compute=False)).compute()  # each worker imports phi_lab
        ready = time.perf_counter()
        frame = pl.validate_many(column).compute()
        figures["dask"] = {
            "seconds": time.perf_counter() - ready,
            "startup_s": ready - started,
            "same_kinds": bool((frame["kind"].astype(object).to_numpy() == local["kind"].to_numpy()).all()),
        }
    for name in ("local", "fleet", "dask"):
        figures[name]["rows_per_s"] = rows / figures[name]["seconds"]
        figures[name]["vs_local"] = figures[name]["rows_per_s"] / (rows / figures["local"]["seconds"])
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="equations in the batch (default 20,000)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure(args.rows)
    if args.json:
        print(json.dumps({"host": host_facts(), **figures}, indent=2))
        return 0
    print(", ".join(f"{key} {value}" for key, value in host_facts().items()))
    print(f"{args.rows:,} distinct equations, auto mode")
    print(f"{'run':<8}{'rows/s':>10}{'vs local':>10}{'batch s':>10}{'start-up s':>12}  notes")
    for name in ("local", "fleet", "dask"):
        row = figures[name]
        notes = []
        if "worker_ids" in row:
            notes.append(f"{row['worker_ids']} worker ids")
        if "same_kinds" in row:
            notes.append("same kinds as local" if row["same_kinds"] else "KINDS DIFFER from local")
        print(
            f"{name:<8}{row['rows_per_s']:>10,.0f}{row['vs_local']:>9.2f}×{row['seconds']:>10.1f}"
            f"{row['startup_s']:>12.1f}  {', '.join(notes)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
