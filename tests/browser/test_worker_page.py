"""The worker's own pages in headless chromium with the network cut off: ``/docs``, ``/redoc`` and ``/``.

Every request that is not to ``127.0.0.1`` is aborted and recorded (``page.route``), so a page
that needs a CDN shows up twice: blank, and with the URL it tried.  ``/docs`` and ``/redoc``
must draw the worker's operations from the files it serves itself.  On ``/``: ``F = m + a`` is
INVALID with a red confidence bar, ``E = mc^2`` with units VALID with a green one, bad units and
an equation over :data:`~phi_lab.options.MAX_EQUATION_CHARS` get messages worded for the page.

Screenshots go to the ``artifacts`` folder (printed); every process is ended by the fixtures.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (the 'test' extra)")

from playwright.sync_api import Page, Request, Route

from phi_lab.hints import word_hint
from phi_lab.options import MAX_EQUATION_CHARS
from tests.browser.pages import VERDICT_MS, BrowserPage, take_screenshot
from tests.server.processes import Worker, log_tail

pytestmark = [pytest.mark.requires_browser, pytest.mark.slow]

#: The one file ReDoc fetches from elsewhere (a footer logo), refused by the docs pages' policy.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
#: The fill of the confidence bar, by verdict (the page's --ok, --bad and --unsure).
GREEN, RED = "rgb(26, 127, 55)", "rgb(198, 40, 40)"


def cut_off_the_network(page: Page) -> list[str]:
    """Abort every request that would leave loopback; the list returned fills with their URLs."""
    refused: list[str] = []

    def handle(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or url.hostname == "127.0.0.1":
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return refused


def page_errors(browser_page: BrowserPage, *, refused_status: int | None = None) -> list[str]:
    """The console's errors, less the favicon's and the browser's note on each response with ``refused_status``."""
    expected = f"status of {refused_status} " if refused_status else "favicon"
    return [error for error in browser_page.console_errors if "favicon" not in error and expected not in error]


@pytest.mark.parametrize(
    ("path", "operation"),
    [("/docs", "#swagger-ui .opblock-post .opblock-summary-path"), ("/redoc", "redoc [role=menuitem]")],
)
def test_docs_render_without_internet(
    worker: Worker, browser_page: BrowserPage, artifacts: Path, path: str, operation: str
) -> None:
    """The docs draw every operation of the worker from its own files, with nothing off loopback."""
    page = browser_page.page
    refused = cut_off_the_network(page)
    name = path.strip("/")
    try:
        page.goto(f"{worker.url}{path}")
        page.locator(operation).first.wait_for(timeout=VERDICT_MS)  # the operations are drawn
        text = page.locator("body").inner_text()
        posts = page.locator(".opblock-post .opblock-summary-path").all_inner_texts()  # Swagger UI's
        take_screenshot(page, artifacts / f"worker_{name}_offline.png")
    except Exception:
        take_screenshot(page, artifacts / f"worker_{name}_failure.png", failing=True)
        print(log_tail(worker))
        raise
    assert refused == [], f"{path} tried to load from outside: {refused}"
    for route in ("/validate", "/validate/batch", "/health", "/info", "/metrics"):
        assert route in text, f"{route} is not on {path}"
    if path == "/docs":
        assert sorted(shown.strip() for shown in posts) == ["/validate", "/validate/batch"], posts  # POST /validate
    # The pages' Content-Security-Policy refuses ReDoc's footer logo before any request is made;
    # anything else it refused would be something the page needs.
    errors = [error for error in page_errors(browser_page) if REDOC_LOGO not in error]
    assert errors == [], errors


def test_worker_page_verdicts_units_and_limit(worker: Worker, browser_page: BrowserPage, artifacts: Path) -> None:
    """Red bar for INVALID, green for VALID with units, page-worded errors for units and length."""
    page = browser_page.page
    refused = cut_off_the_network(page)
    posts: list[str] = []

    def on_request(request: Request) -> None:
        if request.method == "POST":
            posts.append(request.url)

    page.on("request", on_request)
    card = page.locator("#card")
    fill = page.locator("#card .fill")

    def bar() -> tuple[str, str, str]:
        colour = fill.evaluate("node => getComputedStyle(node).backgroundColor")
        return colour, fill.evaluate("node => node.style.width"), page.locator("#card .confidence").inner_text()

    def validate(equation: str, units: str, shows: str) -> str:
        page.fill("#equation", equation)
        page.fill("#units", units)
        page.click("#validate")
        card.filter(has_text=shows).wait_for(timeout=VERDICT_MS)
        return card.inner_text()

    try:
        page.goto(f"{worker.url}/")
        invalid = validate("F = m + a", "", "INVALID")
        invalid_bar = bar()
        take_screenshot(page, artifacts / "worker_page_invalid_red.png")

        valid = validate("E = mc^2", "E=J, m=kg", "Mass–energy equivalence")
        valid_bar = bar()
        take_screenshot(page, artifacts / "worker_page_valid_units.png")

        unreadable = validate("E = mc^2", "E=J, m=blorbs", "Units not understood")
        units_flagged = page.get_attribute("#units", "aria-invalid")
        take_screenshot(page, artifacts / "worker_page_bad_units.png")
        not_pairs = validate("E = mc^2", "m kg", "Units not understood")

        sent = len(posts)
        over = "x" * (MAX_EQUATION_CHARS + 1)
        page.fill("#units", "")
        page.fill("#equation", over)
        counter = page.locator("#count").inner_text()
        page.click("#validate")
        card.filter(has_text="Equation too long").wait_for(timeout=VERDICT_MS)
        # Had the page sent it, the card would show only after the answer, so after the request event.
        refused_by_the_page = len(posts) == sent
        too_long = card.inner_text()
        take_screenshot(page, artifacts / "worker_page_too_long.png")
        # Past the page's own check, the worker refuses too, and the page words its answer.
        served = page.evaluate(
            """async (equation) => {
                const response = await fetch("validate", {
                    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({equation}),
                });
                const problem = describeError(response, await response.json());
                return `${response.status} ${problem.title}: ${problem.message}`;
            }""",
            over,
        )
    except Exception:
        take_screenshot(page, artifacts / "worker_page_failure.png", failing=True)
        print(log_tail(worker))
        raise

    assert invalid.startswith("INVALID"), invalid
    assert "dimensions do not match" in invalid, invalid
    assert invalid_bar[0] == RED and invalid_bar[1] != "0%", invalid_bar  # red, as long as the confidence
    assert invalid.startswith("INVALID · dimensions check failed"), invalid
    assert "units=" not in invalid and word_hint("conventional_units", "web") in invalid, invalid
    assert "()" not in invalid, invalid
    assert valid.startswith("VALID"), valid
    assert valid_bar[0] == GREEN and valid_bar[2].startswith("confidence 0."), valid_bar
    assert "'m'" in unreadable and "blorbs" in unreadable and units_flagged == "true", unreadable
    assert "“m kg” is not NAME=UNIT" in not_pairs, not_pairs

    limit = f"{MAX_EQUATION_CHARS:,}"
    assert f"over the limit of {limit}" in counter, counter
    expected = f"The equation is {MAX_EQUATION_CHARS + 1:,} characters long; the limit is {limit} characters."
    assert expected in too_long, too_long
    assert refused_by_the_page, "the page sent an equation over the limit to the worker"
    assert served == f"422 Equation too long: The worker accepts equations of at most {limit} characters.", served
    assert refused == [], f"the page tried to load from outside: {refused}"
    errors = page_errors(browser_page, refused_status=422)  # the unreadable unit is a 422, on purpose
    assert errors == [], errors
