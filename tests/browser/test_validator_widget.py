"""The ValidatorWidget in a real JupyterLab: what a researcher sees, not only what the kernel holds.

A scratch notebook (``ValidatorWidget()``, nothing else) is opened and run in headless
chromium; then, in the rendered page: no broken-image icon before anything is drawn or
after a parse error; the Save button's and the auto-save box's labels not cut off; the
hint of a dimension mismatch speaks of the Units box; a 5,000-character input gives a card
of bounded height (its text folded, "(5,000 characters)"); and the *Recent* menu puts an
earlier equation back.  Screenshots of each step go to ``artifacts``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (the 'test' extra)")

from playwright.sync_api import Page

from tests.browser.pages import (
    KERNEL_IDLE_JS,
    KERNEL_IDLE_MS,
    RUN_ALL_MS,
    VERDICT_MS,
    BrowserPage,
    JupyterLab,
    open_menu,
    take_screenshot,
    wait_settled,
)

pytestmark = [pytest.mark.requires_browser, pytest.mark.slow]

CELL = "from phi_lab.widgets import ValidatorWidget\n\nValidatorWidget()"
LONG_EQUATION = " + ".join(f"x_{i}" for i in range(638)) + " + 0 = 10"  # 5,000 characters, 638 symbols
LONG_MS = 180_000  # validating 638 symbols on a shared CPU takes a while
MAX_CARD_PX = 900  # the long card was 3,500 px before its text and symbols were folded

#: Images in the notebook that are shown (they take room) but hold no picture: the broken-image icon.
BROKEN_IMAGES_JS = """() => [...document.querySelectorAll('.jp-Notebook img')]
    .filter(img => img.getClientRects().length > 0 && getComputedStyle(img).visibility !== 'hidden')
    .filter(img => !img.complete || img.naturalWidth === 0)
    .map(img => img.outerHTML.slice(0, 120))"""

#: Labels of the widget's buttons and check box whose text does not fit their box.
CLIPPED_JS = """() => [...document.querySelectorAll('.jp-Notebook .widget-button, .jp-Notebook .widget-checkbox label')]
    .filter(node => node.getClientRects().length > 0 && node.scrollWidth > node.clientWidth + 1)
    .map(node => `${node.textContent.trim()}: ${node.scrollWidth} > ${node.clientWidth}`)"""


def _write_notebook(root: Path) -> str:
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(notebook, root / "validator.ipynb")
    return "validator.ipynb"


def _validate(page: Page, text: str, *, shows: str, timeout: float = VERDICT_MS) -> None:
    """Type ``text`` in the Equation box, press Enter, and wait for a card that shows ``shows``."""
    equation = page.locator(".widget-text input").first
    equation.fill(text)
    equation.press("Enter")
    page.locator(".phi-lab-card", has_text=shows).first.wait_for(timeout=timeout)
    wait_settled(page, timeout)


def test_validator_widget_polish_in_jupyterlab(
    jupyterlab: JupyterLab, browser_page: BrowserPage, artifacts: Path
) -> None:
    name = _write_notebook(jupyterlab.root)
    page = browser_page.page
    card = page.locator(".phi-lab-card").first
    try:
        page.goto(jupyterlab.url(f"lab/tree/{name}"))
        page.wait_for_function(f"() => {KERNEL_IDLE_JS}", polling=100, timeout=KERNEL_IDLE_MS)
        open_menu(page, "Run", "Run All Cells")
        equation = page.locator(".widget-text input").first
        equation.wait_for(timeout=RUN_ALL_MS)
        wait_settled(page, RUN_ALL_MS)
        page.locator(".phi-lab-card", has_text="Type an equation").wait_for()
        first_broken = page.evaluate(BROKEN_IMAGES_JS)
        clipped = page.evaluate(CLIPPED_JS)
        take_screenshot(page, artifacts / "validator_first_display.png")

        _validate(page, "E = (", shows="Parse error")
        parse_broken = page.evaluate(BROKEN_IMAGES_JS)
        take_screenshot(page, artifacts / "validator_parse_error.png")

        _validate(page, "F = m + a", shows="INVALID")
        hint = card.inner_text()
        page.locator("img.widget-image").first.wait_for(state="visible", timeout=VERDICT_MS)
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('img.widget-image')].some(i => i.complete && i.naturalWidth > 0)"
        )
        take_screenshot(page, artifacts / "validator_hint.png")

        _validate(page, LONG_EQUATION, shows="(5,000 characters)", timeout=LONG_MS)
        long_height = card.bounding_box()
        long_text = card.inner_text()
        long_broken = page.evaluate(BROKEN_IMAGES_JS)
        take_screenshot(page, artifacts / "validator_long_input.png")
        card.locator("details.phi-lab-equation summary").click()  # the whole text, on request
        opened_height = card.bounding_box()
        whole_shown = card.locator("details.phi-lab-equation pre").inner_text()
        take_screenshot(page, artifacts / "validator_long_input_opened.png")

        recent = page.locator(".widget-dropdown", has_text="Recent").locator("select")
        labels = [option.replace("\xa0", " ").strip() for option in recent.locator("option").all_inner_texts()]
        recent.select_option(label="F = m + a")
        page.locator(".phi-lab-card", has_text="cannot add mass").first.wait_for(timeout=VERDICT_MS)
        wait_settled(page, VERDICT_MS)
        restored = equation.input_value()
        restored_card = card.inner_text()
        equation.evaluate("input => input.scrollIntoView({block: 'start'})")
        take_screenshot(page, artifacts / "validator_recent.png")
        page_text = page.locator("body").inner_text()
    except Exception:
        take_screenshot(page, artifacts / "validator_failure.png", failing=True)
        print(jupyterlab.log_tail())
        raise
    assert first_broken == [], f"a broken image shows before anything is drawn: {first_broken}"
    assert clipped == [], f"labels cut off: {clipped}"
    assert parse_broken == [], f"a broken image shows after a parse error: {parse_broken}"
    assert "fill the Units box or choose Mode: math" in hint and "units=" not in hint, hint
    assert drawn, "the drawing of F = m + a did not load"
    assert long_height is not None and long_height["height"] <= MAX_CARD_PX, long_height
    assert "x_22, x_23 and 614 more" in long_text and "x_24" not in long_text, long_text[:2000]
    assert long_broken == [], f"a broken image shows after a long input: {long_broken}"
    assert opened_height is not None and opened_height["height"] <= MAX_CARD_PX + 300, opened_height
    assert whole_shown.strip() == LONG_EQUATION
    long_label = f"{LONG_EQUATION[:59].rstrip()}… (5,000 characters)"
    assert labels == ["3 equations", long_label, "F = m + a", "E = ("], labels
    assert restored == "F = m + a" and "F = m + a" in restored_card
    assert "Error displaying widget" not in page_text, "a widget did not render"
