"""ExplorerWidget driven as a notebook would: type a target, click Search or Stop, save the exact hits."""

from __future__ import annotations

import math
import re
import subprocess
import sys
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
        self.results: list[pl.ValidationResult] = []

    def add(self, result: pl.ValidationResult, **options: Any) -> Outcome:
        return self.add_many([result], **options)[0]

    def add_many(self, results: Sequence[pl.ValidationResult], **options: Any) -> list[Outcome]:
        outcomes = []
        for result in results:
            assert isinstance(result, pl.ValidationResult)  # the store takes records only
            known = any(text == result.equation for text, _ in self.added)
            self.added.append((result.equation, options))
            self.results.append(result)
            outcomes.append(Outcome(len(self.added), not known))
        return outcomes


def verdict(equation: str, *, valid: bool = True) -> pl.ValidationResult:
    """A verdict as a search computed it, without running the pipeline."""
    kind = "identity" if valid else "contradiction"
    return pl.ValidationResult(valid, 0.9, (1, 0, 0), 1, 0.0, "fake.", 0.1, equation=equation, kind=kind, mode="math")


class BlockingSearch:
    """A search that reports progress and then waits for its cancel event (or a timeout)."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.calls: list[tuple[str, str, int, float]] = []
        self.cancel: threading.Event | None = None

    def __call__(
        self,
        kind: str,
        target: str,
        /,
        *,
        constants: Sequence[str],
        operations: Sequence[str],
        max_complexity: int,
        max_results: int,
        time_budget_s: float,
        progress: Callable[[Any], None],
        cancel: threading.Event,
    ) -> Any:
        self.calls.append((kind, target, max_complexity, time_budget_s))
        self.cancel = cancel
        progress(Progress(3, 120, 40, 2, 0.5))
        self.started.set()
        stopped = "cancelled" if cancel.wait(timeout=30) else "time"
        frame = pd.DataFrame({"equation": ["x^2 = x + 1"], "complexity": [6], "error": [0.0], "digits": [50],
                              "exact": [True]})  # fmt: skip
        frame.attrs.update(stopped=stopped, seconds=0.6)
        return frame


def test_a_real_search_for_phi_shows_its_equations_and_chart() -> None:
    master = FakeMasterList()
    explorer = ExplorerWidget(max_complexity=6, time_budget_s=60.0, master_list=master)
    explorer.search_button.click()  # runs in a background thread
    assert explorer.wait(timeout=120)
    frame = explorer.frame
    assert frame is not None and "x^2 = x + 1" in set(frame["equation"])
    assert "x^2 = x + 1" in explorer.table.value and "exact" in explorer.status.value
    assert bytes(explorer.chart.value).startswith(PNG)
    assert not explorer.save_button.disabled and explorer.error is None
    explorer.save_button.click()  # the search's own verdicts are saved, not validated again
    exact = frame.index[frame["exact"]]
    assert master.results == [frame.attrs["verdicts"][label] for label in exact] and len(exact) >= 2
    assert master.added[0][1]["note"] == "equations search for phi"


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
    assert search.cancel is not None and search.cancel.is_set()
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


def test_save_keeps_the_searchs_valid_verdicts_of_exact_hits() -> None:
    master = FakeMasterList()
    frame = pd.DataFrame({"expression": ["(1 + sqrt(5))/2", "2/(sqrt(5) - 1)", "1.6"], "complexity": [5, 5, 2],
                          "error": [0.0, 0.0, 0.01], "digits": [50, 50, 1], "exact": [True, True, False]})  # fmt: skip
    verdicts = {0: verdict("phi = (1 + sqrt(5))/2"), 1: verdict("phi = 2/(sqrt(5) - 1)"), 2: verdict("phi = 1.6")}
    frame.attrs.update(search="closed forms", verdicts=verdicts)
    explorer = ExplorerWidget(
        kind="closed forms", search=lambda *args, **kwargs: frame, master_list=master,
        chart=lambda frame, target: _figure(),
    )  # fmt: skip
    explorer.run()
    outcomes = explorer.save_exact()
    assert master.results == [verdicts[0], verdicts[1]]  # the very records the search made: exact rows only
    assert all(outcome.added for outcome in outcomes)
    assert master.added[0][1]["tags"] == ("discovered",) and "closed forms search for phi" in master.added[0][1]["note"]
    assert master.added[0][1]["source"] == "explorer"
    assert "Saved 2 new" in explorer.status.value and explorer.save_button.disabled


def test_save_says_what_it_left_out_and_never_reads_column_names() -> None:
    """The frame says what it is (``attrs["search"]``) and carries its verdicts by row label."""
    master = FakeMasterList()
    frame = pd.DataFrame({"hit": ["a", "b", "c", "d"], "error": [0.0] * 4, "exact": [True, True, True, False]})
    frame.index = [10, 20, 30, 40]  # labels, not positions
    frame.attrs.update(search="equations", verdicts={10: verdict("x = 1"), 30: verdict("1 = 2", valid=False)})
    explorer = ExplorerWidget(kind="closed forms", search=lambda *a, **k: frame, master_list=master,
                              chart=lambda frame, target: _figure())  # fmt: skip
    explorer.run()
    explorer.save_exact()
    assert [text for text, _ in master.added] == ["x = 1"]
    assert master.added[0][1]["note"] == "equations search for phi"  # what the frame says it is
    status = explorer.status.value
    assert "Saved 1 new" in status and "1 not valid as an equation; 1 without a verdict, not saved" in status, status
    bare = pd.DataFrame({"expression": ["pi"], "error": [0.0], "exact": [True]})  # a search that gives no verdicts
    explorer._search = lambda *a, **k: bare
    explorer.run()
    assert explorer.save_exact() == [] and "gave no verdicts" in (explorer.error or "")
    assert len(master.added) == 1


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
    assert callable(pl.find_equations)  # the default search is the façade's


# ---------------------------------------------------------------- every control, and what the status line says


class RecordingSearch:
    """Returns ``frame`` (after reporting ``reports`` as progress) and records each call's keywords."""

    def __init__(self, frame: Any = None, reports: Sequence[Progress] = ()) -> None:
        self.frame = frame if frame is not None else _forms(["(1 + sqrt(5))/2"], hits=1)
        self.reports = list(reports)
        self.calls: list[dict[str, Any]] = []

    def __call__(self, kind: str, target: str, /, **options: Any) -> Any:
        self.calls.append({"kind": kind, "target": target, **options})
        for report in self.reports:
            options["progress"](report)
        return self.frame


def _forms(expressions: Sequence[str], *, hits: int, errors: Sequence[float] | None = None, **attrs: Any) -> Any:
    """A closed-form search's frame: ``expressions`` ranked, the first exact (error 0) unless ``errors`` say."""
    errors = list(errors) if errors is not None else [0.0 if n == 0 else 1e-6 for n in range(len(expressions))]
    frame = pd.DataFrame(
        {
            "expression": list(expressions),
            "complexity": [3 + position for position in range(len(expressions))],
            "value": [1.618] * len(expressions),
            "error": errors,
            "digits": [50 if error == 0 else 6 for error in errors],
            "exact": [error == 0 for error in errors],
            "group_size": [1] * len(expressions),
            "variants": [()] * len(expressions),
        }
    )
    frame.attrs.update({"stopped": "max_complexity", "seconds": 0.5, "hits": hits, **attrs})
    return frame


class CountingChart:
    def __init__(self) -> None:
        self.frames: list[Any] = []

    def __call__(self, frame: Any, *, target: str) -> Any:
        self.frames.append(frame)
        return _figure()


def _rows(explorer: ExplorerWidget) -> int:
    return int(explorer.table.value.count('<tr class="phi-lab-hit">'))


def test_every_control_reaches_the_search() -> None:
    search = RecordingSearch()
    explorer = ExplorerWidget(search=search, chart=CountingChart())
    explorer.target.value = " sqrt(3) "
    explorer.kind.value = "closed forms"
    explorer.max_complexity.value = 5
    explorer.time_budget.value = 2.5
    explorer.max_results.value = 7
    explorer.constants.value = ("2", "phi", "sqrt3")
    explorer.operations.buttons["exp"].value = False  # a click on a chip
    explorer.operations.buttons["sin"].value = True
    explorer.run()
    (call,) = search.calls
    assert call.pop("progress") is not None and isinstance(call.pop("cancel"), threading.Event)
    assert call == {
        "kind": "closed forms",
        "target": "sqrt(3)",
        "constants": ("2", "phi", "sqrt3"),
        "operations": ("+", "-", "*", "/", "^", "sqrt", "log", "sin"),
        "max_complexity": 5,
        "max_results": 7,
        "time_budget_s": 2.5,
    }


def test_the_constructor_sets_every_control_and_refuses_what_is_not_offered() -> None:
    explorer = ExplorerWidget(
        target="e", kind="closed forms", max_complexity=4, time_budget_s=3.0, max_results=5,
        constants=("pi", "1"), operations=("*", "+"),
    )  # fmt: skip
    assert (explorer.target.value, explorer.kind.value) == ("e", "closed forms")
    assert (explorer.max_complexity.value, explorer.time_budget.value, explorer.max_results.value) == (4, 3.0, 5)
    assert explorer.constants.value == ("1", "pi") and explorer.operations.value == ("+", "*")  # in the row's order
    assert ExplorerWidget(kind="closed forms").constants.value == ("1", "2", "3", "5", "pi", "e", "sqrt5")
    with pytest.raises(InputError, match="'tau'"):
        ExplorerWidget(constants=("1", "tau"))
    with pytest.raises(InputError, match="'mod'"):
        ExplorerWidget(operations=("mod",))


def test_enter_in_the_target_starts_a_search() -> None:
    search = RecordingSearch()
    explorer = ExplorerWidget(search=search, chart=CountingChart())
    explorer.target.value = "sqrt(2)"
    explorer.target._handle_custom_msg({"event": "other"}, [])  # not Enter: nothing
    assert not search.calls
    explorer.target._handle_custom_msg({"event": "submit"}, [])  # what the browser sends on Enter
    assert explorer.wait(timeout=10)
    assert [call["target"] for call in search.calls] == ["sqrt(2)"] and explorer.frame is not None


def test_switching_kind_resets_the_choices_the_user_left_alone() -> None:
    # The values change through widget events, which mypy does not see: it keeps the tuple
    # length each assert narrowed the value to, hence the comparison-overlap ignores.
    explorer = ExplorerWidget()
    assert explorer.constants.value == ("1", "2", "3", "5")
    explorer.kind.value = "closed forms"
    assert explorer.constants.value == ("1", "2", "3", "5", "pi", "e", "sqrt5")  # type: ignore[comparison-overlap]
    assert explorer.operations.value == ("+", "-", "*", "/", "^", "sqrt", "exp", "log")
    explorer.constants.buttons["phi"].value = True  # changed by the user: kept from now on
    explorer.kind.value = "equations"
    assert explorer.constants.value == ("1", "2", "3", "5", "pi", "e", "phi", "sqrt5")  # type: ignore[comparison-overlap]
    assert explorer.operations.value == ("+", "-", "*", "/", "^", "sqrt")  # type: ignore[comparison-overlap]


def test_an_empty_choice_is_a_problem_in_the_status_line() -> None:
    search = RecordingSearch()
    explorer = ExplorerWidget(search=search)
    explorer.constants.value = ()
    assert explorer.run() is None and "at least one constant" in (explorer.error or "")
    explorer.constants.value = ("1",)
    for button in explorer.operations.buttons.values():
        button.value = False
    assert explorer.run() is None and "at least one operation" in (explorer.error or "")
    assert not search.calls and "at least one operation" in explorer.status.value


def test_a_problem_clears_the_previous_results_and_disables_save() -> None:
    results = RecordingSearch(_forms(["(1 + sqrt(5))/2", "1.618"], hits=2))
    searches: list[Callable[..., Any]] = [results, _refusing]

    def search(*args: Any, **kwargs: Any) -> Any:  # the first search finds, the second fails
        return searches.pop(0)(*args, **kwargs)

    explorer = ExplorerWidget(search=search, chart=CountingChart())
    explorer.run()
    assert _rows(explorer) == 2 and explorer.chart.layout.display is None and not explorer.save_button.disabled
    assert explorer.run() is None  # the search raises InputError
    assert "not a real number" in (explorer.error or "") and explorer.frame is None
    assert explorer.table.value == "" and explorer.chart.layout.display == "none" and explorer.chart.value == b""
    assert explorer.save_button.disabled and not explorer.search_button.disabled and explorer.stop_button.disabled
    explorer.frame = results.frame  # as if shown again; an empty target clears it too
    explorer.target.value = ""
    assert explorer.run() is None and explorer.frame is None and explorer.save_button.disabled


def test_the_chart_is_drawn_only_for_rows_with_a_finite_error() -> None:
    chart = CountingChart()
    empty = _forms([], hits=0)
    explorer = ExplorerWidget(search=RecordingSearch(empty), chart=chart)
    explorer.run()
    assert explorer.chart.layout.display == "none" and not chart.frames and "No hits" in explorer.table.value
    explorer._search = RecordingSearch(_forms(["a", "b"], hits=2, errors=[math.inf, math.nan]))
    explorer.run()
    assert explorer.chart.layout.display == "none" and not chart.frames and _rows(explorer) == 2
    explorer._search = RecordingSearch(_forms(["a", "b", "c"], hits=3, errors=[0.0, math.inf, 1e-3]))
    explorer.run()
    assert explorer.chart.layout.display is None and bytes(explorer.chart.value).startswith(PNG)
    (drawn,) = chart.frames
    assert list(drawn["expression"]) == ["a", "c"]


def test_the_summary_counts_the_searchs_hits_and_the_tables_rows() -> None:
    seen: list[str] = []
    expressions = [f"form{n}" for n in range(20)]
    frame = _forms(expressions, hits=245, stopped="time", seconds=2.1, errors=[0.0] * 3 + [1e-7] * 17)
    last = Progress(6, 1_234_567, 12_345, 245, 1.2)  # the search's last report: its hits are attrs["hits"]
    explorer = ExplorerWidget(kind="closed forms", search=RecordingSearch(frame, [last]), chart=CountingChart())
    explorer.status.observe(lambda change: seen.append(change["new"]), names="value")
    explorer.run()
    assert "complexity 6 · 1,234,567 candidates · 12,345 kept · 245 hits · 1.2 s" in seen[-2]
    status = explorer.status.value
    assert "20 forms from 245 hits (grouped by form; max results reached), 3 exact, in 2.1 s" in status, status
    assert "(the time budget ran out)." in status
    rows, hits = re.search(r"(\d+) forms from ([\d,]+) hits", status).groups()  # type: ignore[union-attr]
    assert int(rows) == _rows(explorer) == len(frame) and int(hits.replace(",", "")) == frame.attrs["hits"]


def test_the_searchs_reason_and_why_it_stopped_are_shown() -> None:
    reason = "π is transcendental: no polynomial equation over these constants; add pi as a constant"
    nothing = pd.DataFrame({"equation": [], "complexity": [], "error": [], "digits": [], "exact": []})
    nothing.attrs.update(stopped="max_complexity", seconds=1.0, hits=0, reason=reason)
    explorer = ExplorerWidget(target="pi", max_complexity=6, search=RecordingSearch(nothing))
    explorer.run()
    status = explorer.status.value
    assert "No relations found in 1.0 s (searched every level up to complexity 6)." in status, status
    assert reason in status and explorer.error is None and explorer.save_button.disabled
    full = _forms(["a"], hits=1, errors=[1e-3], stopped="memory", pool_limit=1_000_000)
    explorer._search = RecordingSearch(full)
    explorer.run()
    assert "(the pool reached its memory limit (1,000,000 members))" in explorer.status.value
    assert reason not in explorer.status.value
    checked = _forms(["a"], hits=245, verified=40, reason=None)
    explorer._search = RecordingSearch(checked)
    explorer.run()
    assert "1 relation from 245 hits (40 verified at 50 digits; grouped by relation)" in explorer.status.value
    assert "phi-lab-note" not in explorer.status.value  # a reason of None says nothing


def test_variants_fold_out_of_their_row() -> None:
    frame = _forms(["(1 + sqrt(5))/2", "1.618"], hits=5)
    frame["group_size"] = [4, 1]
    frame["variants"] = [("2/(sqrt(5) - 1)", "<i>x</i>", "sqrt(5)/2 + 1/2"), ()]
    explorer = ExplorerWidget(search=RecordingSearch(frame), chart=CountingChart())
    explorer.run()
    table = explorer.table.value
    assert table.count("<details") == 1 and "<summary" in table and "3 more" in table
    assert "2/(sqrt(5) - 1)" in table and "&lt;i&gt;x&lt;/i&gt;" in table and "<i>x</i>" not in table
    assert ">group</th>" in table and ">4</td>" in table
    assert explorer.table.layout.max_height == "28em" and explorer.table.layout.overflow == "auto"


def test_the_stop_button_is_enabled_exactly_while_a_search_runs_and_old_results_go() -> None:
    search = BlockingSearch()
    explorer = ExplorerWidget(search=RecordingSearch(), chart=lambda frame, target: _figure())
    explorer.run()
    assert explorer.stop_button.disabled and _rows(explorer) == 1 and explorer.chart.layout.display is None
    explorer._search = search
    explorer.search_button.click()
    assert search.started.wait(timeout=10) and not explorer.stop_button.disabled
    assert explorer.table.value == "" and explorer.chart.layout.display == "none" and explorer.frame is None
    assert explorer.save_button.disabled
    explorer.stop_button.click()
    assert explorer.wait(timeout=10) and search.cancel is not None and search.cancel.is_set()
    assert explorer.stop_button.disabled


def test_a_choice_row_is_a_widget_with_one_value() -> None:
    from traitlets import TraitError

    from phi_lab.widgets._choices import MultiToggle

    row = MultiToggle([("π", "pi"), ("e", "e"), ("φ", "phi")], ("phi", "pi"), description="Constants")
    changes: list[tuple[str, ...]] = []
    row.observe(lambda change: changes.append(change["new"]), names="value")
    assert row.value == ("pi", "phi") and row.buttons["pi"].value and row.buttons["pi"].button_style == "info"
    row.buttons["e"].value = True  # a click: it changes row.value, which mypy does not see (hence the ignore)
    assert row.value == ("pi", "e", "phi") and row.buttons["e"].button_style == "info"  # type: ignore[comparison-overlap]
    row.value = ("e",)
    assert [name for name, button in row.buttons.items() if button.value] == ["e"]
    assert changes == [("pi", "e", "phi"), ("e",)]
    with pytest.raises(TraitError, match="tau"):
        row.value = ("tau",)


def test_the_offered_choices_are_what_the_searches_accept() -> None:
    import inspect

    from phi_lab.compute.enumeration import BINARY_OPERATIONS, UNARY_OPERATIONS, read_leaves, read_operations
    from phi_lab.widgets._explorer import CONSTANTS, DEFAULT_CONSTANTS, DEFAULT_OPERATIONS, OPERATIONS

    names = [name for _, name in OPERATIONS]
    assert set(names) == set(BINARY_OPERATIONS) | UNARY_OPERATIONS and len(names) == len(set(names))
    read_operations(names)  # raises for anything a search would refuse
    assert len(read_leaves([name for _, name in CONSTANTS], None)) == len(CONSTANTS)
    for kind, find in (("equations", pl.find_equations), ("closed forms", pl.find_closed_forms)):
        parameters = inspect.signature(find).parameters
        assert DEFAULT_CONSTANTS[kind] == parameters["constants"].default
        assert DEFAULT_OPERATIONS[kind] == parameters["operations"].default


def test_importing_the_widgets_loads_no_torch() -> None:
    code = "import sys, phi_lab.widgets; print(sorted({'torch', 'sympy', 'matplotlib'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_the_summary_says_how_long_the_user_waited() -> None:
    """attrs['seconds'] is the search's own time; confirming and validating the hits (and the first
    import of torch) come after it: the summary says the wall time, and the search's share."""

    class SlowAfterSearching(RecordingSearch):
        def __call__(self, kind: str, target: str, /, **options: Any) -> Any:
            threading.Event().wait(0.8)  # what the search's own clock does not count
            return super().__call__(kind, target, **options)

    frame = _forms(["a", "b"], hits=2, seconds=0.1)
    explorer = ExplorerWidget(kind="closed forms", search=SlowAfterSearching(frame), chart=CountingChart())
    explorer.run()
    found = re.search(r"in (\d+\.\d) s, 0\.1 s of it searching \(", explorer.status.value)
    assert found is not None and float(found.group(1)) >= 0.8, explorer.status.value
    explorer._search = RecordingSearch(_forms(["a"], hits=1, seconds=0.1))  # no wait beyond the search
    explorer.run()
    assert re.search(r"in \d+\.\d s \(", explorer.status.value) and "of it searching" not in explorer.status.value
