"""Shared test setup: capability markers, registered once, checked once.

A test that needs something the machine may lack says so with a marker, and is skipped with a
reason where it is missing (``-ra`` lists them):

==================  ====================================================================
marker              skipped unless
==================  ====================================================================
requires_cuda       torch sees a CUDA device (every GPU path also runs on the CPU)
requires_nginx      Debian's nginx is installed (``/usr/sbin/nginx``)
requires_compose    Debian's docker-compose 1.29 is installed
requires_browser    Debian's chromium is at ``/usr/bin/chromium`` (Playwright drives it)
slow                never skipped: marks the tests that take more than a few seconds, so the
                    suite can be split (``-m "not slow"`` for a quick pass)
==================  ====================================================================

The markers are registered in ``pyproject.toml`` (``--strict-markers`` refuses unknown ones).
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

#: The browser Playwright drives: ``playwright install`` cannot download one on these machines.
CHROMIUM = Path("/usr/bin/chromium")


@functools.cache
def _has_cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def nginx_path() -> str | None:
    """The nginx binary, or ``None``; Debian installs it in ``/usr/sbin``, which a non-root ``PATH`` may lack."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


#: marker → (is the capability there?, why a test is skipped without it)
CAPABILITIES: dict[str, tuple[Callable[[], bool], str]] = {
    "requires_cuda": (_has_cuda, "needs a CUDA device"),
    "requires_nginx": (lambda: nginx_path() is not None, "needs nginx (Debian package nginx, /usr/sbin/nginx)"),
    "requires_compose": (
        lambda: shutil.which("docker-compose") is not None,
        "needs docker-compose (Debian package docker-compose, Compose 1.29)",
    ),
    "requires_browser": (CHROMIUM.exists, f"the browser tests drive Debian's chromium at {CHROMIUM}, not installed"),
}


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a test whose capability marker names something this machine lacks."""
    for name, (available, reason) in CAPABILITIES.items():
        if item.get_closest_marker(name) is not None and not available():
            pytest.skip(reason)
