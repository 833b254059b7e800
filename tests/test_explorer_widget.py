"""ExplorerWidget driven as a notebook would: type a target, click Search or Stop, save the exact hits."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

ipywidgets = pytest.importorskip("ipywidgets", reason="the notebook widgets need the 'notebook' extra (ipywidgets)")
pd = pytest.importorskip("pandas")

import phi_lab as pl  # noqa: E402
from phi_lab.compute.enumeration import Progress  # noqa: E402
from phi_lab.errors import InputError  # noqa: E402
from phi_lab.widgets import ExplorerWidget  # noqa: E402

PNG = b"\x89PNG"


@dataclass(frozen=True)
class Outcome:
    id: int
    added: bool


class FakeMasterList:
    def __init__(self) -> None:
        self.added: list[tuple[str, dict[str, Any]]] = []

    def add(self, result: Any, **options: Any) -> Outcome:
        return self.add_many([result], **options)[0]

    def add_many(self, results: Sequence[Any], **options: Any) -> list[Outcome]:
        outcomes = []
        for result in results:
            known = any(text == result.equation for text, _ in self.added)
            self.added.append((result.equation, options))
            outcomes.append(Outcome(len(self.added), not known))
        return outcomes


class BlockingSearch:
    """A search that reports progress and then waits for its cancel event (or a timeout)."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.calls: list[tuple[str, str, int, float]] = []

    def __call__(
        self,
        kind: str,
        target: str,
        /,
        *,
        max_complexity: int,
        time_budget_s: float,
        progress: Callable[[Any], None],
        cancel: threading.Event,
    ) -> Any:
        self.calls.append((kind, target, max_complexity, time_budget_s))
        progress(Progress(3, 120, 40, 2, 0.5))
        self.started.set()
        stopped = "cancelled" if cancel.wait(timeout=30) else "time"
        frame = pd.DataFrame({"equation": ["x^2 = x + 1"], "complexity": [6], "error": [0.0], "digits": [50],
                              "exact": [True]})  # fmt: skip
        frame.attrs.update(stopped=stopped, seconds=0.6)
        return frame


def test_a_real_search_for_phi_shows_its_equations_and_chart() -> None:
    explorer = ExplorerWidget(max_complexity=6, time_budget_s=60.0)
    explorer.search_button.click()  # runs in a background thread
    assert explorer.wait(timeout=120)
    frame = explorer.frame
    assert frame is not None and "x^2 = x + 1" in set(frame["equation"])
    assert "x^2 = x + 1" in explorer.table.value and "exact" in explorer.status.value
    assert bytes(explorer.chart.value).startswith(PNG)
    assert not explorer.save_button.disabled and explorer.error is None


def test_stop_cancels_the_running_search_and_keeps_what_it_found() -> None:
    search = BlockingSearch()
    explorer = ExplorerWidget(search=search, chart=lambda frame, target: _figure())
    explorer.target.value = "sqrt(2)"
    explorer.kind.value = "closed forms"
    explorer.search_button.click()
    assert search.started.wait(timeout=10)
    assert explorer.running and explorer.search_button.disabled and not explorer.stop_button.disabled
    explorer.search_button.click()  # a second search while one runs is refused, not started
    assert "already running" in (explorer.error or "")
    explorer.stop_button.click()
    assert explorer.wait(timeout=10)
    assert search.calls == [("closed forms", "sqrt(2)", 8, 10.0)]
    assert "(stopped)" in explorer.status.value and explorer.frame is not None
    assert not explorer.search_button.disabled and explorer.stop_button.disabled


def test_progress_is_shown_while_searching() -> None:
    seen: list[str] = []
    search = BlockingSearch()
    explorer = ExplorerWidget(search=search, chart=lambda frame, target: _figure())
    explorer.status.observe(lambda change: seen.append(change["new"]), names="value")
    explorer.start()
    assert search.started.wait(timeout=10)
    explorer.stop()
    explorer.wait(timeout=10)
    assert any("120 candidates" in text and "2 hits" in text for text in seen)


def test_save_validates_the_exact_hits_and_keeps_the_valid_ones() -> None:
    master = FakeMasterList()
    frame = pd.DataFrame({"expression": ["(1 + sqrt(5))/2", "2/(sqrt(5) - 1)", "1.6"], "complexity": [5, 5, 2],
                          "error": [0.0, 0.0, 0.01], "digits": [50, 50, 1], "exact": [True, True, False]})  # fmt: skip
    explorer = ExplorerWidget(
        kind="closed forms", search=lambda *args, **kwargs: frame, master_list=master,
        chart=lambda frame, target: _figure(),
    )  # fmt: skip
    explorer.run()
    outcomes = explorer.save_exact()
    assert [text for text, _ in master.added] == ["phi = (1 + sqrt(5))/2", "phi = 2/(sqrt(5) - 1)"]
    assert all(outcome.added for outcome in outcomes)
    assert master.added[0][1]["tags"] == ("discovered",) and "closed forms search for phi" in master.added[0][1]["note"]
    assert "Saved 2 new" in explorer.status.value and explorer.save_button.disabled


def test_problems_are_shown_not_raised() -> None:
    explorer = ExplorerWidget(search=_refusing)
    explorer.target.value = "  "
    assert explorer.run() is None and "Type a target" in (explorer.error or "")
    explorer.target.value = "sqrt(-1)"
    assert explorer.run() is None and "not a real number" in (explorer.error or "")
    assert explorer.save_exact() == [] and "run a search first" in (explorer.error or "")
    explorer.stop()  # nothing running: said, not raised
    assert "No search is running" in explorer.status.value
    with pytest.raises(InputError, match="kind"):
        ExplorerWidget(kind="integrals")


def test_hit_text_is_escaped() -> None:
    frame = pd.DataFrame({"equation": ["<b>x</b> = 1"], "complexity": [3], "error": [0.0], "digits": [50],
                          "exact": [True]})  # fmt: skip
    explorer = ExplorerWidget(search=lambda *args, **kwargs: frame, chart=lambda frame, target: _figure())
    explorer.run()
    assert "<b>x</b>" not in explorer.table.value and "&lt;b&gt;" in explorer.table.value


def _refusing(kind: str, target: str, /, **_: Any) -> Any:
    raise InputError(f"target {target!r} is not a real number")


def _figure() -> Any:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([0, 1], [1, 0])
    return figure


def test_the_widget_displays_as_its_box() -> None:
    bundle = ExplorerWidget()._repr_mimebundle_()
    assert bundle is not None and "application/vnd.jupyter.widget-view+json" in bundle
    assert isinstance(pl.find_equations, Callable)  # the default search is the façade's
