"""The two pages people use, driven in a real browser: the notebook widget in JupyterLab, and the worker's page.

Headless chromium (Debian's ``/usr/bin/chromium``, driven by Playwright) types ``F = m + a``,
presses Validate and reads the rendered card: INVALID, because the dimensions do not match;
on the worker's page also ``E = mc²``: VALID, Mass–energy equivalence.  These check what the
in-process tests cannot: that the widget's JavaScript side renders in JupyterLab (no "Error
displaying widget") and that the page's script calls the worker and draws its answer.

Screenshots go to ``$PHI_LAB_ARTIFACTS`` (else the test's ``tmp_path``; the path is printed),
also of the page as it was when a step fails.  Every process (chromium, ``jupyter lab`` and
its kernels, the worker) is ended in a fixture's teardown, also on failure; servers listen on
``127.0.0.1`` only.  Waits are bounded; nothing here asserts a duration.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (the 'test' extra)")

from playwright.sync_api import ConsoleMessage, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.server.processes import Worker, free_port, log_tail, start_workers, stop_workers

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
pytestmark = [pytest.mark.requires_browser, pytest.mark.slow]

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_validate.ipynb"

# Bounded waits.
LAB_READY_S = 60.0  # jupyter lab answers /api/status
KERNEL_IDLE_MS = 60_000  # the notebook open, its kernel started (Playwright counts milliseconds)
RUN_ALL_MS = 90_000  # Run All Cells finished, the widget shown
VERDICT_MS = 30_000  # the card after a click


# ---------------------------------------------------------------- fixtures


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


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    """Where screenshots go: ``$PHI_LAB_ARTIFACTS`` if set, else the test's ``tmp_path``."""
    folder = Path(os.environ.get("PHI_LAB_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser_page() -> Iterator[BrowserPage]:
    """A fresh page of a headless chromium (1400×1000), its console errors collected."""
    with sync_playwright() as playwright:  # on exit: the driver stops, and any browser it still runs
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(30_000)
            result = BrowserPage(page)

            def on_console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    result.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

            page.on("console", on_console)
            yield result
        finally:
            browser.close()


@pytest.fixture
def jupyterlab(tmp_path: Path) -> Iterator[JupyterLab]:
    """A JupyterLab server on ``127.0.0.1`` serving ``tmp_path / "notebooks"`` (empty at first).

    Its configuration, data, runtime, settings and workspaces live under ``tmp_path``, so the
    user's own JupyterLab setup neither leaks in nor is touched (the environment's kernel spec
    and widget extension, under ``sys.prefix``, are still found); news and update checks are
    off, and every cell stays in the page (``windowingMode: none``), so the page's text is the
    whole notebook's.  Kernels run with ``PHI_LAB_DEVICE=cpu``.
    """
    root, home = tmp_path / "notebooks", tmp_path / "jupyter"
    settings = home / "lab-settings" / "@jupyterlab"
    for folder in (root, settings / "apputils-extension", settings / "notebook-extension"):
        folder.mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("PHI_LAB_", "JUPYTER"))}
    environ.update(
        {
            "PHI_LAB_DEVICE": "cpu",
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings.parent),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            "IPYTHONDIR": str(home / "ipython"),
            "MPLCONFIGDIR": str(home / "matplotlib"),
        }
    )
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = tmp_path / "jupyterlab.log"
    with log.open("wb") as output:
        # A session of its own, so that teardown can end the server and every kernel it started.
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environ,
            start_new_session=True,
        )
    lab = JupyterLab(proc, port, token, root, log)
    try:
        _wait_lab_ready(lab)
        yield lab
    finally:
        _stop_session(proc)


def _wait_lab_ready(lab: JupyterLab) -> None:
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


def _stop_session(proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """SIGTERM the server (it shuts its kernels down), then SIGKILL whatever is left of its session."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # the session's process group has the server's pid as its id
    proc.wait(timeout)


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    """One real ``phi-lab serve`` on a free port of 127.0.0.1 (``PHI_LAB_DEVICE=cpu``), stopped after the test."""
    (started,) = start_workers(1, tmp_path)
    try:
        yield started
    finally:
        stop_workers([started])


# ---------------------------------------------------------------- helpers


def _screenshot(page: Page, path: Path, *, failing: bool = False) -> None:
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


def _menu(page: Page, menu: str, item: str) -> None:
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


def _wait_settled(page: Page, timeout: float) -> None:
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


def test_validator_widget_in_jupyterlab(jupyterlab: JupyterLab, browser_page: BrowserPage, artifacts: Path) -> None:
    """Open the notebook, Run All Cells, type ``F = m + a``, press Validate: the card says INVALID, and why."""
    if not NOTEBOOK.exists():
        pytest.skip(f"notebooks/{NOTEBOOK.name} is not in this checkout (nothing to open in JupyterLab)")
    shutil.copy2(NOTEBOOK, jupyterlab.root / NOTEBOOK.name)  # running it must not touch the repository's copy
    page = browser_page.page
    try:
        page.goto(jupyterlab.url(f"lab/tree/{NOTEBOOK.name}"))
        page.wait_for_function(f"() => {KERNEL_IDLE_JS}", polling=100, timeout=KERNEL_IDLE_MS)
        # The saved outputs and widget state would show a widget no kernel drives: clear them first.
        _menu(page, "Edit", "Clear Outputs of All Cells")
        _menu(page, "Run", "Run All Cells")
        equation = page.locator(".widget-text input").first
        equation.wait_for(timeout=RUN_ALL_MS)
        _wait_settled(page, RUN_ALL_MS)

        equation.fill("F = m + a")
        page.locator("button.widget-button").first.click()  # Validate
        card = page.locator(".widget-html", has_text="INVALID").first
        card.wait_for(timeout=VERDICT_MS)
        _wait_settled(page, VERDICT_MS)
        equation.evaluate("input => input.scrollIntoView({block: 'start'})")  # the whole widget in the picture
        text = card.inner_text()
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('img.widget-image')].some(i => i.complete && i.naturalWidth > 0)"
        )
        page_text = page.locator("body").inner_text()
        _screenshot(page, artifacts / "jupyterlab_validate.png")
    except Exception:
        _screenshot(page, artifacts / "jupyterlab_failure.png", failing=True)
        print(jupyterlab.log_tail())
        raise
    assert "F = m + a" in text, text
    assert "dimensions do not match" in text, text
    assert "cannot add mass and length/time² (acceleration)" in text, text
    assert drawn, "the drawing of the equation's complex (an Image widget) did not load"
    assert "Error displaying widget" not in page_text, "a widget did not render"


# ---------------------------------------------------------------- the worker's page


def test_worker_page_validates(worker: Worker, browser_page: BrowserPage, artifacts: Path) -> None:
    """The worker's page at ``/``: ``F = m + a`` is INVALID (dimensions), ``E = mc²`` VALID (catalogued)."""
    page = browser_page.page
    card = page.locator("#card")
    try:
        page.goto(f"{worker.url}/")
        page.fill("#equation", "F = m + a")
        page.click("#validate")
        card.filter(has_text="INVALID").wait_for(timeout=VERDICT_MS)  # visible, with the verdict
        invalid = card.inner_text()
        _screenshot(page, artifacts / "worker_page_invalid.png")

        page.fill("#equation", "E = mc²")
        page.click("#validate")
        card.filter(has_text="Mass–energy equivalence").wait_for(timeout=VERDICT_MS)
        valid = card.inner_text()
        _screenshot(page, artifacts / "worker_page.png")
    except Exception:
        _screenshot(page, artifacts / "worker_page_failure.png", failing=True)
        print(log_tail(worker))
        raise
    assert invalid.startswith("INVALID"), invalid
    assert "dimensions do not match" in invalid, invalid
    assert valid.startswith("VALID"), valid
    assert "Mass–energy equivalence" in valid, valid
    assert "F = m + a" not in valid, valid  # the card was redrawn, not appended to
    errors = [error for error in browser_page.console_errors if "favicon" not in error]
    assert errors == [], f"the page's console logged errors: {errors}"


# ---------------------------------------------------------------- the explorer in JupyterLab

# A pool large enough (10 million members, about 0.9 GB) that only Stop, not memory, ends the search
# within its minute, however fast the machine.
EXPLORER_CELL = """\
import phi_lab as pl
from phi_lab.store import MasterList
from phi_lab.widgets import ExplorerWidget


def search(kind, target, **options):
    return pl.find_closed_forms(target, max_pool=10_000_000, **options)


ExplorerWidget(
    kind="closed forms", max_complexity=12, time_budget_s=60, search=search, master_list=MasterList(":memory:")
)"""


def test_explorer_widget_searches_in_the_background_and_stops(
    jupyterlab: JupyterLab, browser_page: BrowserPage, artifacts: Path
) -> None:
    """Search for φ's closed forms to complexity 12 (minutes of work), watch the progress, press Stop:
    the search ends at once with the hits found so far, (1 + sqrt(5))/2 first."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(EXPLORER_CELL)])
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(notebook, jupyterlab.root / "explorer.ipynb")
    page = browser_page.page
    status = page.locator(".widget-html").first
    try:
        page.goto(jupyterlab.url("lab/tree/explorer.ipynb"))
        page.wait_for_function(f"() => {KERNEL_IDLE_JS}", polling=100, timeout=KERNEL_IDLE_MS)
        _menu(page, "Run", "Run All Cells")
        search = page.locator("button.widget-button", has_text="Search")
        search.wait_for(timeout=RUN_ALL_MS)
        _wait_settled(page, RUN_ALL_MS)
        search.click()
        # The kernel is idle while the search runs in its thread; the status line follows it.
        page.locator(".widget-html", has_text="candidates").first.wait_for(timeout=VERDICT_MS)
        progress = status.inner_text()
        page.locator("button.widget-button", has_text="Stop").click()
        page.locator(".widget-html", has_text="(stopped)").first.wait_for(timeout=VERDICT_MS)
        stopped = status.inner_text()
        table = page.locator(".widget-html table").first.inner_text()
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('img.widget-image')].some(i => i.complete && i.naturalWidth > 0)"
        )
        _screenshot(page, artifacts / "jupyterlab_explorer.png")
        page_text = page.locator("body").inner_text()
    except Exception:
        _screenshot(page, artifacts / "jupyterlab_explorer_failure.png", failing=True)
        print(jupyterlab.log_tail())
        raise
    assert "complexity" in progress and "hits" in progress, progress
    assert "exact" in stopped, stopped
    assert table.index("(1 + sqrt(5))/2") < table.index("2/(sqrt(5) - 1)"), table
    assert drawn, "the chart of the hits (an Image widget) did not load"
    assert "Error displaying widget" not in page_text, "a widget did not render"
