"""ExplorerWidget: search equations or closed forms for a number, watch progress, stop, save.

The searches are the injected ``search`` (default: :func:`phi_lab.find_equations` and
:func:`phi_lab.find_closed_forms`, imported at the first search); the chart is :func:`phi_lab.plots.plot_hits`; saving
validates with the injected ``validate`` and writes to :class:`phi_lab.store.MasterList`.
A search started from the Search button runs in a background thread, so the notebook stays
responsive and the Stop button can set the search's cancel event; the hits found until then
are shown.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import ipywidgets as widgets  # type: ignore[import-untyped]

from phi_lab.errors import DeviceError, InputError
from phi_lab.widgets._ports import (
    MasterListLike,
    SaveOutcome,
    Search,
    Validate,
    default_search,
    default_validate,
    figure_png,
    open_master_list,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["KINDS", "ExplorerWidget"]

#: What the widget searches for, as shown on its toggle.
KINDS = ("equations", "closed forms")
_RED, _GREY = "#cf222e", "#6e7781"
_REPORT_EVERY_S = 0.25


class ExplorerWidget:
    """A number in, the equations (or closed forms) it satisfies out, with a chart of their errors.

    Parameters
    ----------
    target:
        The initial target text: ``phi`` (default), ``sqrt(2)``, ``pi``, or digits.
    kind:
        ``"equations"`` or ``"closed forms"`` (:data:`KINDS`).
    max_complexity, time_budget_s:
        Initial search limits.
    search:
        ``search(kind, target, *, max_complexity, time_budget_s, progress, cancel) -> DataFrame``;
        default :func:`phi_lab.find_equations` / :func:`phi_lab.find_closed_forms`.
    validate:
        Used when saving: ``validate(equation, units, mode)``; default :func:`phi_lab.validate`.
    master_list:
        Where saves go; default ``MasterList()``, opened on first save.
    chart:
        ``chart(frame, target=...) -> Figure``; default :func:`phi_lab.plots.plot_hits`.

    Attributes
    ----------
    frame : pandas.DataFrame or None
        The last search's hits.
    saved : list
        What the master list returned for the saved rows.
    error : str or None
        The last problem (also shown in the status line).
    target, kind, max_complexity, time_budget, search_button, stop_button, save_button
        The controls: set ``.value`` / call ``.click()`` to drive the widget from code.
    status, table, chart
        The outputs.
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
        search: Search | None = None,
        validate: Validate | None = None,
        master_list: MasterListLike | None = None,
        chart: Callable[..., Figure] | None = None,
    ) -> None:
        if kind not in KINDS:
            raise InputError(f"kind must be one of {KINDS}, not {kind!r}")
        self._search = search
        self._validate = validate
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

        self.target = widgets.Text(value=target, description="Target", placeholder="phi, sqrt(2), 1.6180339887")
        self.kind = widgets.ToggleButtons(options=list(KINDS), value=kind)
        self.max_complexity = widgets.IntSlider(value=max_complexity, min=2, max=12, description="Complexity")
        self.time_budget = widgets.BoundedFloatText(
            value=time_budget_s, min=0.1, max=3600.0, step=1.0, description="Budget (s)", layout={"width": "14em"}
        )
        self.search_button = widgets.Button(description="Search", button_style="primary", icon="search")
        self.stop_button = widgets.Button(description="Stop", icon="stop", disabled=True)
        self.save_button = widgets.Button(
            description="Save exact to master list", icon="save", disabled=True, layout={"width": "auto"}
        )
        self.status = widgets.HTML()
        self.table = widgets.HTML()
        self.chart = widgets.Image(format="png", layout={"max_width": "640px", "display": "none"})  # until drawn
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.target, self.kind]),
                widgets.HBox([self.max_complexity, self.time_budget]),
                widgets.HBox([self.search_button, self.stop_button, self.save_button]),
                self.status,
                self.table,
                self.chart,
            ]
        )
        self.search_button.on_click(lambda _button: self.start())
        self.stop_button.on_click(lambda _button: self.stop())
        self.save_button.on_click(lambda _button: self.save_exact())

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        return cast("dict[str, Any] | None", self.widget._repr_mimebundle_(**kwargs))

    @property
    def running(self) -> bool:
        """Whether a background search is in progress."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Run the search in a background thread (what the Search button does)."""
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
        """Search now, in this thread; show and return the hits (``None`` after a problem)."""
        self.error = None
        target = self.target.value.strip()
        if not target:
            self._say("Type a target: phi, sqrt(2), pi or digits such as 1.6180339887.", problem=True)
            return None
        kind = str(self.kind.value)
        self.search_button.disabled, self.stop_button.disabled, self.save_button.disabled = True, False, True
        self._last_report = 0.0
        self._say(f"Searching {kind} for {target}…")
        try:
            search = self._search or default_search()  # imported on first use: torch
            frame = search(
                kind,
                target,
                max_complexity=int(self.max_complexity.value),
                time_budget_s=float(self.time_budget.value),
                progress=self._progress,
                cancel=self._cancel,
            )
        except (InputError, DeviceError) as exc:
            self._say(str(exc), problem=True)
            return None
        finally:
            self.search_button.disabled, self.stop_button.disabled = False, True
        self.frame, self._searched_target, self._searched_kind = frame, target, kind
        exact = int(frame["exact"].sum()) if len(frame) else 0
        stopped = frame.attrs.get("stopped", "")
        why = {"time": "the time budget ran out", "cancelled": "stopped", "memory": "the pool was full"}.get(stopped)
        seconds = frame.attrs.get("seconds")
        timing = f" in {seconds:.1f} s" if isinstance(seconds, float) else ""
        self.table.value = _hits_table(frame)
        self._draw(frame, target)
        self.save_button.disabled = exact == 0
        rows = "relation" if kind == "equations" else "form"
        found = frame.attrs.get("hits")
        spellings = f" ({found} hits grouped)" if isinstance(found, int) and found > len(frame) else ""
        summary = f"{len(frame)} {rows}{'' if len(frame) == 1 else 's'}{spellings}, {exact} exact{timing}"
        self._say(summary + (f" ({why})." if why else "."))  # last: all shown
        return frame

    def save_exact(self) -> list[SaveOutcome]:
        """Validate the exact hits as equations and add the valid ones to the master list.

        Equations are saved as they are; a closed form ``f`` of target ``t`` as ``t = f``.
        """
        frame = self.frame
        if frame is None or not len(frame):
            self._say("Nothing to save: run a search first.", problem=True)
            return []
        exact = frame[frame["exact"].astype(bool)]
        if "equation" in exact.columns:
            texts = list(exact["equation"])
        else:
            texts = [f"{self._searched_target} = {expression}" for expression in exact["expression"]]
        validate = self._validate or default_validate()
        results = [validate(text, None, "math") for text in texts]
        valid = [result for result in results if result.valid]
        if self._master_list is None:
            try:
                self._master_list = open_master_list()
            except InputError as exc:
                self._say(str(exc), problem=True)
                return []
        note = f"{self._searched_kind} search for {self._searched_target}"
        outcomes = list(self._master_list.add_many(valid, note=note, tags=("discovered",), source="explorer"))
        self.saved.extend(outcomes)
        added = sum(1 for outcome in outcomes if outcome.added)
        skipped = len(results) - len(valid)
        self._say(
            f"Saved {added} new to the master list ({len(outcomes) - added} already there"
            + (f"; {skipped} not valid as equations, not saved)." if skipped else ").")
        )
        self.save_button.disabled = True
        return outcomes

    def _progress(self, state: Any) -> None:
        now = time.monotonic()
        if now - self._last_report < _REPORT_EVERY_S:
            return
        self._last_report = now
        self._say(
            f"complexity {state.complexity} · {state.evaluated:,} candidates · {state.pool:,} kept · "
            f"{state.hits:,} hits · {state.seconds:.1f} s"
        )

    def _draw(self, frame: pd.DataFrame, target: str) -> None:
        if self._chart is None:
            try:
                from phi_lab.plots import plot_hits
            except ModuleNotFoundError as exc:
                self.chart.value, self.chart.layout.display = b"", "none"
                self._say(f"charts need {exc.name}: pip install 'phi_lab[notebook]'", problem=True)
                return
            self._chart = plot_hits
        self.chart.value = figure_png(self._chart(frame, target=target))
        self.chart.layout.display = None

    def _say(self, message: str, *, problem: bool = False) -> None:
        if problem:
            self.error = message
        colour = _RED if problem else "inherit"
        self.status.value = f'<span style="color:{colour}">{html.escape(message)}</span>'


def _hits_table(frame: pd.DataFrame) -> str:
    """The hits as an HTML table (text escaped), the columns a reader needs first."""
    wanted = [
        "equation",
        "expression",
        "complexity",
        "group_size",
        "digits",
        "exact",
        "valid",
        "kind",
        "betti",
        "phi_coherence",
    ]
    columns = [column for column in wanted if column in frame.columns]
    if not len(frame):
        return f'<span style="color:{_GREY}">No hits.</span>'
    return str(frame.to_html(columns=columns, index=False, escape=True, border=0, max_rows=40))
