"""What every ``bench_server.py`` report prints: the software and machine of the run, number formats."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import statistics
import subprocess
from collections.abc import Sequence
from typing import Any

from bench.machine import host_facts

__all__ = ["fmt", "machine_facts", "spread", "stack_line"]


def machine_facts(device: str, nginx: str | None, generator: str) -> dict[str, Any]:
    """Python, server libraries, CPU, nginx and the load generator of this run."""
    versions: dict[str, str | None] = {}
    for name in ("uvicorn", "fastapi", "starlette", "pydantic", "httpx", "torch", "orjson"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    nginx_version = None
    if nginx is not None:
        shown = subprocess.run([nginx, "-v"], capture_output=True, text=True, timeout=10, check=False)
        nginx_version = (shown.stderr or shown.stdout).strip().removeprefix("nginx version: nginx/")
    return {
        **host_facts(),
        "device": device,
        "versions": versions,
        # uvicorn picks uvloop and httptools when installed, else asyncio and h11 (pure Python).
        "uvloop": importlib.util.find_spec("uvloop") is not None,
        "httptools": importlib.util.find_spec("httptools") is not None,
        "nginx": nginx_version,
        "generator": generator,
    }


def spread(values: Sequence[float]) -> str:
    """Half the range of ``values`` as a percentage of their mean ("-" for a single value)."""
    mean = statistics.fmean(values) if values else 0.0
    if len(values) < 2 or not mean:
        return "-"
    return f"{(max(values) - min(values)) / 2 / mean * 100:.0f}%"


def fmt(value: float | None, spec: str, missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def stack_line(facts: dict[str, Any]) -> str:
    """Python, uvicorn's loop and parser, the library versions and the load generator, on one line."""
    versions = facts["versions"]
    stack = "uvloop" if facts["uvloop"] else "asyncio"
    parser = "httptools" if facts["httptools"] else "h11"
    return (
        f"python {facts['python']}; uvicorn {versions['uvicorn']} ({stack} loop, {parser} parser), fastapi "
        f"{versions['fastapi']}, pydantic {versions['pydantic']}, orjson {versions['orjson'] or 'absent'}, torch "
        f"{versions['torch']}; load generator {facts['generator']}"
    )
