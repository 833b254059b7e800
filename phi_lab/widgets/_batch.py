"""BatchWidget: validate many equations, here or on a worker fleet, and browse the results.

Verdicts come from the injected ``validate_many`` (default :func:`phi_lab.validate_many`)
or, for the fleet, from the injected client (default
``phi_lab.client.WorkerClient(url, fallback="local")``); summary charts from
:mod:`phi_lab.plots`.  The widget splits the input into chunks only to show progress.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import ipywidgets as widgets  # type: ignore[import-untyped]

from phi_lab.errors import DeviceError, InputError
from phi_lab.options import MODES, check_mode
from phi_lab.widgets._html import SORT_COLUMNS, results_table
from phi_lab.widgets._inputs import equation_lines, format_units, frame_lines, parse_units_text, read_upload
from phi_lab.widgets._ports import (
    BatchClient,
    Chart,
    MasterListLike,
    SaveOutcome,
    ValidateMany,
    default_charts,
    default_validate_many,
    figure_png,
    open_master_list,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BatchWidget"]

_RED, _GREY = "#cf222e", "#6e7781"


class BatchWidget:
    """Many equations in (typed, pasted, or loaded from a CSV/text file), a sortable table out.

    Parameters
    ----------
    client:
        What "fleet" runs on: an object with ``validate_many(equations, units, mode)`` such as
        :class:`phi_lab.client.WorkerClient` (not closed by the widget).  Default: a
        ``WorkerClient(url, fallback="local")`` for the URL typed in the widget, per run.
    master_list:
        Where "Save valid to master list" goes (``add_many(rows, *, units)``, as
        :class:`phi_lab.store.MasterList`); default ``MasterList()``, opened on first save.
    validate_many:
        What "local" runs: ``validate_many(equations, units, mode) -> DataFrame``; default
        :func:`phi_lab.validate_many`.
    mode, units:
        Initial mode and units for every equation of a run.
    chunk_size:
        Equations per call, i.e. per step of the progress bar.  The default, 1024, is one
        device batch locally and four 256-equation requests on a default ``WorkerClient``.
    charts:
        Functions drawing a results frame (``frame -> Figure``); default
        ``phi_lab.plots.plot_verdicts``, ``plot_topology`` and ``plot_distributions``.

    Attributes
    ----------
    frame : pandas.DataFrame or None
        The last run's results, one row per equation in input order.
    saved : list
        What ``master_list.add_many`` returned for the saved rows (``AddOutcome``), in order.
    error : str or None
        The last problem with the input or the arguments (also shown in the status line).
    table_html : str
        The results table's HTML, in the order chosen by :attr:`sort_by` and :attr:`ascending`.
    text, upload, column, target, url, mode, units, run_button, sort_by, ascending, save_button
        The controls: set ``.value`` / call ``.click()`` to drive the widget from code.
    progress, status, table, charts
        The outputs: an IntProgress, a status line, the table (HTML), the chart images.
    widget : ipywidgets.VBox
        The whole widget; the object itself also displays as it in a notebook.
    """

    def __init__(
        self,
        *,
        client: BatchClient | None = None,
        master_list: MasterListLike | None = None,
        validate_many: ValidateMany | None = None,
        mode: str = "auto",
        units: Mapping[str, str] | None = None,
        chunk_size: int = 1024,
        charts: Sequence[Chart] | None = None,
    ) -> None:
        check_mode(mode)
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise InputError(f"chunk_size must be an integer of at least 1, not {chunk_size!r}")
        self._client = client
        self._master_list = master_list
        self._validate_many = validate_many
        self._chunk_size = chunk_size
        self._charts = None if charts is None else list(charts)
        self._table: pd.DataFrame | None = None
        self._run_units: dict[str, str] = {}
        self.frame: pd.DataFrame | None = None
        self.saved: list[SaveOutcome] = []
        self.error: str | None = None

        self.text = widgets.Textarea(
            placeholder="one equation per line\nE = mc²\nF = m*a", rows=8, layout={"width": "48em"}
        )
        self.upload = widgets.FileUpload(accept=".csv,.txt", multiple=False, description="Load .csv/.txt")
        self.column = widgets.Dropdown(options=[], description="Column", disabled=True)
        self.target = widgets.ToggleButtons(options=["local", "fleet"], value="fleet" if client else "local")
        self.url = widgets.Text(placeholder="http://balancer:8000", description="Balancer", layout={"width": "28em"})
        self.mode = widgets.Dropdown(options=list(MODES), value=mode, description="Mode", layout={"width": "14em"})
        self.units = widgets.Text(value=format_units(units), placeholder="F=N, m=kg", description="Units")
        self.run_button = widgets.Button(description="Validate all", button_style="primary", icon="play")
        self.progress = widgets.IntProgress(min=0, max=1, value=0, description="Progress")
        self.status = widgets.HTML()
        self.sort_by = widgets.Dropdown(
            options=[(label, name) for name, label in SORT_COLUMNS.items()], value="#", description="Sort by"
        )
        self.ascending = widgets.Checkbox(value=True, description="ascending", indent=False)
        self.save_button = widgets.Button(description="Save valid to master list", icon="save", disabled=True)
        self.table = widgets.HTML()
        self.charts = widgets.HBox([])
        self.widget = widgets.VBox(
            [
                self.text,
                widgets.HBox([self.upload, self.column]),
                widgets.HBox([self.target, self.url]),
                widgets.HBox([self.mode, self.units]),
                widgets.HBox([self.run_button, self.progress]),
                self.status,
                widgets.HBox([self.sort_by, self.ascending, self.save_button]),
                self.table,
                self.charts,
            ]
        )
        self.run_button.on_click(lambda _button: self.run())
        self.save_button.on_click(lambda _button: self.save_valid())
        self.sort_by.observe(lambda _change: self._render_table(), names="value")
        self.ascending.observe(lambda _change: self._render_table(), names="value")
        self.upload.observe(lambda _change: self._uploaded(), names="value")
        self.column.observe(lambda _change: self._column_chosen(), names="value")

    @property
    def table_html(self) -> str:
        """The results table's HTML, exactly as shown (sorted as chosen)."""
        return cast(str, self.table.value)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        return cast("dict[str, Any] | None", self.widget._repr_mimebundle_(**kwargs))

    def load_frame(self, frame: pd.DataFrame, column: str) -> list[str]:
        """Put the non-empty cells of ``frame[column]`` in the text box, one per line; return them.

        Raises
        ------
        InputError
            If the frame has no such column.
        """
        lines = frame_lines(frame, column)
        self.text.value = "\n".join(lines)
        return lines

    def load_file(self, name: str, content: bytes) -> None:
        """Load an uploaded ``.txt`` (one equation per line) or ``.csv`` (header row; pick a column).

        A CSV's column is ``equation`` when it has one, else its first; :attr:`column` offers
        the others.  Problems are shown in the status line and kept in :attr:`error`.
        """
        self.error = None
        try:
            loaded = read_upload(name, content)
        except InputError as exc:
            self._say(str(exc), problem=True)
            return
        if isinstance(loaded, str):
            self._table = None
            self.column.options, self.column.disabled = [], True
            self.text.value = "\n".join(equation_lines(loaded))
            self._say(f"Loaded {name}.")
            return
        names = [str(label) for label in loaded.columns]
        self._table = None  # no loading while the choices change
        self.column.options = names
        self.column.value = "equation" if "equation" in names else names[0]
        self.column.disabled = False
        self._table = loaded
        self._column_chosen()
        self._say(f"Loaded {name}: column {self.column.value}.")

    def run(self) -> pd.DataFrame | None:
        """Validate every equation of the text box, chunk by chunk, then show the table and charts.

        Returns
        -------
        pandas.DataFrame or None
            The results (also :attr:`frame`), or ``None`` when there was nothing to run or an
            argument was unusable (said in the status line; nothing is raised).
        """
        import pandas as pd

        self.error = None
        texts = equation_lines(self.text.value)
        try:
            units = parse_units_text(self.units.value)
        except InputError as exc:
            self._say(str(exc), problem=True)
            return None
        if not texts:
            self._say("Nothing to validate: type or load equations, one per line.", problem=True)
            return None
        self.progress.max, self.progress.value = len(texts), 0
        frames: list[pd.DataFrame] = []
        try:
            if self.target.value == "fleet":
                frames = self._run_fleet(texts, units)
            else:
                validate_many = self._validate_many or default_validate_many()
                frames = self._run_chunks(validate_many, texts, units)
        except (InputError, DeviceError) as exc:
            self._say(str(exc), problem=True)
            return None
        frame = pd.concat(frames, ignore_index=True)
        self.frame, self._run_units = frame, units
        valid = int(frame["valid"].astype(bool).sum())
        local = ""
        if self.target.value == "fleet" and "worker_id" in frame.columns:
            here = int((frame["worker_id"] == "local").sum())
            local = f"; {here} validated locally (fleet unavailable)" if here else ""
        self._say(f"Validated {len(frame)} equations: {valid} valid, {len(frame) - valid} invalid{local}.")
        self._render_table()
        self._render_charts(frame)
        self.save_button.disabled = valid == 0
        return frame

    def sorted_frame(self) -> pd.DataFrame | None:
        """:attr:`frame` in the order chosen by :attr:`sort_by` and :attr:`ascending`."""
        frame = self.frame
        if frame is None:
            return None
        key, ascending = self.sort_by.value, bool(self.ascending.value)
        if key == "#" or key not in frame.columns:
            return frame.sort_index(ascending=ascending)
        return frame.sort_values(key, ascending=ascending, kind="mergesort", na_position="last")

    def save_valid(self) -> list[SaveOutcome]:
        """Add every valid row of :attr:`frame` to the master list; return the store's outcomes."""
        frame = self.frame
        if frame is None:
            self._say("Nothing to save: run a batch first.", problem=True)
            return []
        if self._master_list is None:
            try:
                self._master_list = open_master_list()
            except InputError as exc:
                self._say(str(exc), problem=True)
                return []
        rows = frame[frame["valid"].astype(bool)].to_dict(orient="records")  # worker_id becomes the source
        outcomes = list(self._master_list.add_many(rows, units=self._run_units or None))  # one transaction
        self.saved.extend(outcomes)
        added = sum(1 for outcome in outcomes if outcome.added)
        self._say(f"Saved {added} new valid results to the master list ({len(outcomes) - added} already there).")
        self.save_button.disabled = True
        return outcomes

    def _run_fleet(self, texts: list[str], units: dict[str, str]) -> list[pd.DataFrame]:
        if self._client is not None:
            return self._run_chunks(self._client.validate_many, texts, units)
        url = self.url.value.strip()
        if not url:
            raise InputError("Fleet: type the balancer's URL (e.g. http://localhost:8000), or choose local.")
        from phi_lab.client import WorkerClient

        with WorkerClient(url, fallback="local") as client:
            return self._run_chunks(client.validate_many, texts, units)

    def _run_chunks(self, validate_many: ValidateMany, texts: list[str], units: dict[str, str]) -> list[pd.DataFrame]:
        frames = []
        for start in range(0, len(texts), self._chunk_size):
            chunk = texts[start : start + self._chunk_size]
            frames.append(validate_many(chunk, units or None, self.mode.value))
            self.progress.value += len(chunk)
            self._say(f"Validated {self.progress.value} of {len(texts)}…")
        return frames

    def _render_table(self) -> None:
        ordered = self.sorted_frame()
        self.table.value = "" if ordered is None else results_table(ordered)

    def _render_charts(self, frame: pd.DataFrame) -> None:
        if self._charts is None:
            self._charts, why = default_charts()
            if why:
                self.charts.children = [widgets.HTML(f'<span style="color:{_GREY}">{html.escape(why)}</span>')]
                return
        charts = self._charts
        self.charts.children = [
            widgets.Image(value=figure_png(chart(frame)), format="png", layout={"max_width": "360px"})
            for chart in charts
        ]

    def _uploaded(self) -> None:
        for entry in self.upload.value:  # a tuple of dicts: name, type, size, content, last_modified
            self.load_file(str(entry["name"]), bytes(entry["content"]))

    def _column_chosen(self) -> None:
        if self._table is not None and self.column.value is not None:
            self.load_frame(self._table, self.column.value)

    def _say(self, message: str, *, problem: bool = False) -> None:
        """Show ``message`` (plain text) in the status line; a problem in red, and kept in :attr:`error`."""
        if problem:
            self.error = message
        colour = _RED if problem else "inherit"
        self.status.value = f'<span style="color:{colour}">{html.escape(message)}</span>'
