"""Facts about the machine a benchmark ran on, shared by the benchmark scripts."""

from __future__ import annotations

import os
import platform
from typing import Any

__all__ = ["cpu_model", "host_facts"]


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo where there is one)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def host_facts() -> dict[str, Any]:
    """Python, platform, CPU, usable cores and the 1-minute load average (other processes
    compete for the same cores; a busy machine inflates every figure)."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "processor": cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
