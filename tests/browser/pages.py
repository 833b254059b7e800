"""What the browser tests share: chromium's settings, the page and JupyterLab handles, bounded waits.

The fixtures that start chromium, JupyterLab and a worker are in ``conftest.py``; the tests
import these helpers (``from tests.browser.pages import ...``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (the 'test' extra)")

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

#: The browser Playwright drives: ``playwright install`` cannot download one on these machines.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_validate.ipynb"

# Bounded waits.
LAB_READY_S = 60.0  # jupyter lab answers /api/status
KERNEL_IDLE_MS = 60_000  # the notebook open, its kernel started (Playwright counts milliseconds)
RUN_ALL_MS = 90_000  # Run All Cells finished, the widget shown
VERDICT_MS = 30_000  # the card after a click


@dataclass
class BrowserPage:
    """A chromium page, and the error messages its console printed so far."""

    page: Page
    console_errors: list[str] = field(default_factory=list)


@dataclass
class JupyterLab:
    """One ``jupyter lab`` server on loopback, serving the notebooks in :attr:`root`."""

    proc: subprocess.Popen[bytes]
    port: int
    token: str
    root: Path
    log: Path

    def url(self, path: str) -> str:
        """``http://127.0.0.1:PORT/<path>?token=...``."""
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}?token={self.token}"

    def log_tail(self, size: int = 4000) -> str:
        """The end of the server's output (its kernels' too), for failure messages."""
        try:
            text = self.log.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return f"--- jupyter lab on port {self.port}, log {self.log}:\n{text[-size:]}"


def wait_lab_ready(lab: JupyterLab) -> None:
    deadline = time.monotonic() + LAB_READY_S
    with httpx.Client(timeout=2.0) as client:
        while True:
            if lab.proc.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with {lab.proc.returncode} before it was ready\n{lab.log_tail()}"
                )
            with contextlib.suppress(httpx.TransportError):
                if client.get(lab.url("api/status")).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab not ready after {LAB_READY_S:g} s\n{lab.log_tail()}")
            time.sleep(0.2)


def stop_session(proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """SIGTERM the server (it shuts its kernels down), then SIGKILL whatever is left of its session."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # the session's process group has the server's pid as its id
    proc.wait(timeout)


# ---------------------------------------------------------------- helpers


def take_screenshot(page: Page, path: Path, *, failing: bool = False) -> None:
    """Save a screenshot of the whole page and print where; when a test is failing already, never raise."""
    try:
        page.screenshot(path=path, full_page=True)
    except PlaywrightError as exc:
        if not failing:
            raise
        print(f"no screenshot {path}: {exc}")
        return
    print(f"screenshot: {path}")


# ---------------------------------------------------------------- JupyterLab


def open_menu(page: Page, menu: str, item: str) -> None:
    """Click ``menu`` in JupyterLab's menu bar, then its ``item``."""
    page.locator("#jp-menu-panel").get_by_role("menuitem", name=menu, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


#: True when the notebook's kernel is connected and idle.  The toolbar's execution indicator alone
#: says "idle" before any kernel is there; the status bar says "No Kernel | Initializing" then.
KERNEL_IDLE_JS = """(() => {
    const indicator = document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']") !== null;
    const statusBar = [...document.querySelectorAll('.jp-StatusBar-TextItem')].map(item => item.textContent.trim());
    return indicator && statusBar.some(text => text.endsWith('| Idle') && !text.startsWith('No Kernel'));
})()"""


def wait_settled(page: Page, timeout: float) -> None:
    """Wait until no cell is queued or running (``[*]``) and the kernel has stayed idle for a second.

    A click can send the kernel more than one message (the equation box commits its text on blur,
    then the button's click arrives), with an instant of idle between them: hence the second.
    """
    page.wait_for_function(
        """() => {
            const settled = ![...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'))
                && KERNEL_IDLE;
            const now = performance.now();
            if (!settled) { window.__phiLabIdleSince = null; return false; }
            window.__phiLabIdleSince ??= now;
            return now - window.__phiLabIdleSince >= 1000;
        }""".replace("KERNEL_IDLE", KERNEL_IDLE_JS),
        polling=100,
        timeout=timeout,
    )
    page.evaluate("() => { window.__phiLabIdleSince = null; }")
