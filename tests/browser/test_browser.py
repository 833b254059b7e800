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

import ast
import contextlib
import json
import os
import re
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

from playwright.sync_api import ConsoleMessage, Locator, Page, sync_playwright
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

# The search records what the widget passed it; its pool is large enough (10 million members, about
# 0.9 GB) that only Stop or the budget, not memory, ends a search, however fast the machine.
EXPLORER_CELL = """\
import phi_lab as pl
from phi_lab.store import MasterList
from phi_lab.widgets import ExplorerWidget

calls = []


def search(kind, target, **options):
    passed = {name: value for name, value in options.items() if name not in ("progress", "cancel")}
    calls.append({"kind": kind, "target": target, **passed})
    find = pl.find_equations if kind == "equations" else pl.find_closed_forms
    return find(target, max_pool=10_000_000, **options)


explorer = ExplorerWidget(search=search, master_list=MasterList(":memory:"))
explorer"""
CALLS_CELL = "print(repr(calls[-1]) if calls else 'no search yet')"
SEARCH_MS = 60_000  # a search of a few seconds, the first one importing torch in the kernel


def _summary_rows(status: str) -> int:
    """The row count a finished search's summary states ("4 forms from 17 hits ...", "No relations found ...")."""
    if status.startswith("No "):
        return 0
    found = re.match(r"([\d,]+) (?:forms?|relations?) ", status)
    assert found is not None, status
    return int(found.group(1).replace(",", ""))


def test_explorer_widget_every_control_in_jupyterlab(
    jupyterlab: JupyterLab, browser_page: BrowserPage, artifacts: Path
) -> None:
    """Drive every control of the ExplorerWidget in JupyterLab and read what the kernel's search received.

    1. closed forms (a click on the kind: the constants follow, π pressed), complexity 5 (the
       slider's readout), budget 3 s, max results 4, φ added to the constants, exp removed from
       the operations, target ``phi + 1`` and Enter: at most 4 rows, the summary's count is the
       table's, one form uses φ, none exp; the chart shown; a row's variants fold out.
    2. complexity 12, budget 20 s, target ``phi``, the Search button, then Stop once the status
       counts candidates past level 6 (the previous results gone meanwhile): "(stopped)", with
       (1 + sqrt(5))/2 in the table.
    3. an empty target and Enter: the problem in red, the table and the chart cleared.
    4. equations, ``pi``, complexity 4, budget 2 s: no relation, "No hits.", no chart.
    """
    import nbformat

    cells = [nbformat.v4.new_code_cell(EXPLORER_CELL), nbformat.v4.new_code_cell(CALLS_CELL)]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(notebook, jupyterlab.root / "explorer.ipynb")
    page = browser_page.page
    status = page.locator(".widget-html").nth(0)
    table = page.locator(".widget-html").nth(1)
    rows = page.locator("tr.phi-lab-hit")
    chart = page.locator("img.widget-image")
    target = page.locator(".widget-text input[type=text]").first
    budget = page.locator(".widget-inline-hbox", has_text="Budget (s)").locator("input")
    max_results = page.locator(".widget-inline-hbox", has_text="Max results").locator("input")
    complexity = page.locator(".widget-slider .widget-readout").first
    search_button = page.locator("button.widget-button", has_text="Search")
    stop_button = page.locator("button.widget-button", has_text="Stop")

    def chip(label: str) -> Locator:
        return page.locator("button.widget-toggle-button").filter(has_text=re.compile(f"^{re.escape(label)}$"))

    def kind(label: str) -> Locator:
        return page.locator(".widget-toggle-buttons button").filter(has_text=label)

    def set_number(box: Locator, value: str) -> None:
        box.fill(value)
        box.press("Tab")  # a number box commits its value on change

    def set_complexity(value: int) -> None:
        complexity.fill(str(value))
        complexity.press("Enter")
        page.wait_for_function(  # the slider follows the kernel's value
            "n => document.querySelector('.widget-slider .widget-readout').textContent.trim() === String(n)", arg=value
        )

    def last_call() -> dict[str, object]:
        """Run the second cell, which prints the last search's keywords as the kernel received them."""
        runs = page.locator(".jp-Cell").nth(1)
        before = runs.locator(".jp-OutputArea-output").inner_text()
        runs.locator(".jp-InputPrompt").click()
        page.keyboard.press("Control+Enter")  # run it in place (Shift+Enter would add a cell below)
        page.wait_for_function(
            "before => { const out = document.querySelectorAll('.jp-Cell')[1].querySelector('.jp-OutputArea-output');"
            " return out !== null && out.textContent.trim() !== before.trim(); }",
            arg=before,
            timeout=VERDICT_MS,
        )
        return dict(ast.literal_eval(runs.locator(".jp-OutputArea-output").inner_text().strip()))

    def finished(text: str) -> str:
        page.locator(".widget-html", has_text=text).first.wait_for(timeout=SEARCH_MS)
        return status.inner_text()

    try:
        page.goto(jupyterlab.url("lab/tree/explorer.ipynb"))
        page.wait_for_function(f"() => {KERNEL_IDLE_JS}", polling=100, timeout=KERNEL_IDLE_MS)
        _menu(page, "Run", "Run All Cells")
        search_button.wait_for(timeout=RUN_ALL_MS)
        _wait_settled(page, RUN_ALL_MS)

        # 1. Every control, then Enter.
        kind("closed forms").click()
        page.locator("button.widget-toggle-button.mod-active", has_text="π").wait_for()  # the constants followed
        set_complexity(5)
        set_number(budget, "3")
        set_number(max_results, "4")
        chip("φ").click()
        chip("exp").click()
        page.locator("button.widget-toggle-button.mod-active", has_text="φ").wait_for()
        target.fill("phi + 1")
        target.press("Enter")
        first = finished("forms from")
        first_rows, first_table = rows.count(), table.inner_text()
        first_chart = chart.is_visible()
        scrolls = table.evaluate("el => [getComputedStyle(el).overflowY, getComputedStyle(el).maxHeight]")
        variants = page.locator("details.phi-lab-variants").first
        variants.locator("summary").click()
        opened = variants.evaluate("details => details.open") and variants.locator("code").first.is_visible()
        target.scroll_into_view_if_needed()
        target.evaluate("input => input.scrollIntoView({block: 'start'})")
        _screenshot(page, artifacts / "jupyterlab_explorer_controls.png")
        call = last_call()

        # 2. The Search button, then Stop.
        chip("φ").click()
        set_number(max_results, "20")
        set_complexity(12)
        set_number(budget, "20")
        target.fill("phi")
        search_button.click()
        # Stop once level 6 is done ((1 + sqrt(5))/2 has complexity 5): a stopped search keeps its finished levels.
        past_six = re.compile(r"complexity (?:[7-9]|1[0-2]) · .* · [1-9][\d,]* hits")
        page.locator(".widget-html", has_text=past_six).first.wait_for(timeout=SEARCH_MS)
        progress = status.inner_text()
        stop_enabled = stop_button.is_enabled()
        running_rows, running_chart = rows.count(), chart.is_visible()  # the previous search's are gone
        _screenshot(page, artifacts / "jupyterlab_explorer_running.png")
        stop_button.click()
        stopped = finished("(stopped)")
        stopped_rows, stopped_table, stopped_chart = rows.count(), table.inner_text(), chart.is_visible()
        stop_disabled_after = stop_button.is_disabled()
        target.evaluate("input => input.scrollIntoView({block: 'start'})")
        _screenshot(page, artifacts / "jupyterlab_explorer.png")

        # 3. A problem clears the results.
        target.fill("")
        target.press("Enter")
        problem = finished("Type a target")
        problem_rows, problem_chart = rows.count(), chart.is_visible()

        # 4. Nothing found: no chart.
        kind("equations").click()
        page.locator("button.widget-toggle-button.mod-active", has_text="π").wait_for(state="detached")
        set_complexity(4)
        set_number(budget, "2")
        target.fill("pi")
        target.press("Enter")
        nothing = finished("No relations found")
        nothing_table, nothing_chart = table.inner_text(), chart.is_visible()
        target.evaluate("input => input.scrollIntoView({block: 'start'})")
        _screenshot(page, artifacts / "jupyterlab_explorer_no_hits.png")
        page_text = page.locator("body").inner_text()
    except Exception:
        _screenshot(page, artifacts / "jupyterlab_explorer_failure.png", failing=True)
        print(jupyterlab.log_tail())
        raise
    assert call == {
        "kind": "closed forms",
        "target": "phi + 1",
        "constants": ("1", "2", "3", "5", "pi", "e", "phi", "sqrt5"),
        "operations": ("+", "-", "*", "/", "^", "sqrt", "log"),
        "max_complexity": 5,
        "max_results": 4,
        "time_budget_s": 3.0,
    }, call
    assert 1 <= first_rows <= 4 and _summary_rows(first) == first_rows, (first, first_rows)
    assert "phi" in first_table and "exp" not in first_table, first_table
    assert first_chart and opened, "the chart, or a row's variants, did not show"
    assert scrolls[0] == "auto" and scrolls[1].endswith("px"), f"the table does not scroll in a box: {scrolls}"
    assert "candidates" in progress and "hits" in progress and stop_enabled, progress
    assert running_rows == 0 and not running_chart, "the previous search's results stayed while searching"
    assert _summary_rows(stopped) == stopped_rows and "(1 + sqrt(5))/2" in stopped_table, (stopped, stopped_table)
    assert stopped_chart and stop_disabled_after
    assert problem_rows == 0 and not problem_chart, problem
    assert "No hits." in nothing_table and not nothing_chart, (nothing, nothing_table)
    assert "Error displaying widget" not in page_text, "a widget did not render"
