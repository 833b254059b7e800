"""Waiting in tests: poll a condition until it holds, bounded in time."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(what: str, condition: Callable[[], bool], timeout: float, every: float = 0.5) -> float:
    """Poll ``condition`` every ``every`` seconds until it holds; return the seconds it took.

    Raises
    ------
    AssertionError
        Naming ``what``, when it did not hold within ``timeout`` seconds.
    """
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)
    return time.monotonic() - start
