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
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (the 'test' extra)")

from playwright.sync_api import Locator

from tests.browser.pages import (
    KERNEL_IDLE_JS,
    KERNEL_IDLE_MS,
    NOTEBOOK,
    RUN_ALL_MS,
    VERDICT_MS,
    BrowserPage,
    JupyterLab,
    open_menu,
    take_screenshot,
    wait_settled,
)
from tests.server.processes import Worker, log_tail

pytestmark = [pytest.mark.requires_browser, pytest.mark.slow]


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
        open_menu(page, "Edit", "Clear Outputs of All Cells")
        open_menu(page, "Run", "Run All Cells")
        equation = page.locator(".widget-text input").first
        equation.wait_for(timeout=RUN_ALL_MS)
        wait_settled(page, RUN_ALL_MS)

        equation.fill("F = m + a")
        page.locator("button.widget-button").first.click()  # Validate
        card = page.locator(".widget-html", has_text="INVALID").first
        card.wait_for(timeout=VERDICT_MS)
        wait_settled(page, VERDICT_MS)
        equation.evaluate("input => input.scrollIntoView({block: 'start'})")  # the whole widget in the picture
        text = card.inner_text()
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('img.widget-image')].some(i => i.complete && i.naturalWidth > 0)"
        )
        page_text = page.locator("body").inner_text()
        take_screenshot(page, artifacts / "jupyterlab_validate.png")
    except Exception:
        take_screenshot(page, artifacts / "jupyterlab_failure.png", failing=True)
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
        take_screenshot(page, artifacts / "worker_page_invalid.png")

        page.fill("#equation", "E = mc²")
        page.click("#validate")
        card.filter(has_text="Mass–energy equivalence").wait_for(timeout=VERDICT_MS)
        valid = card.inner_text()
        take_screenshot(page, artifacts / "worker_page.png")
    except Exception:
        take_screenshot(page, artifacts / "worker_page_failure.png", failing=True)
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
        open_menu(page, "Run", "Run All Cells")
        search_button.wait_for(timeout=RUN_ALL_MS)
        wait_settled(page, RUN_ALL_MS)

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
        take_screenshot(page, artifacts / "jupyterlab_explorer_controls.png")
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
        take_screenshot(page, artifacts / "jupyterlab_explorer_running.png")
        stop_button.click()
        stopped = finished("(stopped)")
        stopped_rows, stopped_table, stopped_chart = rows.count(), table.inner_text(), chart.is_visible()
        stop_disabled_after = stop_button.is_disabled()
        target.evaluate("input => input.scrollIntoView({block: 'start'})")
        take_screenshot(page, artifacts / "jupyterlab_explorer.png")

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
        take_screenshot(page, artifacts / "jupyterlab_explorer_no_hits.png")
        page_text = page.locator("body").inner_text()
    except Exception:
        take_screenshot(page, artifacts / "jupyterlab_explorer_failure.png", failing=True)
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
