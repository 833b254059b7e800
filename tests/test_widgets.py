"""The notebook widgets, driven as a notebook would: set a control's value, click, read the result.

No browser and no kernel: ipywidgets run headless, ``Button.click()`` fires the handlers.
Verdicts come from the real pipeline unless a test injects ``validate``/``validate_many``;
the master list, drawing and fleet client are fakes passed to the constructors.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

ipywidgets = pytest.importorskip("ipywidgets", reason="the notebook widgets need the 'notebook' extra (ipywidgets)")
pd = pytest.importorskip("pandas")
matplotlib_figure = pytest.importorskip("matplotlib.figure", reason="drawing needs matplotlib")

import phi_lab as pl  # noqa: E402
import phi_lab.widgets as plw  # noqa: E402
from phi_lab.widgets import BatchWidget, ValidatorWidget, parse_units_text  # noqa: E402

PNG = b"\x89PNG"
requires_plots = pytest.mark.skipif(
    importlib.util.find_spec("phi_lab.plots") is None,
    reason="phi_lab.plots (draw_complex) is not in this checkout yet",
)


# ---------------------------------------------------------------- fakes


@dataclass(frozen=True)
class Outcome:
    id: int
    added: bool
    normal_form: str


class FakeMasterList:
    """Records what was added; a text already there is not added again (as the store does)."""

    def __init__(self) -> None:
        self.rows: list[tuple[Any, Mapping[str, str] | None]] = []
        self._ids: dict[str, int] = {}

    def add(self, result: Any, *, units: Mapping[str, str] | None = None, **_: Any) -> Outcome:
        equation = result.equation if isinstance(result, pl.ValidationResult) else result["equation"]
        self.rows.append((result, units))
        added = equation not in self._ids
        self._ids.setdefault(equation, len(self._ids) + 1)
        return Outcome(self._ids[equation], added, equation)

    def add_many(self, results: Sequence[Any], *, units: Mapping[str, str] | None = None, **_: Any) -> list[Outcome]:
        return [self.add(result, units=units) for result in results]

    @property
    def equations(self) -> list[str]:
        return [r.equation if isinstance(r, pl.ValidationResult) else r["equation"] for r, _ in self.rows]


class FakeDraw:
    """A draw_complex stand-in: a small real matplotlib Figure; records its calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Mapping[str, str] | None]] = []

    def __call__(self, equation: str, *, units: Mapping[str, str] | None = None) -> Any:
        self.calls.append((equation, units))
        figure = matplotlib_figure.Figure(figsize=(1, 1))
        figure.add_subplot().plot([0, 1], [1, 0])
        return figure


def fake_result(equation: str, *, valid: bool = True, confidence: float = 0.9, **extra: Any) -> pl.ValidationResult:
    return pl.ValidationResult(
        valid, confidence, (1, 0, 0), 1, 0.0, "Valid: fake." if valid else "Invalid: fake.", 0.1,
        equation=equation, kind="relation", **extra,
    )  # fmt: skip


class RecordingValidate:
    """A validate() stand-in: every text is a valid relation; records (equation, units, mode)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Mapping[str, str] | None, str]] = []

    def __call__(self, equation: str, units: Mapping[str, str] | None, mode: str) -> pl.ValidationResult:
        self.calls.append((equation, units, mode))
        return fake_result(equation, mode=mode)


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


@pytest.fixture
def master() -> FakeMasterList:
    return FakeMasterList()


@pytest.fixture
def draw() -> FakeDraw:
    return FakeDraw()


@pytest.fixture
def widget(master: FakeMasterList, draw: FakeDraw) -> ValidatorWidget:
    return ValidatorWidget(master_list=master, draw=draw)


def table_order(html: str) -> list[str]:
    """The equations of a results table, top to bottom."""
    return [name for name in re.findall(r"<td[^>]*>([^<]*=[^<]*)</td>", html)]


# ---------------------------------------------------------------- surface and input parsing


def test_public_surface_is_exactly_all() -> None:
    public = {name for name in dir(plw) if not name.startswith("_") and name != "annotations"}
    assert public == set(plw.__all__)


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("", {}),
        ("F=N, m=kg, a=m/s^2", {"F": "N", "m": "kg", "a": "m/s^2"}),
        (" v = m / s ,, ", {"v": "m / s"}),
    ],
)
def test_units_text_parses_into_a_dict(text: str, units: dict[str, str]) -> None:
    assert parse_units_text(text) == units


@pytest.mark.parametrize("text", ["F==N", "F", "=N", "F=", "F=N, F=kg"])
def test_malformed_units_text_is_a_unit_error(text: str) -> None:
    with pytest.raises(pl.UnitError):
        parse_units_text(text)


# ---------------------------------------------------------------- ValidatorWidget


def test_enter_validates_and_the_card_names_the_law(widget: ValidatorWidget) -> None:
    widget.equation.value = "E = mc²"  # continuous_update=False: the value arrives on Enter
    assert widget.result is not None and widget.result.valid
    assert "VALID" in widget.html and "INVALID" not in widget.html
    assert "Mass–energy equivalence" in widget.html
    for piece in ("relation", "dimensions", "numeric", "catalog", "Betti numbers (1, 0, 0)", "χ = 1"):
        assert piece in widget.html
    assert widget.result.explanation in widget.html
    assert "nothing ties it to φ" in widget.html  # φ-coherence with its reason
    assert widget.error is None


def test_a_dimension_mismatch_is_invalid_with_its_detail(widget: ValidatorWidget) -> None:
    widget.equation.value = "F = m + a"
    assert widget.result is not None and not widget.result.valid
    assert "INVALID" in widget.html
    detail = widget.result.check("dimensions").detail
    assert widget.result.check("dimensions").status == "fail" and "cannot add mass" in detail
    assert detail in widget.html and "✗ fail" in widget.html


def test_unparseable_text_shows_the_parser_message_with_the_column_marked(widget: ValidatorWidget) -> None:
    widget.equation.value = "E = ("
    assert widget.result is not None and widget.result.kind == "unparseable"
    assert "column 6" in widget.html
    # the text in a <pre>, the (missing) sixth character highlighted, a caret under it
    assert re.search(r"<pre[^>]*>E = \(<mark[^>]*> </mark>\n {5}\^</pre>", widget.html)
    assert widget.png == b""  # nothing to draw


def test_the_column_mark_lands_inside_the_text(widget: ValidatorWidget) -> None:
    widget.equation.value = "a = b ) + 1"
    column = widget.result.error_column if widget.result else None
    assert column is not None and "a = b ) + 1"[column - 1] == ")"
    assert re.search(r"a = b <mark[^>]*>\)</mark> \+ 1\n {6}\^</pre>", widget.html)


def test_malformed_units_show_a_message_not_an_exception(widget: ValidatorWidget) -> None:
    widget.units.value = "F==N"
    widget.equation.value = "F = m*a"
    widget.validate_button.click()
    assert widget.result is None
    assert widget.error is not None and "'F==N' is not NAME=UNIT" in widget.error
    assert "Cannot validate" in widget.html and "F==N" in widget.html
    assert widget.save_button.disabled


def test_a_unit_pint_cannot_read_is_an_argument_error_too(widget: ValidatorWidget) -> None:
    widget.units.value = "F=furlongs_per_fortnight_squared"
    widget.equation.value = "F = m*a"
    assert widget.result is None
    assert widget.error is not None and "furlongs_per_fortnight_squared" in widget.error
    widget.units.value = "F=N, m=kg, a=m/s^2"  # fixing the units validates again
    assert widget.error is None and widget.result is not None and widget.result.valid


def test_units_and_mode_reach_validate(draw: FakeDraw) -> None:
    validate = RecordingValidate()
    widget = ValidatorWidget(mode="physics", units={"F": "N", "m": "kg"}, validate=validate, draw=draw)
    assert widget.units.value == "F=N, m=kg"
    widget.equation.value = "F = m*a"
    assert validate.calls[-1] == ("F = m*a", {"F": "N", "m": "kg"}, "physics")
    widget.mode.value = "math"  # changing the mode re-validates the same text
    assert validate.calls[-1] == ("F = m*a", {"F": "N", "m": "kg"}, "math")
    widget.units.value = ""
    assert validate.calls[-1] == ("F = m*a", None, "math")
    calls = len(validate.calls)
    widget.validate_button.click()
    assert len(validate.calls) == calls + 1
    assert draw.calls[-1] == ("F = m*a", None)


def test_an_empty_box_validates_nothing() -> None:
    validate = RecordingValidate()
    widget = ValidatorWidget(validate=validate, draw=FakeDraw())
    widget.validate_button.click()
    widget.mode.value = "math"
    assert validate.calls == [] and widget.result is None and widget.error is None


def test_an_unknown_mode_is_refused_at_construction() -> None:
    with pytest.raises(pl.ModeError):
        ValidatorWidget(mode="chemistry")


def test_save_keeps_only_valid_results(widget: ValidatorWidget, master: FakeMasterList) -> None:
    widget.equation.value = "F = m + a"
    assert widget.save_button.disabled
    widget.save_button.click()  # click() fires even on a disabled button: save() must refuse
    assert master.rows == [] and widget.saved == []
    widget.equation.value = "E = mc²"
    assert not widget.save_button.disabled
    widget.save_button.click()
    assert master.equations == ["E = mc²"]
    assert [outcome.added for outcome in widget.saved] == [True]
    assert widget.save_button.disabled  # saved once; a new valid result enables it again
    assert "Saved to the master list" in widget.status.value


def test_save_passes_the_units_the_result_was_validated_with(widget: ValidatorWidget, master: FakeMasterList) -> None:
    widget.units.value = "F=N, m=kg, a=m/s^2"
    widget.equation.value = "F = m*a"
    widget.save_button.click()
    assert master.rows[0][1] == {"F": "N", "m": "kg", "a": "m/s^2"}


def test_auto_save_saves_every_valid_result(master: FakeMasterList, draw: FakeDraw) -> None:
    widget = ValidatorWidget(master_list=master, draw=draw, auto_save=True)
    assert widget.auto_save.value
    for text in ["E = mc²", "F = m + a", "E = (", "φ² = φ + 1", "1 = 2", "E = mc²"]:
        widget.equation.value = text
    assert master.equations == ["E = mc²", "φ² = φ + 1", "E = mc²"]
    assert [outcome.added for outcome in widget.saved] == [True, True, False]  # the store says it was there
    assert "Already in the master list" in widget.status.value
    widget.auto_save.value = False
    widget.equation.value = "a^2 + b^2 = c^2"
    assert len(master.rows) == 3


def test_html_is_escaped(widget: ValidatorWidget) -> None:
    widget.equation.value = "<script>alert(1)</script> = 1"
    assert "<script>" not in widget.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; = 1" in widget.html
    assert "<mark" in widget.html  # the '<' itself is marked, escaped
    assert '<mark style="background:#ffd33d">&lt;</mark>' in widget.html


def test_every_field_of_a_result_is_escaped(draw: FakeDraw) -> None:
    hostile = '<img src=x onerror="alert(1)">'

    def validate(equation: str, units: Mapping[str, str] | None, mode: str) -> pl.ValidationResult:
        return pl.ValidationResult(
            True, 0.9, (1, 0, 0), 1, 0.5, hostile, 0.1, equation=equation, kind="relation",
            checks=(pl.Check("syntax", "pass", hostile),), catalog=hostile, symbols=(hostile,), phi_reason=hostile,
            reading={hostile: hostile},
        )  # fmt: skip

    widget = ValidatorWidget(validate=validate, draw=draw)
    widget.equation.value = hostile
    assert "<img" not in widget.html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in widget.html


def test_the_card_says_the_reading_when_there_is_one(draw: FakeDraw) -> None:
    reading = {"h": "a height (length)", "g": "gravitational acceleration"}

    def validate(equation: str, units: Mapping[str, str] | None, mode: str) -> pl.ValidationResult:
        return fake_result(equation, reading=reading if equation.startswith("v") else {})

    widget = ValidatorWidget(validate=validate, draw=draw)
    widget.equation.value = "v = sqrt(2gh)"
    assert ">reading</th>" in widget.html
    assert "h: a height (length); g: gravitational acceleration" in widget.html
    widget.equation.value = "E = mc²"
    assert ">reading</th>" not in widget.html


def test_the_complex_is_shown_as_png_bytes(widget: ValidatorWidget, draw: FakeDraw) -> None:
    widget.units.value = "F=N"
    widget.equation.value = "F = m*a"
    assert widget.png.startswith(PNG)
    assert draw.calls == [("F = m*a", {"F": "N"})]
    widget.equation.value = ""
    assert widget.png == b"" and widget.result is None


@requires_plots
def test_the_real_drawing_is_png_bytes() -> None:
    widget = ValidatorWidget(master_list=FakeMasterList())  # default draw: phi_lab.plots.draw_complex
    widget.equation.value = "φ² = φ + 1"
    assert widget.png.startswith(PNG), widget.figure_note.value


def test_a_drawing_failure_is_a_note_not_an_exception() -> None:
    def draw(equation: str, *, units: Mapping[str, str] | None = None) -> Any:
        raise pl.InputError("the graph has 5000 vertices; draw_complex draws at most 400")

    widget = ValidatorWidget(validate=RecordingValidate(), draw=draw)
    widget.equation.value = "x = 1"
    assert widget.result is not None and widget.png == b""
    assert "5000 vertices" in widget.figure_note.value


def test_the_widget_displays_as_its_box(widget: ValidatorWidget) -> None:
    bundle = widget._repr_mimebundle_()
    assert bundle is not None
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == widget.widget.model_id
    assert isinstance(widget.widget, ipywidgets.VBox)


# ---------------------------------------------------------------- BatchWidget


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
    assert [row["worker_id"] for row, _ in master.rows] == ["local", "local"]  # the store takes it as the source


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
