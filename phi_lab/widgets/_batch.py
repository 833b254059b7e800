"""BatchWidget: validate many equations, here or on a worker fleet, and browse the results.

Verdicts come from the injected ``validate_many`` (default :func:`phi_lab.validate_many`)
or, for the fleet, from the injected client (default
``phi_lab.client.WorkerClient(url, fallback="local")``); summary charts from
:mod:`phi_lab.plots`.  The widget splits the input into chunks only to show progress.
How the results are shown (the grid, the selected row's card, the CSV, the chart images)
is :mod:`phi_lab.widgets._results`.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets  # type: ignore[import-untyped]

from phi_lab.errors import DeviceError, InputError
from phi_lab.options import MODES, check_mode
from phi_lab.widgets._html import SORT_COLUMNS, mimebundle, results_table
from phi_lab.widgets._inputs import equation_lines, format_units, frame_lines, parse_units_text, read_upload
from phi_lab.widgets._ports import (
    BatchClient,
    Chart,
    MasterListLike,
    SaveOutcome,
    ValidateMany,
    default_charts,
    default_validate_many,
    open_master_list,
)
from phi_lab.widgets._results import (
    GRID_COLUMNS,
    chart_image,
    chart_title,
    csv_link,
    csv_text,
    fallback_table,
    results_grid,
    row_card,
    set_grid_rows,
    shown_positions,
)

if TYPE_CHECKING:
    import pandas as pd

    from phi_lab.equations.verdict import ValidationResult

__all__ = ["BatchWidget"]

_RED, _GREY = "#cf222e", "#6e7781"
#: The name the CSV link saves under.
CSV_NAME = "phi_lab_batch.csv"
_HOW = (
    f'<span style="color:{_GREY};font-size:12px">A heading\'s funnel sorts and filters; click a row for its '
    "explanation below; Ctrl+C copies the selected rows; CSV saves the rows shown.</span>"
)
_PICK = (
    f'<div style="color:{_GREY};font-size:12px">'
    "Click a row of the grid: its explanation, hints and checks show here.</div>"
)


class BatchWidget:
    """Many equations in (typed, pasted, or loaded from a CSV/text file), a scrolling, filtering grid out.

    Parameters
    ----------
    client:
        What "fleet" runs on: an object with ``validate_many(equations, units, mode)`` such as
        :class:`phi_lab.client.WorkerClient` (not closed by the widget).  Default: a
        ``WorkerClient(url, fallback="local")`` for the URL typed in the widget, per run.
    master_list:
        Where "Save valid to master list" goes (``add_many(records, *, units)``, as
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
        Functions drawing a results frame (``frame -> Figure``), one tab each; default
        ``phi_lab.plots.plot_verdicts``, ``plot_topology`` and ``plot_distributions``.

    Attributes
    ----------
    frame : pandas.DataFrame or None
        The last run's results, one row per equation in input order; ``None`` before a run
        and after a run that failed (a failed run clears every result and disables saving).
    saved : list
        What ``master_list.add_many`` returned for the saved rows (``AddOutcome``), in order.
    error : str or None
        The last problem with the input or the arguments (also shown in the status line).
    table : ipydatagrid.DataGrid or ipywidgets.HTML
        The results grid: every row of :attr:`frame` (:func:`~phi_lab.widgets._results.grid_frame`:
        one line each, Betti numbers as ``1,0,0``, no explanation column), about 20 in view,
        with sorting and filtering in each heading's menu (its funnel) and Ctrl+C to copy
        the selected rows (tab-separated).
        Hidden while there are no results.  Without ipydatagrid: an HTML table of the first
        500 rows in a scroll box.  (Before issue 11 it was always that HTML table.)
    detail : ipywidgets.HTML
        The card of the selected row (:meth:`show_row`): verdict, explanation, hints, checks.
    table_html : str
        The first 500 rows of :meth:`sorted_frame` as an HTML table, for code and reports
        (the widget shows :attr:`table`).
    csv : str or None
        The CSV text of the last :meth:`export_csv`.
    chart_text_px : list of float
        The smallest text of each chart as shown at 100 % zoom, in CSS pixels (at least 10).
    text, upload, column, target, url, mode, units, run_button, save_button, csv_button
        The controls: set ``.value`` / call ``.click()`` to drive the widget from code.
    sort_by, ascending
        The order of :meth:`sorted_frame` and :attr:`table_html`; setting them also sorts
        the grid (its column menus sort it too).  Not shown: the grid's headings do it.
    progress, status, download, charts
        The outputs: an IntProgress, a status line, the CSV download link (HTML) and the
        chart images, one tab each (full width, legible at 100 % zoom).
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
        self.csv: str | None = None
        self.chart_text_px: list[float] = []

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
        self.save_button = widgets.Button(
            description="Save valid to master list", icon="save", disabled=True, layout={"width": "auto"}
        )
        self.csv_button = widgets.Button(
            description="CSV", icon="download", disabled=True, tooltip="A link that saves the rows shown as CSV"
        )
        self.download = widgets.HTML()
        self._grid = results_grid()
        self.table: Any = self._grid if self._grid is not None else widgets.HTML()
        self.detail = widgets.HTML()
        self.charts = widgets.Tab(layout={"width": "100%", "display": "none"})  # shown with charts
        self._how = widgets.HTML(_HOW, layout={"display": "none"})
        self.widget = widgets.VBox(
            [
                self.text,
                widgets.HBox([self.upload, self.column]),
                widgets.HBox([self.target, self.url]),
                widgets.HBox([self.mode, self.units]),
                widgets.HBox([self.run_button, self.progress]),
                self.status,
                widgets.HBox([self.save_button, self.csv_button, self.download], layout={"align_items": "center"}),
                self._how,
                self.table,
                self.detail,
                self.charts,
            ],
            layout={"width": "100%"},
        )
        self.run_button.on_click(lambda _button: self.run())
        self.save_button.on_click(lambda _button: self.save_valid())
        self.csv_button.on_click(lambda _button: self.export_csv())
        self.sort_by.observe(lambda _change: self._sort_changed(), names="value")
        self.ascending.observe(lambda _change: self._sort_changed(), names="value")
        self.upload.observe(lambda _change: self._uploaded(), names="value")
        self.column.observe(lambda _change: self._column_chosen(), names="value")
        if self._grid is not None:
            self._grid.observe(lambda _change: self._selected(), names="selections")

    @property
    def table_html(self) -> str:
        """The first 500 rows of :meth:`sorted_frame` as an HTML table ("" without results)."""
        ordered = self.sorted_frame()
        return "" if ordered is None else results_table(ordered)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        return mimebundle(self.widget, "BatchWidget", **kwargs)

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
        """Validate every equation of the text box, chunk by chunk, then show the grid and charts.

        The previous run's results (grid, selected row, charts, CSV link) are cleared first and
        saving is disabled, so a run that fails leaves none of them behind.

        Returns
        -------
        pandas.DataFrame or None
            The results (also :attr:`frame`), or ``None`` when there was nothing to run or an
            argument was unusable (said in the status line; nothing is raised).
        """
        import pandas as pd

        self.error = None
        self._clear_results()
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
        done = f"Validated {len(frame):,} equations: {valid:,} valid, {len(frame) - valid:,} invalid{local}."
        self._show_table(frame)
        self._say(done.removesuffix(".") + "; drawing the charts…")
        self._render_charts(frame)
        self._say(done)
        self.save_button.disabled = valid == 0
        self.csv_button.disabled = False
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

    def shown_frame(self) -> pd.DataFrame | None:
        """The rows of :attr:`frame` the grid shows, in its order (its filters and sorts applied).

        The browser tells the kernel which rows those are whenever a filter or sort changes;
        until it has (and without the grid), it is :meth:`sorted_frame`.
        """
        frame = self.frame
        if frame is None or self._grid is None:
            return self.sorted_frame()
        return frame.iloc[shown_positions(self._grid, len(frame))]

    def show_row(self, position: int) -> None:
        """Show the card of :attr:`frame`'s row at 0-based ``position`` (input order) under the grid."""
        frame = self.frame
        if frame is None or not 0 <= position < len(frame):
            self.detail.value = _PICK if frame is not None else ""
            return
        row = {str(name): value for name, value in frame.iloc[position].items()}
        heading = f'<div style="color:{_GREY};font-size:12px">Row #{position + 1} of {len(frame):,}</div>'
        self.detail.value = heading + row_card(row)

    def export_csv(self, path: str | os.PathLike[str] | None = None) -> str | None:
        """The rows the grid shows (:meth:`shown_frame`), every column, as CSV; also as a download link.

        Parameters
        ----------
        path:
            Also write the CSV there (UTF-8), and say where in the status line.

        Returns
        -------
        str or None
            The CSV text (also :attr:`csv`), or ``None`` when there are no results.
        """
        shown = self.shown_frame()
        if shown is None:
            self._say("Nothing to export: run a batch first.", problem=True)
            return None
        text = csv_text(shown)
        self.csv = text
        self.download.value = csv_link(text, CSV_NAME, len(shown))
        if path is not None:
            target = Path(path)
            target.write_text(text, encoding="utf-8")
            self._say(f"Wrote {len(shown):,} rows to {target.resolve()}.")
        return text

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
        records = _records(frame[frame["valid"].astype(bool)].to_dict(orient="records"))
        outcomes = list(self._master_list.add_many(records, units=self._run_units or None))  # one transaction
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

    def _clear_results(self) -> None:
        """No results: the grid emptied and hidden, no selected row, no charts, no CSV link, the progress
        bar at 0; nothing to save."""
        self.frame, self._run_units, self.csv = None, {}, None
        self.save_button.disabled = True
        self.csv_button.disabled = True
        self.download.value = ""
        self.detail.value = ""
        self._how.layout.display = "none"
        self.charts.children = []
        self.charts.layout.display = "none"  # an empty Tab is still a framed box
        self.chart_text_px = []
        self.progress.value = 0
        self._show_table(None)

    def _show_table(self, frame: pd.DataFrame | None) -> None:
        if self._grid is None:
            self.table.value = fallback_table(self.sorted_frame())
            return
        set_grid_rows(self._grid, frame)
        if frame is not None:
            self._how.layout.display = None
            self.detail.value = _PICK
            self._sort_grid()

    def _sort_changed(self) -> None:
        if self._grid is None:
            self.table.value = fallback_table(self.sorted_frame())
        else:
            self._sort_grid()

    def _sort_grid(self) -> None:
        """Put :attr:`sort_by` / :attr:`ascending` in the grid's transforms, keeping its filters."""
        grid = self._grid
        if grid is None or self.frame is None:
            return
        key, ascending = self.sort_by.value, bool(self.ascending.value)
        transforms = [dict(item) for item in grid._transforms if item.get("type") != "sort"]
        column = "#" if key == "#" else GRID_COLUMNS.get(key)
        if column is not None and not (column == "#" and ascending):
            transforms.append({"type": "sort", "column": column, "desc": not ascending})
        grid.transform(transforms)

    def _selected(self) -> None:
        """The browser selected rows: show the card of the first row of the last selection."""
        grid, frame = self._grid, self.frame
        if grid is None or frame is None:
            return
        if not grid.selections:
            self.detail.value = _PICK
            return
        view_row = int(grid.selections[-1]["r1"])
        positions = shown_positions(grid, len(frame))
        if 0 <= view_row < len(positions):
            self.show_row(positions[view_row])

    def _render_charts(self, frame: pd.DataFrame) -> None:
        self._draw_charts(frame)
        self.charts.layout.display = None if self.charts.children else "none"  # charts=[]: no empty box

    def _draw_charts(self, frame: pd.DataFrame) -> None:
        if self._charts is None:
            self._charts, why = default_charts()
            if why:
                self.charts.children = [widgets.HTML(f'<span style="color:{_GREY}">{html.escape(why)}</span>')]
                self.charts.titles = ("Charts",)
                return
        images, sizes = [], []
        for chart in self._charts:
            image, smallest = chart_image(chart(frame))
            images.append(image)
            sizes.append(smallest)
        self.charts.children = images
        self.charts.titles = tuple(chart_title(chart, position) for position, chart in enumerate(self._charts))
        self.chart_text_px = sizes

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


def _records(rows: list[dict[str, Any]]) -> list[ValidationResult]:
    """The verdict records of result rows: a fleet's rows as :class:`~phi_lab.client.WorkerResult`,
    so the master list keeps the worker that answered each as its source."""
    from phi_lab.equations.verdict import ValidationResult

    if not any(row.get("worker_id") for row in rows):
        return [ValidationResult.from_dict(row) for row in rows]
    from phi_lab.client import WorkerResult  # rows from a fleet: httpx is there

    return [WorkerResult.from_dict(row) if row.get("worker_id") else ValidationResult.from_dict(row) for row in rows]
