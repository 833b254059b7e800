"""How the BatchWidget shows a run's results: the grid, the selected row's card, the CSV and the charts.

Pure presentation, no science: a results frame (one row per equation, the columns of
:func:`phi_lab.validate_many`) becomes

* a compact display frame for an :class:`ipydatagrid.DataGrid` (:func:`grid_frame`): one
  line per equation, Betti numbers as ``1,0,0``, the verdict as a word; the explanation and
  the checks are left to the card of the selected row (:func:`row_card`);
* CSV text with every column (:func:`csv_text`), and a download link that carries it in a
  ``data:`` URL (:func:`csv_link`): nothing is fetched, nothing is written to disk;
* chart images drawn at a size that keeps their smallest text legible (:func:`chart_image`).

The grid is canvas-drawn: it holds every row (tens of thousands) but paints only those in
view, and brings its own menu on each heading (sort, filter by value or condition) and
Ctrl+C to copy the selected rows.  ``ipydatagrid`` is imported on first use; without it
:func:`results_grid` returns ``None`` and the widget falls back to an HTML table of the
first rows in a scroll box.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets  # type: ignore[import-untyped]

from phi_lab.errors import InputError
from phi_lab.widgets._html import GREEN, GREY, RED, message_card, result_card, results_table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "CHART_DPI",
    "CHART_PX_PER_INCH",
    "COLUMN_WIDTHS",
    "GRID_COLUMNS",
    "GRID_HEIGHT",
    "MIN_TEXT_PX",
    "ROW_HEADER_WIDTH",
    "chart_image",
    "chart_title",
    "csv_link",
    "csv_text",
    "fallback_table",
    "grid_frame",
    "results_grid",
    "row_card",
    "set_grid_rows",
    "shown_positions",
]

#: The grid's columns: result column -> heading, in order (those present in the frame).
GRID_COLUMNS = {
    "equation": "equation",
    "valid": "verdict",
    "confidence": "confidence",
    "kind": "kind",
    "decided_by": "decided by",
    "betti": "Betti",
    "chi": "χ",
    "phi_coherence": "φ",
    "catalog": "catalog",
    "worker_id": "worker",
}
#: Each heading's width in pixels: the grid's columns fit a notebook beside JupyterLab's side bar.
COLUMN_WIDTHS = {
    "equation": 234,
    "verdict": 70,
    "confidence": 92,
    "kind": 110,
    "decided by": 100,
    "Betti": 62,
    "χ": 40,
    "φ": 60,
    "catalog": 114,
    "worker": 100,
}
#: The width of the row numbers (``#``, up to six digits).
ROW_HEADER_WIDTH = 56
_FORMATS = {"confidence": ".2f", "φ": ".3f"}
#: The grid's height: about 20 rows in view, whatever the run's size.
GRID_HEIGHT = "440px"

#: Pixels per inch of the PNGs (twice :data:`CHART_PX_PER_INCH`: sharp on high-density screens).
CHART_DPI = 220
#: CSS pixels per inch of figure shown: 110, so that 7 pt text (the smallest the charts use)
#: is 10.7 px at 100 % zoom.  Images never grow past their box (``max-width: 100%``).
CHART_PX_PER_INCH = 110
#: The smallest text, in CSS pixels at 100 % zoom, that a chart is meant to show.
MIN_TEXT_PX = 10.0


def grid_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns of :data:`GRID_COLUMNS` that ``frame`` has, one line each, indexed ``#`` from 1.

    ``valid`` reads ``valid``/``invalid``, ``betti`` ``1,0,0`` (no tuple to wrap), missing
    text is empty; numbers stay numbers so the grid sorts and filters them as numbers.
    """
    import pandas as pd

    shown: dict[str, Any] = {}
    for name, heading in GRID_COLUMNS.items():
        if name not in frame.columns:
            continue
        column = frame[name]
        if name == "valid":
            shown[heading] = ["valid" if bool(value) else "invalid" for value in column]
        elif name == "betti":
            shown[heading] = [_betti(value) for value in column]
        elif name in ("confidence", "phi_coherence"):
            shown[heading] = column.astype(float).to_numpy()
        elif name == "chi":
            shown[heading] = column.astype(int).to_numpy()
        else:
            shown[heading] = [_text(value) for value in column]
    index = pd.RangeIndex(1, len(frame) + 1, name="#")
    return pd.DataFrame(shown, index=index)


def results_grid() -> Any | None:
    """An empty, hidden :class:`ipydatagrid.DataGrid` laid out for results, or ``None`` without ipydatagrid.

    Rows are selected whole; the verdict is coloured; numbers are formatted
    (:data:`_FORMATS`); the columns are :data:`COLUMN_WIDTHS` wide.
    """
    try:
        with warnings.catch_warnings():  # bqscales, which ipydatagrid imports, sets traitlets metadata the old way
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="bqscales")
            from ipydatagrid import DataGrid, TextRenderer, VegaExpr  # type: ignore[import-untyped]
    except ModuleNotFoundError:
        return None
    import pandas as pd

    empty = grid_frame(pd.DataFrame({name: [] for name in GRID_COLUMNS if name != "worker_id"}))
    verdict = TextRenderer(
        text_color=VegaExpr(f"cell.value === 'valid' ? '{GREEN}' : '{RED}'"), font="bold 12px sans-serif"
    )
    renderers = {heading: TextRenderer(format=spec, horizontal_alignment="right") for heading, spec in _FORMATS.items()}
    renderers["verdict"] = verdict
    renderers["χ"] = TextRenderer(horizontal_alignment="right")
    grid = DataGrid(
        empty,
        selection_mode="row",
        base_row_size=22,
        base_column_size=90,
        base_row_header_size=ROW_HEADER_WIDTH,
        base_column_header_size=26,
        column_widths=dict(COLUMN_WIDTHS),
        renderers=renderers,
        layout={"height": GRID_HEIGHT, "width": "100%", "display": "none"},
    )
    grid.add_class("phi-lab-grid")
    return grid


def set_grid_rows(grid: Any, frame: pd.DataFrame | None) -> None:
    """Show ``frame`` in ``grid`` (its :func:`grid_frame`) with no filter, sort or selection; hide it for ``None``.

    What the browser last reported of the view (``_visible_rows``, the shown rows' positions)
    is dropped with the old rows: it would index the new ones wrongly until the browser
    reports again.
    """
    import pandas as pd

    grid.revert()
    grid.clear_selection()
    grid._visible_rows = []  # the view of the old rows (ipydatagrid has no public reset)
    if frame is None:
        columns = [GRID_COLUMNS[name] for name in GRID_COLUMNS if name != "worker_id"]
        grid.data = pd.DataFrame({name: [] for name in columns}, index=pd.RangeIndex(0, name="#"))
        grid.layout.display = "none"
        return
    grid.data = grid_frame(frame)
    grid.layout.display = None


def shown_positions(grid: Any, count: int) -> list[int]:
    """The 0-based positions in the results of the rows ``grid`` shows, in its order (filters and sorts applied).

    The browser reports the view (``_visible_rows``) whenever a filter or sort changes it.
    Before any report (headless, or no change yet) every row is shown in input order; an
    empty report under a filter means the filter matches nothing.
    """
    reported = [int(position) for position in grid._visible_rows]
    if not all(0 <= position < count for position in reported):
        return list(range(count))  # a report about other rows (never after set_grid_rows)
    filtered = any(item.get("type") == "filter" for item in grid._transforms)
    if reported or filtered:
        return reported
    return list(range(count))


def row_card(row: Mapping[str, Any]) -> str:
    """The selected row as the ValidatorWidget's card: the verdict, its explanation, hints and every check.

    A row that is not a verdict (a frame from elsewhere) is shown as its equation and
    explanation, with the reason it could not be read.
    """
    from phi_lab.equations.verdict import ValidationResult

    try:
        result = ValidationResult.from_dict(row)
    except InputError as exc:
        return message_card(str(row.get("equation", "")), f"{row.get('explanation', '')} ({exc})")
    return result_card(result)


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV with every column; lists, tuples and dicts as JSON, Betti numbers as ``1,0,0``."""
    flat = frame.copy()
    for name in flat.columns:
        if name == "betti":
            flat[name] = [_betti(value) for value in flat[name]]
        elif flat[name].dtype == object:
            flat[name] = [_cell_text(value) for value in flat[name]]
    buffer = io.StringIO()
    flat.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def csv_link(text: str, filename: str, rows: int) -> str:
    """An ``<a download>`` link whose ``data:`` URL holds ``text``: a click saves ``filename``, offline."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    size = len(text.encode("utf-8"))
    label = f"⬇ {filename}: {rows:,} row{'s' if rows != 1 else ''}, {_size(size)}"
    return (
        f'<a class="phi-lab-csv" download="{html.escape(filename, quote=True)}" '
        f'href="data:text/csv;charset=utf-8;base64,{payload}" '
        'style="font-family:system-ui,sans-serif;font-size:13px;text-decoration:underline;'
        f'color:var(--jp-content-link-color,#0969da)">{html.escape(label)}</a>'
    )


def chart_title(chart: Any, position: int) -> str:
    """A tab's title for a chart function: ``plot_verdicts`` reads "Verdicts"; anything else "Chart N"."""
    name = str(getattr(chart, "__name__", ""))
    if name.startswith("plot_"):
        return name.removeprefix("plot_").replace("_", " ").capitalize()
    return f"Chart {position + 1}"


def chart_image(figure: Figure) -> tuple[widgets.Image, float]:
    """``figure`` as an Image widget shown at :data:`CHART_PX_PER_INCH`, and its smallest text in CSS px.

    The PNG is drawn at :data:`CHART_DPI` (the figure is closed); the image is shown at its
    figure's size in inches times :data:`CHART_PX_PER_INCH`, shrunk only when its box is
    narrower.  The text size is the smallest font of the figure's visible text, as shown.
    """
    smallest_points = min(
        (float(text.get_fontsize()) for text in _texts(figure)),
        default=MIN_TEXT_PX * 72 / CHART_PX_PER_INCH,
    )
    png = _png(figure)
    width = int.from_bytes(png[16:20], "big")  # the IHDR chunk: width, then height
    shown = round(width * CHART_PX_PER_INCH / CHART_DPI)
    image = widgets.Image(
        value=png, format="png", layout={"width": f"{shown}px", "max_width": "100%", "height": "auto"}
    )
    image.add_class("phi-lab-chart")
    return image, smallest_points * CHART_PX_PER_INCH / 72


def fallback_table(frame: pd.DataFrame | None) -> str:
    """Without ipydatagrid: the first rows as an HTML table in a scroll box, and how to get the grid."""
    if frame is None:
        return ""
    hint = (
        f'<div style="color:{GREY}">The scrolling, filtering grid needs ipydatagrid: '
        "pip install 'phi_lab[notebook]'</div>"
    )
    return f'<div style="max-height:{GRID_HEIGHT};overflow:auto">{results_table(frame)}</div>{hint}'


def _texts(figure: Figure) -> list[Any]:
    from matplotlib.text import Text

    return [text for text in figure.findobj(Text) if text.get_visible() and text.get_text().strip()]


def _png(figure: Figure) -> bytes:
    """The PNG at :data:`CHART_DPI` (``figure_png`` draws at the figure's own dpi), then closed."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=CHART_DPI, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(figure)
    return buffer.getvalue()


def _betti(value: Any) -> str:
    if isinstance(value, str):
        return value.strip("()[] ").replace(" ", "")
    if isinstance(value, Sequence) or hasattr(value, "__iter__"):
        return ",".join(str(int(number)) for number in value)
    return _text(value)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _cell_text(value: Any) -> Any:
    if isinstance(value, tuple | list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _size(size: int) -> str:
    return (
        f"{size:,} bytes"
        if size < 10_000
        else f"{size / 1000:,.0f} kB"
        if size < 10_000_000
        else f"{size / 1e6:,.1f} MB"
    )
