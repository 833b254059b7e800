"""The BatchWidget over 10,000 equations in JupyterLab: a grid that scrolls and filters, legible charts.

A scratch notebook builds the widget with a fast ``validate_many`` (real ``ValidationResult``
rows: four kinds, 4,000 valid of 10,000, a long explanation each) and the real charts of
:mod:`phi_lab.plots`; the page presses *Validate all*, then, as a researcher would:

1. the grid (ipydatagrid, drawn on a canvas) is there, about 440 px tall whatever the row
   count, and the whole output is a few screens, not the 27,000 px of the old HTML table;
2. the mouse wheel scrolls it: a click on a row then shows a card of a row far down (its
   explanation, which the grid has no column for), with its number; dragging the scroll
   bar's thumb to the middle brings rows around #5,000;
3. the kind column's own menu filters it ("Filter by condition", *Is exactly* ``identity``):
   the kernel sees 2,500 rows, a click shows an identity; Ctrl+C copies the selected row
   (the grid's own copy); the CSV link then
   downloads exactly those rows; the verdict column filters the same way on top (``invalid``);
4. each chart tab shows its image whole (inside the output area) with its smallest text
   at 10 px or more as displayed (natural vs displayed width), and no image is broken;
5. no stale results: bad units, and the status says so in red, and the grid, the card, the charts and the CSV
   link are gone, saving disabled.

Screenshots go to ``$PHI_LAB_ARTIFACTS`` (else the test's ``tmp_path``).  Waits are bounded;
nothing here asserts a duration.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (the 'test' extra)")
pytest.importorskip("ipydatagrid", reason="the results grid needs the 'notebook' extra (ipydatagrid)")

from playwright.sync_api import FloatRect, Page

from phi_lab.widgets._results import (
    CHART_DPI,
    CHART_PX_PER_INCH,
    COLUMN_WIDTHS,
    GRID_COLUMNS,
    MIN_TEXT_PX,
    ROW_HEADER_WIDTH,
)
from tests.browser.pages import KERNEL_IDLE_JS, KERNEL_IDLE_MS, RUN_ALL_MS, BrowserPage, JupyterLab, take_screenshot

pytestmark = [pytest.mark.requires_browser, pytest.mark.slow]

ROWS = 10_000
BATCH_CELL = """\
import json
import pandas as pd
import phi_lab as pl
from phi_lab.store import MasterList
from phi_lab.widgets import BatchWidget

KINDS = ("relation", "identity", "contradiction", "inconsistent")


def validate_many(equations, units, mode):
    rows = []
    for text in equations:
        i = int(text.split(" ")[0][1:])
        kind = KINDS[i % 4]
        valid = kind in ("relation", "identity") and i % 5 != 0
        word = "Valid" if valid else "Invalid"
        explanation = f"{word}: the explanation of x{i}, long enough to wrap " + "over several lines " * 10
        result = pl.ValidationResult(
            valid, 0.5 + (i % 50) / 100, (1, i % 3, 0), 1 - i % 3, (i % 10) / 10, explanation, 0.1,
            equation=text, kind=kind,
        )
        rows.append(result.to_dict())
    return pd.DataFrame(rows)


batch = BatchWidget(validate_many=validate_many, master_list=MasterList(":memory:"), chunk_size=2500)
batch.text.value = "\\n".join(f"x{i} = {i}*y" for i in range(ROWS))
batch""".replace("ROWS", str(ROWS))
STATE_CELL = """\
_calls = globals().get("_calls", 0) + 1
_shown = batch.shown_frame()
print(json.dumps({
    "call": _calls,
    "shown": None if _shown is None else len(_shown),
    "kinds": [] if _shown is None else sorted(set(_shown["kind"])),
    "valid": [] if _shown is None else sorted(set(bool(v) for v in _shown["valid"])),
    "chart_text_px": batch.chart_text_px,
    "error": batch.error,
}))"""
RESULTS_MS = 180_000  # 10,000 rows validated by the fake, three charts drawn at 220 dpi
STEP_MS = 30_000


def _heading_x(grid_left: float, heading: str) -> float:
    """Where the menu icon of ``heading`` is: at the right end of its cell (the grid has a 3 px border)."""
    headings = [GRID_COLUMNS[name] for name in GRID_COLUMNS if name != "worker_id"]
    right = grid_left + 3 + ROW_HEADER_WIDTH
    for name in headings:
        right += COLUMN_WIDTHS[name]
        if name == heading:
            return right - 9
    raise AssertionError(heading)


def _filter_exactly(page: Page, box: FloatRect, heading: str, value: str) -> None:
    """The heading's menu icon, "Filter by condition...", *Is exactly* ``value``, Apply."""
    page.mouse.click(_heading_x(box["x"], heading), box["y"] + 3 + 13)
    page.locator(".ipydatagrid-context-menu").get_by_text("Filter by condition...").click()
    dialog = page.locator(".ipydatagrid-filterMenu")
    dialog.locator("select").select_option("=")
    dialog.locator("input").fill(value)
    dialog.get_by_role("button", name="Apply").click()


def _click_row(page: Page, box: FloatRect, row: int) -> None:
    """Click the ``row``-th row in view (0 the first), in its equation cell."""
    page.mouse.click(box["x"] + 3 + ROW_HEADER_WIDTH + 60, box["y"] + 3 + 26 + 22 * row + 11)


def test_batch_widget_10000_rows_in_jupyterlab(
    jupyterlab: JupyterLab, browser_page: BrowserPage, artifacts: Path
) -> None:
    import nbformat

    cells = [nbformat.v4.new_code_cell(BATCH_CELL), nbformat.v4.new_code_cell(STATE_CELL)]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(notebook, jupyterlab.root / "batch.ipynb")
    page = browser_page.page
    output = page.locator(".jp-Cell").nth(0).locator(".jp-OutputArea")
    status = output.locator(".widget-html").first
    grid = page.locator(".phi-lab-grid")
    run_button = page.locator("button.widget-button", has_text="Validate all")
    save_button = page.locator("button.widget-button", has_text="Save valid to master list")
    csv_button = page.locator("button.widget-button", has_text="CSV")
    charts = page.locator("img.phi-lab-chart")
    card = page.locator(".phi-lab-card").first

    def state() -> dict[str, Any]:
        """Run the second cell: what the kernel knows (the rows the grid shows, the charts' text size)."""
        runs = page.locator(".jp-Cell").nth(1)
        before = runs.locator(".jp-OutputArea").inner_text()
        runs.locator(".jp-InputPrompt").click()
        page.keyboard.press("Control+Enter")
        page.wait_for_function(
            "before => { const out = document.querySelectorAll('.jp-Cell')[1].querySelector('.jp-OutputArea');"
            " return out !== null && out.textContent.includes('call') && out.textContent.trim() !== before.trim(); }",
            arg=before,
            timeout=STEP_MS,
        )
        return dict(json.loads(runs.locator(".jp-OutputArea").inner_text().strip()))

    def wait_state(check: Any, what: str) -> dict[str, Any]:
        """The kernel's state once ``check`` holds (the grid's filter reaches the kernel a moment later)."""
        seen: dict[str, Any] = {}
        for _ in range(20):
            seen = state()
            if check(seen):
                return seen
            page.wait_for_timeout(500)
        raise AssertionError(f"{what}: the kernel still says {seen}")

    def grid_box() -> FloatRect:
        """The grid scrolled into view (running the second cell scrolls the notebook), and where it is."""
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        assert box is not None
        return box

    def shot(name: str) -> None:
        take_screenshot(page, artifacts / f"batch_{name}.png")

    try:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=jupyterlab.url("").split("?")[0])
        page.goto(jupyterlab.url("lab/tree/batch.ipynb"))
        page.wait_for_function(f"() => {KERNEL_IDLE_JS}", polling=100, timeout=KERNEL_IDLE_MS)
        page.locator(".jp-Cell").nth(0).locator(".jp-InputPrompt").click()
        page.keyboard.press("Control+Enter")
        run_button.wait_for(timeout=RUN_ALL_MS)

        # 1. Run: the grid, about 440 px tall; the whole output a few screens.
        run_button.click()
        charts.first.wait_for(timeout=RESULTS_MS)
        page.locator(".widget-html", has_text=f"Validated {ROWS:,} equations").wait_for(timeout=RESULTS_MS)
        grid.wait_for(timeout=STEP_MS)
        output_height = output.evaluate("element => element.getBoundingClientRect().height")
        box = grid_box()
        shot("run")
        assert 400 <= box["height"] <= 480, box
        assert output_height < 4_000, f"the output is {output_height:.0f} px tall"
        assert save_button.is_enabled() and csv_button.is_enabled()
        first = state()
        assert first["shown"] == ROWS and first["error"] is None, first

        # 2. The wheel scrolls the grid; a click shows a row far down, with its explanation.
        box = grid_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(4):
            page.mouse.wheel(0, 2_000)
        page.wait_for_timeout(500)
        _click_row(page, grid_box(), 1)
        card.wait_for(timeout=STEP_MS)
        scrolled_text = output.inner_text()
        shot("scrolled")
        row = next(line for line in scrolled_text.splitlines() if line.startswith("Row #"))
        number = int(row.removeprefix("Row #").split(" ")[0].replace(",", ""))
        assert number > 200, f"after scrolling, the row clicked is {row!r}"
        assert f"the explanation of x{number - 1}, long enough" in scrolled_text

        # The scroll bar jumps: its thumb dragged to the middle, the rows there are 4,000 and more.
        thumb = grid.locator(".lm-ScrollBar[data-orientation='vertical'] .lm-ScrollBar-thumb")
        track = grid.locator(".lm-ScrollBar[data-orientation='vertical'] .lm-ScrollBar-track").bounding_box()
        start = thumb.bounding_box()
        assert track is not None and start is not None
        page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
        page.mouse.down()
        page.mouse.move(start["x"] + start["width"] / 2, track["y"] + track["height"] / 2, steps=5)
        page.mouse.up()
        page.wait_for_timeout(500)
        _click_row(page, grid_box(), 1)
        page.locator(".widget-html", has_text=f"Row #{number}").wait_for(state="detached", timeout=STEP_MS)
        middle_row = next(line for line in output.inner_text().splitlines() if line.startswith("Row #"))
        middle = int(middle_row.removeprefix("Row #").split(" ")[0].replace(",", ""))
        shot("middle")
        assert 3_000 < middle < 7_000, f"after dragging the scroll bar to the middle, the row clicked is {middle_row!r}"

        # 3. Filter by kind through the grid's own menu; the kernel, the card and the CSV follow.
        _filter_exactly(page, grid_box(), "kind", "identity")
        by_kind = wait_state(lambda seen: seen["shown"] == ROWS // 4, "filtered by kind")
        assert by_kind["kinds"] == ["identity"], by_kind
        box = grid_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -100_000)  # a filter keeps the scroll offset: back to the top
        page.wait_for_timeout(500)
        _click_row(page, grid_box(), 0)
        page.locator(".widget-html", has_text="Row #2 of 10,000").wait_for(timeout=STEP_MS)  # x1, the first identity
        shot("filtered_kind")
        # Copy: the selected row with Ctrl+C, the grid's own copy.
        page.keyboard.press("Control+C")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert "x1 = 1*y" in copied and "identity" in copied, copied
        csv_button.click()
        link = page.locator("a.phi-lab-csv")
        link.wait_for(timeout=STEP_MS)
        shot("csv")
        with page.expect_download(timeout=STEP_MS) as download:
            link.click()
        saved = Path(download.value.path()).read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(saved)))
        assert len(rows) == ROWS // 4 and {row["kind"] for row in rows} == {"identity"}
        assert rows[0]["equation"] == "x1 = 1*y" and rows[0]["betti"] == "1,1,0"

        _filter_exactly(page, grid_box(), "verdict", "invalid")
        both = wait_state(lambda seen: seen["shown"] == ROWS // 20, "filtered by kind and verdict")
        assert both["kinds"] == ["identity"] and both["valid"] == [False], both
        shot("filtered_verdict")

        # 4. Every chart whole, its smallest text legible as displayed; no broken image.
        text_px = first["chart_text_px"]
        tabs = page.locator(".widget-tab .lm-TabBar-tab")
        assert tabs.count() == 3
        for position in range(3):
            tabs.nth(position).click()
            image = charts.nth(position)
            image.wait_for(timeout=STEP_MS)
            image.scroll_into_view_if_needed()
            shown = image.evaluate(
                """(img) => {
                    const box = img.getBoundingClientRect();
                    const area = img.closest('.jp-OutputArea').getBoundingClientRect();
                    return {natural: img.naturalWidth, width: box.width, right: box.right, areaRight: area.right};
                }"""
            )
            shot(f"chart_{position + 1}")
            scale = shown["width"] / shown["natural"] * CHART_DPI / CHART_PX_PER_INCH
            assert shown["width"] >= 600, shown  # not a 360 px thumbnail
            assert shown["right"] <= shown["areaRight"] + 1, shown  # not cut off at the right
            assert text_px[position] * scale >= MIN_TEXT_PX, (position, text_px, shown)
        broken = page.evaluate(
            "() => [...document.querySelectorAll('img.widget-image')]"
            ".filter(image => !image.complete || !image.naturalWidth).length"
        )
        assert broken == 0, f"{broken} images did not load"

        # 5. Bad units: an error, and nothing of the last run is left to read or save.
        units = page.locator(".widget-text", has_text="Units").locator("input")
        units.fill("a==m")
        units.press("Tab")
        run_button.click()
        page.locator(".widget-html", has_text="NAME=UNIT").wait_for(timeout=STEP_MS)
        grid.wait_for(state="hidden", timeout=STEP_MS)
        output.locator(".phi-lab-card").wait_for(state="detached", timeout=STEP_MS)
        shot("error")
        after = state()
        assert after["shown"] is None and after["error"] is not None, after
        assert charts.count() == 0 and page.locator("a.phi-lab-csv").count() == 0
        assert save_button.is_disabled() and csv_button.is_disabled()
        assert "NAME=UNIT" in status.inner_text() or "NAME=UNIT" in output.inner_text()
    except Exception:
        take_screenshot(page, artifacts / "batch_failure.png", failing=True)
        print(jupyterlab.log_tail())
        raise
    page_text = page.locator("body").inner_text()
    assert "Error displaying widget" not in page_text, "a widget did not render"
