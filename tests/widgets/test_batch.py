"""BatchWidget driven as a notebook would: paste or upload equations, run, sort, filter, save, export.

No browser and no kernel: ipywidgets run headless, ``Button.click()`` fires the handlers.
Verdicts come from the real pipeline unless a test injects ``validate_many`` or a fleet client;
the master list is a fake passed to the constructor.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib.util
import io
import json
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

ipywidgets = pytest.importorskip("ipywidgets", reason="the notebook widgets need the 'notebook' extra (ipywidgets)")
pd = pytest.importorskip("pandas")
matplotlib_figure = pytest.importorskip("matplotlib.figure", reason="drawing needs matplotlib")
datagrid = pytest.importorskip("ipydatagrid", reason="the results grid needs the 'notebook' extra (ipydatagrid)")

import phi_lab as pl  # noqa: E402
from phi_lab.client import WorkerResult  # noqa: E402
from phi_lab.widgets import BatchWidget  # noqa: E402
from tests.widgets.fakes import PNG, FakeMasterList, fake_result, requires_plots  # noqa: E402

CONFIDENCE = {"a = 1": 0.6, "b = 2": 0.95, "bad c = 3": 0.8, "d = 4": 0.7, "bad e = 5": 0.99}


class FakeValidateMany:
    """validate_many() stand-in: 'bad …' is invalid, confidences from CONFIDENCE; records each chunk."""

    def __init__(self, worker_id: str | None = None) -> None:
        self.chunks: list[list[str]] = []
        self.worker_id = worker_id

    def __call__(self, equations: Sequence[str], units: Mapping[str, str] | None = None, mode: str = "auto") -> Any:
        self.chunks.append(list(equations))
        rows = []
        for text in equations:
            row = fake_result(text, valid=not text.startswith("bad"), confidence=CONFIDENCE.get(text, 0.5)).to_dict()
            if self.worker_id is not None:
                row["worker_id"] = self.worker_id
            rows.append(row)
        return pd.DataFrame(rows)


class FakeClient:
    """A WorkerClient stand-in for the fleet: only validate_many."""

    def __init__(self, worker_id: str = "w1") -> None:
        self.validate_many = FakeValidateMany(worker_id)


def table_order(html: str) -> list[str]:
    """The equations of a results table, top to bottom."""
    return [name for name in re.findall(r"<td[^>]*>([^<]*=[^<]*)</td>", html)]


def test_batch_runs_in_chunks_and_the_progress_bar_reaches_its_max(master: FakeMasterList) -> None:
    validate_many = FakeValidateMany()
    batch = BatchWidget(validate_many=validate_many, master_list=master, chunk_size=2, charts=[])
    steps: list[int] = []
    batch.progress.observe(lambda change: steps.append(change["new"]), names="value")
    batch.text.value = "a = 1\n\n  b = 2  \n# a comment\nbad c = 3\nd = 4\n   \nbad e = 5\n"
    batch.run_button.click()
    assert validate_many.chunks == [["a = 1", "b = 2"], ["bad c = 3", "d = 4"], ["bad e = 5"]]
    assert steps == [2, 4, 5] and batch.progress.value == batch.progress.max == 5
    assert batch.frame is not None
    assert batch.frame["equation"].tolist() == ["a = 1", "b = 2", "bad c = 3", "d = 4", "bad e = 5"]
    assert "5 equations: 3 valid, 2 invalid" in batch.status.value
    assert table_order(batch.table_html) == ["a = 1", "b = 2", "bad c = 3", "d = 4", "bad e = 5"]


def test_sorting_reorders_the_table() -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), charts=[])
    batch.text.value = "\n".join(CONFIDENCE)
    batch.run()
    batch.sort_by.value = "confidence"
    assert table_order(batch.table_html) == ["a = 1", "d = 4", "bad c = 3", "b = 2", "bad e = 5"]
    batch.ascending.value = False
    assert table_order(batch.table_html) == ["bad e = 5", "b = 2", "bad c = 3", "d = 4", "a = 1"]
    batch.sort_by.value = "#"
    assert table_order(batch.table_html) == ["bad e = 5", "d = 4", "bad c = 3", "b = 2", "a = 1"]
    assert batch.frame is not None and batch.frame["equation"].tolist() == list(CONFIDENCE)  # the frame stays


def test_save_valid_saves_exactly_the_valid_rows(master: FakeMasterList) -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), master_list=master, charts=[])
    assert batch.save_button.disabled
    batch.text.value = "\n".join(CONFIDENCE)
    batch.units.value = "a=m"
    batch.run()
    assert not batch.save_button.disabled
    batch.sort_by.value = "confidence"  # sorting the view does not change what is saved
    batch.save_button.click()
    assert master.equations == ["a = 1", "b = 2", "d = 4"]
    assert all(units == {"a": "m"} for _, units in master.rows)
    assert [outcome.added for outcome in batch.saved] == [True, True, True]


def test_the_fleet_uses_the_injected_client(master: FakeMasterList) -> None:
    client = FakeClient("local")  # every row came back from the local fallback
    batch = BatchWidget(client=client, master_list=master, charts=[])
    assert batch.target.value == "fleet"
    batch.text.value = "a = 1\nb = 2"
    batch.run()
    assert client.validate_many.chunks == [["a = 1", "b = 2"]]
    assert batch.frame is not None and batch.frame["worker_id"].tolist() == ["local", "local"]
    assert "2 validated locally" in batch.status.value
    batch.sort_by.value = "worker_id"
    assert "local" in batch.table_html
    batch.save_valid()
    # Records that name their worker: the store takes it as the source.
    assert all(isinstance(result, WorkerResult) for result, _ in master.rows)
    assert [result.worker_id for result, _ in master.rows] == ["local", "local"]
    assert master.rows[0][0].record() == fake_result("a = 1", confidence=0.6)  # the verdict, read back from its row


def test_fleet_rows_saved_to_a_real_master_list_keep_their_workers() -> None:
    from phi_lab.store import MasterList

    client = FakeClient("w9")
    with MasterList(":memory:") as store:
        batch = BatchWidget(client=client, master_list=store, charts=[])
        batch.text.value = "a = 1\nbad c = 3\nb = 2"
        batch.run()
        assert [outcome.added for outcome in batch.save_valid()] == [True, True]
        assert list(store.to_frame()["source"]) == ["w9", "w9"]
    fake = FakeMasterList()
    local = BatchWidget(validate_many=FakeValidateMany(), master_list=fake, charts=[])
    local.text.value = "a = 1"
    local.run()
    local.save_valid()
    assert [type(result) for result, _ in fake.rows] == [pl.ValidationResult]


def test_the_fleet_needs_a_url_without_a_client() -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), charts=[])
    batch.target.value = "fleet"
    batch.text.value = "a = 1"
    assert batch.run() is None
    assert batch.error is not None and "URL" in batch.error and batch.frame is None


def test_a_batch_reports_bad_input_without_raising() -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), charts=[])
    batch.run_button.click()
    assert batch.error is not None and "Nothing to validate" in batch.error
    batch.text.value = "a = 1"
    batch.units.value = "a==m"
    batch.run_button.click()
    assert batch.error is not None and "NAME=UNIT" in batch.error and batch.frame is None


def test_the_table_is_escaped() -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), charts=[])
    batch.text.value = "<b>x</b> = <script>alert(1)</script>"
    batch.run()
    assert "<script>" not in batch.table_html and "<b>x" not in batch.table_html
    assert "&lt;b&gt;x&lt;/b&gt; = &lt;script&gt;" in batch.table_html


def test_load_frame_puts_a_column_in_the_text_box() -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), charts=[])
    frame = pd.DataFrame({"id": [1, 2, 3, 4], "text": ["a = 1", None, "  ", "b = 2"]})
    assert batch.load_frame(frame, "text") == ["a = 1", "b = 2"]
    assert batch.text.value == "a = 1\nb = 2"
    with pytest.raises(pl.InputError, match="no column 'equation'"):
        batch.load_frame(frame, "equation")


def test_a_csv_upload_loads_its_equation_column() -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), charts=[])
    content = 'id,equation\n1,E = mc²\n2,"beta(x, y) = 1"\n'.encode()
    batch.upload.value = (
        {
            "name": "laws.csv",
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        },
    )
    assert batch.error is None
    assert batch.column.value == "equation" and list(batch.column.options) == ["id", "equation"]
    assert batch.text.value == "E = mc²\nbeta(x, y) = 1"
    batch.column.value = "id"
    assert batch.text.value == "1\n2"


def test_a_text_upload_loads_its_lines_and_bad_files_are_reported() -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), charts=[])
    batch.load_file("laws.txt", "\ufeffE = mc²\n\n# skipped\nF = m*a\n".encode())
    assert batch.text.value == "E = mc²\nF = m*a" and batch.column.disabled
    batch.load_file("laws.pdf", b"%PDF")
    assert batch.error is not None and ".csv" in batch.error
    batch.load_file("laws.txt", b"\xff\xfe")
    assert batch.error is not None and "UTF-8" in batch.error
    assert batch.text.value == "E = mc²\nF = m*a"  # a failed load leaves the text as it was


def test_a_local_batch_with_the_real_pipeline_and_charts() -> None:
    batch = BatchWidget()  # default validate_many and phi_lab.plots charts (when present)
    batch.text.value = "E = mc²\nF = m + a\nE = (\nφ² = φ + 1"
    frame = batch.run()
    assert frame is not None and frame["valid"].tolist() == [True, False, False, True]
    assert batch.progress.value == batch.progress.max == 4
    if importlib.util.find_spec("phi_lab.plots") is not None:
        images = batch.charts.children
        assert len(images) == 3 and all(bytes(image.value).startswith(PNG) for image in images)


def test_the_default_fleet_client_falls_back_to_local_validation() -> None:
    batch = BatchWidget(charts=[])  # no client: WorkerClient(url, fallback="local") per run
    batch.target.value = "fleet"
    batch.url.value = "http://127.0.0.1:9"  # the discard port: connection refused
    batch.text.value = "E = mc²\n1 = 2"
    with pytest.warns(UserWarning, match="validated 2 of 2 equations locally"):
        frame = batch.run()
    assert frame is not None and frame["worker_id"].tolist() == ["local", "local"]
    assert frame["valid"].tolist() == [True, False]
    assert "2 validated locally" in batch.status.value


# ---------------------------------------------------------------- BatchWidget: grid, row card, CSV, charts (issue 11)


def quick_validate_many(equations: Sequence[str], units: Mapping[str, str] | None = None, mode: str = "auto") -> Any:
    """validate_many() for big batches: every third equation invalid, one template row copied."""
    valid_row = fake_result("", confidence=0.75).to_dict()
    invalid_row = fake_result("", valid=False, confidence=0.25).to_dict()
    rows = [{**(invalid_row if i % 3 == 0 else valid_row), "equation": text} for i, text in enumerate(equations)]
    return pd.DataFrame(rows)


def grid_rows(grid: Any) -> Any:
    """The frame a DataGrid shows (its ``data``, whose getter calls a pandas method pandas 3.1 deprecates)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return grid.data


def html_values(box: Any) -> list[str]:
    """The value of every HTML widget in a widget tree."""
    found = [box.value] if isinstance(box, ipywidgets.HTML) else []
    for child in getattr(box, "children", ()):
        found.extend(html_values(child))
    return found


def small_chart(frame: Any) -> Any:
    figure = matplotlib_figure.Figure(figsize=(4, 3))
    figure.add_subplot().bar([0, 1], [int(frame["valid"].sum()), int((~frame["valid"]).sum())])
    return figure


def test_the_grid_holds_all_10000_rows_without_html() -> None:
    batch = BatchWidget(validate_many=quick_validate_many, charts=[], chunk_size=4096)
    batch.text.value = "\n".join(f"x{i} = {i}" for i in range(10_000))
    frame = batch.run()
    assert frame is not None and len(frame) == 10_000
    grid = batch.table
    assert isinstance(grid, datagrid.DataGrid)
    assert grid.layout.display is None  # shown
    shown = grid_rows(grid)
    assert len(shown) == 10_000 and shown.index.name == "#" and shown.index[0] == 1 and shown.index[-1] == 10_000
    assert list(shown.columns) == [
        "equation",
        "verdict",
        "confidence",
        "kind",
        "decided by",
        "Betti",
        "χ",
        "φ",
        "catalog",
    ]
    assert "explanation" not in shown.columns  # the selected row's card says it
    assert shown["Betti"].iloc[0] == "1,0,0"  # one short line: no "(1, 0,↵0)"
    assert shown["verdict"].iloc[:3].tolist() == ["invalid", "valid", "valid"]
    assert shown["equation"].iloc[-1] == "x9999 = 9999"
    assert max(len(value) for value in html_values(batch.widget)) < 5_000  # no row drawn as HTML
    assert grid.selection_mode == "row" and grid.layout.height == "440px"  # a scroll box, ~20 rows in view


def test_selecting_a_row_shows_its_explanation_hints_and_checks() -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), charts=[])
    batch.text.value = "\n".join(CONFIDENCE)
    batch.run()
    assert "Click a row" in batch.detail.value
    batch.table.selections = [{"r1": 2, "c1": 0, "r2": 2, "c2": 8}]  # as the browser sets it on a click
    assert "bad c = 3" in batch.detail.value and "Invalid: fake." in batch.detail.value
    assert "INVALID" in batch.detail.value and "Row #3 of 5" in batch.detail.value
    batch.show_row(0)
    assert "a = 1" in batch.detail.value and "Valid: fake." in batch.detail.value


def test_a_filtered_grid_maps_its_rows_back_for_the_card_and_the_csv() -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), charts=[])
    batch.text.value = "\n".join(CONFIDENCE)
    batch.run()
    batch.table.transform([{"type": "filter", "column": "verdict", "operator": "=", "value": "invalid"}])
    batch.table._visible_rows = [4, 2]  # what the browser reports for that filter, sorted by "#" descending
    shown = batch.shown_frame()
    assert shown is not None and shown["equation"].tolist() == ["bad e = 5", "bad c = 3"]
    batch.table.selections = [{"r1": 0, "c1": 0, "r2": 0, "c2": 8}]
    assert "bad e = 5" in batch.detail.value and "Row #5 of 5" in batch.detail.value
    text = batch.export_csv()
    assert text is not None and pd.read_csv(io.StringIO(text))["equation"].tolist() == ["bad e = 5", "bad c = 3"]
    batch.table._visible_rows = []  # a filter that matches nothing
    shown = batch.shown_frame()
    assert shown is not None and shown.empty
    assert batch.frame is not None
    assert batch.export_csv() == ",".join(batch.frame.columns) + "\n" and "0 rows" in batch.download.value
    batch.table.revert()  # no filter, no report: every row, in input order
    shown = batch.shown_frame()
    assert shown is not None and shown["equation"].tolist() == list(CONFIDENCE)


def test_sort_by_sorts_the_grid_and_keeps_its_filters() -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), charts=[])
    batch.text.value = "\n".join(CONFIDENCE)
    batch.run()
    kind = {"type": "filter", "column": "kind", "operator": "=", "value": "relation"}
    batch.table.transform([kind])
    batch.sort_by.value = "confidence"
    batch.ascending.value = False
    assert batch.table._transforms == [kind, {"type": "sort", "column": "confidence", "desc": True}]
    batch.sort_by.value = "#"
    batch.ascending.value = True
    assert batch.table._transforms == [kind]


def test_the_csv_export_is_the_frame(tmp_path: Any) -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), charts=[])
    assert batch.csv_button.disabled
    batch.text.value = "\n".join(CONFIDENCE)
    frame = batch.run()
    assert frame is not None and not batch.csv_button.disabled
    batch.csv_button.click()
    assert batch.csv is not None
    back = pd.read_csv(io.StringIO(batch.csv), keep_default_na=False)
    assert list(back.columns) == list(frame.columns)
    for name in ("equation", "valid", "confidence", "chi", "phi_coherence", "explanation", "kind", "mode"):
        assert back[name].tolist() == frame[name].tolist(), name
    assert back["betti"].tolist() == ["1,0,0"] * 5
    assert [json.loads(cell) for cell in back["checks"]] == [list(checks) for checks in frame["checks"]]
    link = re.search(
        r'download="phi_lab_batch.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', batch.download.value
    )
    assert link is not None and base64.b64decode(link.group(1)).decode() == batch.csv
    assert "5 rows" in batch.download.value
    written = tmp_path / "out.csv"
    assert batch.export_csv(written) == batch.csv and written.read_text(encoding="utf-8") == batch.csv
    assert str(written) in batch.status.value


@pytest.mark.parametrize("problem", ["units", "empty", "fleet"])
def test_an_error_clears_every_result_and_disables_saving(problem: str, master: FakeMasterList) -> None:
    batch = BatchWidget(validate_many=FakeValidateMany(), master_list=master, charts=[small_chart])
    batch.text.value = "\n".join(CONFIDENCE)
    batch.run()
    batch.table.selections = [{"r1": 1, "c1": 0, "r2": 1, "c2": 8}]
    batch.export_csv()
    assert len(grid_rows(batch.table)) == 5 and batch.charts.children and "b = 2" in batch.detail.value
    assert not batch.save_button.disabled and batch.download.value
    if problem == "units":
        batch.units.value = "a==m"
    elif problem == "empty":
        batch.text.value = " \n"
    else:
        batch.target.value = "fleet"  # no client, no URL
    batch.run_button.click()
    assert batch.error is not None and batch.frame is None
    assert len(grid_rows(batch.table)) == 0 and batch.table.layout.display == "none"
    assert batch.detail.value == "" and batch.charts.children == () and batch.download.value == ""
    assert batch.save_button.disabled and batch.csv_button.disabled and batch.csv is None
    assert batch.charts.layout.display == "none" and batch.progress.value == 0
    batch.save_button.click()  # a click that got through anyway saves nothing
    assert master.rows == [] and "Nothing to save" in batch.status.value


def test_without_ipydatagrid_the_table_is_html_in_a_scroll_box() -> None:
    from phi_lab.widgets._results import fallback_table

    frame = FakeValidateMany()(list(CONFIDENCE))
    assert fallback_table(None) == ""
    table = fallback_table(frame)
    assert "max-height:440px;overflow:auto" in table and "pip install 'phi_lab[notebook]'" in table
    assert table_order(table) == list(CONFIDENCE)


@requires_plots
def test_the_charts_are_tabs_at_full_size_with_legible_text() -> None:
    from phi_lab.widgets._results import CHART_DPI, CHART_PX_PER_INCH, MIN_TEXT_PX

    batch = BatchWidget(validate_many=FakeValidateMany())  # the phi_lab.plots charts
    batch.text.value = "\n".join(CONFIDENCE)
    batch.run()
    assert isinstance(batch.charts, ipywidgets.Tab) and batch.charts.layout.display is None
    assert batch.charts.titles == ("Verdicts", "Topology", "Distributions")
    for image in batch.charts.children:
        png = bytes(image.value)
        natural = int.from_bytes(png[16:20], "big")
        assert image.layout.width == f"{round(natural * CHART_PX_PER_INCH / CHART_DPI)}px"
        assert image.layout.max_width == "100%"  # shrinks with a narrow notebook, never cut off
        assert natural * CHART_PX_PER_INCH / CHART_DPI > 600  # not the 360 px thumbnails of before
    assert len(batch.chart_text_px) == 3 and min(batch.chart_text_px) >= MIN_TEXT_PX
