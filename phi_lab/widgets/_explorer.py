"""ExplorerWidget: search equations or closed forms for a number, watch progress, stop, save.

The searches are the injected ``search`` (default: :func:`phi_lab.find_equations` and
:func:`phi_lab.find_closed_forms`, imported at the first search); the chart is
:func:`phi_lab.plots.plot_hits`; saving writes the verdicts the search already computed (its
frame's ``attrs["verdicts"]``) to :class:`phi_lab.store.MasterList`, validating nothing again.
A search started from the Search button (or Enter in the target box) runs in a background
thread, so the notebook stays responsive and the Stop button can set the search's cancel
event; the hits found until then are shown.

The constants and operations offered are this module's :data:`CONSTANTS` and
:data:`OPERATIONS`: written out here, not read from :mod:`phi_lab.compute.enumeration`, so that
importing the widgets loads no torch (a test keeps the two in step).
"""

from __future__ import annotations

import html
import math
import operator
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets  # type: ignore[import-untyped]

from phi_lab.errors import InputError, PhiLabError
from phi_lab.widgets._choices import MultiToggle
from phi_lab.widgets._html import MAX_ROWS, hits_table, mimebundle
from phi_lab.widgets._ports import (
    MasterListLike,
    SaveOutcome,
    Search,
    default_search,
    figure_png,
    open_master_list,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["CONSTANTS", "DEFAULT_CONSTANTS", "DEFAULT_OPERATIONS", "KINDS", "OPERATIONS", "ExplorerWidget"]

#: What the widget searches for, as shown on its toggle.
KINDS = ("equations", "closed forms")
#: The constants offered, ``(label, name)``: the name is what the searches read (integers,
#: ``pi``, ``e``, ``phi``, ``sqrtN``).
CONSTANTS: tuple[tuple[str, str], ...] = (
    *((str(n), str(n)) for n in range(1, 10)),
    ("π", "pi"),
    ("e", "e"),
    ("φ", "phi"),
    ("√2", "sqrt2"),
    ("√3", "sqrt3"),
    ("√5", "sqrt5"),
)
#: The operations offered, ``(label, name)``: the binary ``+ - * / ^``, then the functions of
#: :data:`phi_lab.compute.enumeration.UNARY_OPERATIONS`.
OPERATIONS: tuple[tuple[str, str], ...] = (
    ("+", "+"),
    ("−", "-"),
    ("×", "*"),
    ("÷", "/"),
    ("^", "^"),
    *(
        (name, name)
        for name in (
            "sqrt",
            "exp",
            "log",
            "sin",
            "cos",
            "tan",
            "asin",
            "acos",
            "atan",
            "sinh",
            "cosh",
            "tanh",
            "asinh",
            "acosh",
        )
    ),
)
#: Each kind's constants at first: the defaults of :func:`phi_lab.find_equations` and
#: :func:`phi_lab.find_closed_forms`.
DEFAULT_CONSTANTS: dict[str, tuple[str, ...]] = {
    "equations": ("1", "2", "3", "5"),
    "closed forms": ("1", "2", "3", "5", "pi", "e", "sqrt5"),
}
#: Each kind's operations at first, as :data:`DEFAULT_CONSTANTS`.
DEFAULT_OPERATIONS: dict[str, tuple[str, ...]] = {
    "equations": ("+", "-", "*", "/", "^", "sqrt"),
    "closed forms": ("+", "-", "*", "/", "^", "sqrt", "exp", "log"),
}
#: Why a search stopped (its frame's ``attrs["stopped"]``), in words; ``{n}`` is the complexity.
_STOPPED = {
    "max_complexity": "searched every level up to complexity {n}",
    "time": "the time budget ran out",
    "memory": "the pool reached its memory limit",
    "cancelled": "stopped",
}
_RED, _AMBER = "#cf222e", "#9a6700"
_REPORT_EVERY_S = 0.25
#: The summary says the search's own time too when the wait was at least this much longer.
_SEARCH_SHARE_S = 0.5


class ExplorerWidget:
    """A number in, the equations (or closed forms) it satisfies out, with a chart of their errors.

    Parameters
    ----------
    target:
        The initial target text: ``phi`` (default), ``sqrt(2)``, ``pi``, or digits.
    kind:
        ``"equations"`` or ``"closed forms"`` (:data:`KINDS`).
    max_complexity, time_budget_s, max_results:
        Initial search limits (``max_results``: rows, that is distinct relations or forms).
    constants, operations:
        The initial choices, among :data:`CONSTANTS` and :data:`OPERATIONS` (their names:
        ``"pi"``, ``"sqrt5"``, ``"*"``, ``"exp"``); ``None``: the kind's defaults
        (:data:`DEFAULT_CONSTANTS`, :data:`DEFAULT_OPERATIONS`).
    search:
        ``search(kind, target, *, constants, operations, max_complexity, max_results,
        time_budget_s, progress, cancel) -> DataFrame`` (:class:`~phi_lab.widgets._ports.Search`);
        default :func:`phi_lab.find_equations` / :func:`phi_lab.find_closed_forms`.  Saving keeps
        the verdicts its frame carries (``attrs["verdicts"]``).
    master_list:
        Where saves go; default ``MasterList()``, opened on first save.
    chart:
        ``chart(frame, target=...) -> Figure``; default :func:`phi_lab.plots.plot_hits`.

    Raises
    ------
    InputError
        For an unknown kind, or constants or operations that are not offered.

    Attributes
    ----------
    frame : pandas.DataFrame or None
        The last search's hits; ``None`` after a problem.
    saved : list
        What the master list returned for the saved rows.
    error : str or None
        The last problem (also shown in the status line).
    target : ipywidgets.Text
        The number; Enter starts a search (as the Search button does).
    kind : ipywidgets.ToggleButtons
        ``"equations"`` or ``"closed forms"``.  Switching it sets the constants and the
        operations to the new kind's defaults, each unless the user changed it (that is,
        unless it no longer holds the old kind's defaults).
    max_complexity : ipywidgets.IntSlider
    time_budget : ipywidgets.BoundedFloatText
        Seconds.
    max_results : ipywidgets.BoundedIntText
        Rows shown at most (1 to 500).
    constants, operations : MultiToggle
        Rows of toggle buttons; ``.value`` is the tuple of names chosen (settable).
    search_button, stop_button, save_button : ipywidgets.Button
        ``.click()`` drives them from code.  Stop is enabled exactly while a search runs.
    status : ipywidgets.HTML
        While searching, the progress (complexity, candidates, kept, hits, seconds); then a
        summary whose hit count is the search's (``attrs["hits"]``), why the search stopped,
        and the search's ``reason`` (why little was found) when it gives one; or the problem.
    table : ipywidgets.HTML
        The hits (one ``tr.phi-lab-hit`` per row), scrolling within 28em; each row's other
        spellings fold out of its ``variants`` cell.
    chart : ipywidgets.Image
        :func:`phi_lab.plots.plot_hits` of the rows with a finite error; hidden when there are none.
    widget : ipywidgets.VBox
        The whole widget; the object itself also displays as it.
    """

    def __init__(
        self,
        *,
        target: str = "phi",
        kind: str = "equations",
        max_complexity: int = 8,
        time_budget_s: float = 10.0,
        max_results: int = 20,
        constants: Sequence[str] | None = None,
        operations: Sequence[str] | None = None,
        search: Search | None = None,
        master_list: MasterListLike | None = None,
        chart: Callable[..., Figure] | None = None,
    ) -> None:
        if kind not in KINDS:
            raise InputError(f"kind must be one of {KINDS}, not {kind!r}")
        constants = DEFAULT_CONSTANTS[kind] if constants is None else tuple(constants)
        operations = DEFAULT_OPERATIONS[kind] if operations is None else tuple(operations)
        for chosen, offered, what in ((constants, CONSTANTS, "constant"), (operations, OPERATIONS, "operation")):
            names = [name for _, name in offered]
            unknown = [name for name in chosen if name not in names]
            if unknown:
                raise InputError(f"{what}(s) {', '.join(map(repr, unknown))} not offered (offered: {' '.join(names)})")
        self._search = search
        self._master_list = master_list
        self._chart = chart
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_report = 0.0
        self._searched_target = ""
        self._searched_kind = kind
        self.frame: pd.DataFrame | None = None
        self.saved: list[SaveOutcome] = []
        self.error: str | None = None

        wide = {"description_width": "initial"}
        self.target = widgets.Text(
            value=target, description="Target", placeholder="phi, sqrt(2), 1.6180339887 (Enter searches)", style=wide
        )
        self.kind = widgets.ToggleButtons(options=list(KINDS), value=kind)
        self.max_complexity = widgets.IntSlider(value=max_complexity, min=2, max=12, description="Complexity")
        self.time_budget = widgets.BoundedFloatText(
            value=time_budget_s, min=0.1, max=3600.0, step=1.0, description="Budget (s)", layout={"width": "12em"}
        )
        self.max_results = widgets.BoundedIntText(
            value=max_results, min=1, max=MAX_ROWS, description="Max results", style=wide, layout={"width": "12em"}
        )
        self.constants = MultiToggle(CONSTANTS, constants, description="Constants")
        self.operations = MultiToggle(OPERATIONS, operations, description="Operations")
        self.search_button = widgets.Button(description="Search", button_style="primary", icon="search")
        self.stop_button = widgets.Button(description="Stop", icon="stop", button_style="warning", disabled=True)
        self.save_button = widgets.Button(
            description="Save exact to master list", icon="save", disabled=True, layout={"width": "auto"}
        )
        self.status = widgets.HTML()
        self.table = widgets.HTML(layout={"max_height": "28em", "overflow": "auto"})
        self.chart = widgets.Image(format="png", layout={"max_width": "640px", "display": "none"})  # until drawn
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.target, self.kind]),
                widgets.HBox([self.max_complexity, self.time_budget, self.max_results]),
                self.constants,
                self.operations,
                widgets.HBox([self.search_button, self.stop_button, self.save_button]),
                self.status,
                self.table,
                self.chart,
            ]
        )
        # Enter in the target box: the Text view sends a "submit" message (ipywidgets 8 deprecates
        # on_submit, not the message). With continuous_update on, the value is synced as typed, so
        # it arrives before Enter's message (unless the last key and Enter fall within one kernel
        # round trip: the front end holds a second update back until the first is answered).
        # Observing the value with continuous_update off would also search on every blur.
        self.target.on_msg(self._target_message)
        self.kind.observe(self._kind_changed, names="value")
        self.search_button.on_click(lambda _button: self.start())
        self.stop_button.on_click(lambda _button: self.stop())
        self.save_button.on_click(lambda _button: self.save_exact())

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        return mimebundle(self.widget, "ExplorerWidget", **kwargs)

    @property
    def running(self) -> bool:
        """Whether a background search is in progress."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Run the search in a background thread (what the Search button and Enter do)."""
        if self.running:
            self._say("A search is already running: stop it first.", problem=True)
            return
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self.run, name="phi-lab-explorer", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background search; True when none is running any more."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def stop(self) -> None:
        """Ask the running search to stop after its current block (what the Stop button does)."""
        if not self.running:
            self._say("No search is running.")
            return
        self._cancel.set()
        self._say("Stopping after the current block of candidates…")

    def run(self) -> pd.DataFrame | None:
        """Search now, in this thread; show and return the hits (``None`` after a problem).

        The previous results are cleared when the search starts.  A problem (no target, no
        constant or operation chosen, the search's :class:`~phi_lab.errors.PhiLabError`) is
        shown in the status line, and clears them too.
        """
        self.error = None
        target = self.target.value.strip()
        kind = str(self.kind.value)
        constants, operations = tuple(self.constants.value), tuple(self.operations.value)
        max_complexity, max_results = int(self.max_complexity.value), int(self.max_results.value)
        problem = _missing_input(target, constants, operations)
        if problem:
            self._fail(problem)
            return None
        self._clear()  # the previous target's hits are not this search's
        self.search_button.disabled, self.stop_button.disabled = True, False
        self._last_report = 0.0
        self._say(f"Searching {kind} for {target}…")
        started = time.monotonic()  # the wait the user sees: search, verification, validation, imports
        try:
            search = self._search or default_search()  # imported on first use: torch
            frame = search(
                kind,
                target,
                constants=constants,
                operations=operations,
                max_complexity=max_complexity,
                max_results=max_results,
                time_budget_s=float(self.time_budget.value),
                progress=self._progress,
                cancel=self._cancel,
            )
        except PhiLabError as exc:
            self._fail(str(exc))
            return None
        finally:
            self.search_button.disabled, self.stop_button.disabled = False, True
        self.frame, self._searched_target, self._searched_kind = frame, target, kind
        self.table.value = hits_table(frame)
        chart_problem = self._draw(frame, target)
        self.save_button.disabled = not (len(frame) and bool(frame["exact"].astype(bool).any()))
        reason = frame.attrs.get("reason")
        notes = [note for note in (str(reason or ""), chart_problem) if note]
        waited = time.monotonic() - started
        summary = _summary(frame, kind, max_complexity=max_complexity, max_results=max_results, waited=waited)
        self._say(summary, notes=notes)  # last
        return frame

    def save_exact(self) -> list[SaveOutcome]:
        """Add the exact hits whose verdicts are valid to the master list.

        The verdicts are the search's own (its frame's ``attrs["verdicts"]``, by row): an
        equation as it was found, a closed form ``f`` of target ``t`` as ``t = f``.  Nothing is
        validated again, and a row the search gave no verdict is not saved.
        """
        frame = self.frame
        if frame is None or not len(frame):
            self._say("Nothing to save: run a search first.", problem=True)
            return []
        verdicts = frame.attrs.get("verdicts") or {}
        exact = [label for label, hit in zip(frame.index, frame["exact"].astype(bool), strict=True) if hit]
        found = [verdicts[label] for label in exact if label in verdicts]
        valid = [result for result in found if result.valid]
        if not found:
            self._say("Nothing to save: the search gave no verdicts for its exact hits.", problem=True)
            return []
        if self._master_list is None:
            try:
                self._master_list = open_master_list()
            except InputError as exc:
                self._say(str(exc), problem=True)
                return []
        note = f"{frame.attrs.get('search') or self._searched_kind} search for {self._searched_target}"
        outcomes = list(self._master_list.add_many(valid, note=note, tags=("discovered",), source="explorer"))
        self.saved.extend(outcomes)
        added = sum(1 for outcome in outcomes if outcome.added)
        left = "; ".join(
            _count(count, *words)
            for count, words in (
                (len(found) - len(valid), ("not valid as an equation", "not valid as equations")),
                (len(exact) - len(found), ("without a verdict", "without verdicts")),
            )
            if count
        )
        self._say(
            f"Saved {added} new to the master list ({len(outcomes) - added} already there"
            + (f"; {left}, not saved)." if left else ").")
        )
        self.save_button.disabled = True
        return outcomes

    def _target_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if content.get("event") == "submit":
            self.start()

    def _kind_changed(self, change: dict[str, Any]) -> None:
        old, new = str(change["old"]), str(change["new"])
        for choice, defaults in ((self.constants, DEFAULT_CONSTANTS), (self.operations, DEFAULT_OPERATIONS)):
            if set(choice.value) == set(defaults[old]):  # untouched since the last kind: follow the kind
                choice.value = defaults[new]

    def _clear(self) -> None:
        """Forget the previous results: no frame, table, chart or Save."""
        self.frame = None
        self.table.value = ""
        self.chart.value, self.chart.layout.display = b"", "none"
        self.save_button.disabled = True

    def _fail(self, message: str) -> None:
        """Show ``message`` as a problem, the previous results cleared."""
        self._clear()
        self._say(message, problem=True)

    def _progress(self, state: Any) -> None:
        now = time.monotonic()
        if now - self._last_report < _REPORT_EVERY_S:
            return
        self._last_report = now
        self._say(
            ("Stopping… " if self._cancel.is_set() else "")
            + f"complexity {state.complexity} · {state.evaluated:,} candidates · {state.pool:,} kept · "
            f"{state.hits:,} hits · {state.seconds:.1f} s"
        )

    def _draw(self, frame: pd.DataFrame, target: str) -> str:
        """Chart the rows with a finite error, or hide the chart when there are none; a problem in words, or ``""``."""
        finite = [_finite(error) for error in frame["error"]] if "error" in frame.columns else []
        if not any(finite):
            self.chart.value, self.chart.layout.display = b"", "none"
            return ""
        if self._chart is None:
            try:
                from phi_lab.plots import plot_hits
            except ModuleNotFoundError as exc:
                self.chart.value, self.chart.layout.display = b"", "none"
                return f"charts need {exc.name}: pip install 'phi_lab[notebook]'"
            self._chart = plot_hits
        self.chart.value = figure_png(self._chart(frame[finite], target=target))
        self.chart.layout.display = None
        return ""

    def _say(self, message: str, *, problem: bool = False, notes: Sequence[str] = ()) -> None:
        if problem:
            self.error = message
        colour = _RED if problem else "inherit"
        lines = [f'<span style="color:{colour}">{html.escape(message)}</span>']
        lines += [f'<span class="phi-lab-note" style="color:{_AMBER}">{html.escape(note)}</span>' for note in notes]
        self.status.value = "<br>".join(lines)


def _summary(
    frame: pd.DataFrame, kind: str, *, max_complexity: int, max_results: int, waited: float | None = None
) -> str:
    """One sentence on a finished search: rows, hits, exact rows, time, why it stopped.

    ``"20 forms from 245 hits (grouped by form; max results reached), 3 exact, in 2.1 s (the
    time budget ran out)."``  The hit count is ``attrs["hits"]`` (all hits, before grouping
    into rows), the count the progress line showed last; the row count is the table's.  When
    ``attrs["verified"]`` (hits confirmed at 50 digits) differs from it, it is said too.
    The time is the wall time the user ``waited`` (at least the search's own
    ``attrs["seconds"]``); when confirming and validating the hits took half a second more
    than the search itself, both are said: ``"in 9.4 s, 0.3 s of it searching"``.
    """
    unit = "relation" if kind == "equations" else "form"
    rows = len(frame)
    hits = _integer(frame.attrs.get("hits"))
    if not rows:
        text = f"No {unit}s found" + (f" ({_count(hits, 'hit')})" if hits else "")
    else:
        exact = int(frame["exact"].astype(bool).sum()) if "exact" in frame.columns else 0
        text = _count(rows, unit)
        if hits is not None:
            verified = _integer(frame.attrs.get("verified"))
            checked = f"{verified:,} verified at 50 digits; " if verified is not None and verified != hits else ""
            full = "; max results reached" if rows >= max_results else ""
            text += f" from {_count(hits, 'hit')} ({checked}grouped by {unit}{full})"
        text += f", {exact:,} exact"
    seconds = frame.attrs.get("seconds")
    searched = float(seconds) if isinstance(seconds, int | float) else None
    times = [value for value in (waited, searched) if value is not None]
    if times:
        took = max(times)  # a fake search may claim more than the wall clock saw
        text += f" in {took:.1f} s" if not rows else f", in {took:.1f} s"
        if searched is not None and took - searched >= _SEARCH_SHARE_S:
            text += f", {searched:.1f} s of it searching"
    stopped = frame.attrs.get("stopped")
    why = _STOPPED.get(stopped, "") if isinstance(stopped, str) else ""
    if why:
        why = why.format(n=max_complexity)
        pool_limit = _integer(frame.attrs.get("pool_limit"))
        if stopped == "memory" and pool_limit is not None:
            why += f" ({pool_limit:,} members)"
        text += f" ({why})"
    return text + "."


def _missing_input(target: str, constants: Sequence[str], operations: Sequence[str]) -> str:
    """What a search still lacks, in words, or ``""``."""
    if not target:
        return "Type a target: phi, sqrt(2), pi or digits such as 1.6180339887."
    if not constants:
        return "Choose at least one constant: a search builds its expressions from them."
    if not operations:
        return "Choose at least one operation: a search combines its constants with them."
    return ""


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def _integer(value: Any) -> int | None:
    """``value`` as an int if it is an integer (Python's or NumPy's, not a bool), else ``None``."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
