"""The notebook widgets, driven as a notebook would: set a control's value, click, read the result.

No browser and no kernel: ipywidgets run headless, ``Button.click()`` fires the handlers.
Verdicts come from the real pipeline unless a test injects ``validate``/``validate_many``;
the master list, drawing and fleet client are fakes passed to the constructors.
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
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


LONG_SYMBOLS = [f"x_{i}" for i in range(638)]
LONG_EQUATION = " + ".join(LONG_SYMBOLS) + " + 0 = 10"  # 5,000 characters, 638 symbols


def long_validate(equation: str, units: Mapping[str, str] | None, mode: str) -> pl.ValidationResult:
    """A verdict with every symbol of a 5,000-character sum (the real pipeline takes seconds for it)."""
    return fake_result(equation, symbols=tuple(sorted(LONG_SYMBOLS)))  # sorted as text, as the core sorts


def test_a_long_input_makes_a_card_of_bounded_length(draw: FakeDraw) -> None:
    assert len(LONG_EQUATION) == 5000 and len(LONG_SYMBOLS) == 638
    widget = ValidatorWidget(validate=long_validate, draw=draw)
    widget.equation.value = LONG_EQUATION
    head = widget.html.partition("<details")[0]
    # What shows before anything is opened: the start of the equation, its length, 24 symbols,
    # and the summaries of what folds out.
    closed = re.sub(r"<details[^>]*>(<summary.*?</summary>).*?</details>", r"\1", widget.html, flags=re.S)
    assert len(re.sub(r"<[^>]+>", "", closed)) < 1000, closed
    assert "x_0 + x_1 + x_2 + x_3" in head and "(5,000 characters)" in head
    assert "show the whole equation" in closed and "and 614 more" in closed
    assert "x_0, x_1, x_2, x_3, x_4, x_5, x_6, x_7, x_8, x_9, x_10, x_11" in closed  # natural order
    assert "x_637" not in closed
    assert widget.html.count(LONG_EQUATION) == 1  # once, folded: a way to see it all
    assert "x_637" in widget.html.partition("and 614 more")[2]


def test_symbols_are_listed_in_natural_order(draw: FakeDraw) -> None:
    names = ("x_10", "x_2", "x_1", "x_0", "y", "a1", "a")

    def validate(equation: str, units: Mapping[str, str] | None, mode: str) -> pl.ValidationResult:
        return fake_result(equation, symbols=names)

    widget = ValidatorWidget(validate=validate, draw=draw)
    widget.equation.value = "x = 1"
    assert "a, a1, x_0, x_1, x_2, x_10, y" in widget.html
    assert sorted(["x_10", "x_9", "E_k", "x_100"], key=plw._html.natural_key) == ["E_k", "x_9", "x_10", "x_100"]


@settings(derandomize=True, max_examples=200)
@given(st.lists(st.text(), max_size=8), st.lists(st.integers(0, 10**6), min_size=1, max_size=8))
def test_natural_order_sorts_any_names_and_numbers_by_value(names: list[str], numbers: list[int]) -> None:
    sorted(names, key=plw._html.natural_key)  # any text (²,  ٣, empty), never a TypeError
    subscripts = [f"x_{n}" for n in numbers]
    assert sorted(subscripts, key=plw._html.natural_key) == [f"x_{n}" for n in sorted(numbers)]


def test_the_image_is_hidden_whenever_there_is_nothing_to_draw(widget: ValidatorWidget) -> None:
    """An empty Image shows a broken-image icon in a browser: hidden on first display, after a
    parse error, bad units, an empty box and a drawing that failed; shown with a drawing."""
    assert widget.image.layout.display == "none"  # first display
    widget.equation.value = "E = mc²"
    assert widget.png.startswith(PNG) and widget.image.layout.display != "none"
    widget.equation.value = "E = ("
    assert widget.png == b"" and widget.image.layout.display == "none"
    widget.equation.value = "E = mc²"
    widget.units.value = "E==J"
    assert widget.error is not None and widget.image.layout.display == "none"
    widget.units.value = ""
    assert widget.image.layout.display != "none"
    widget.equation.value = ""
    assert widget.image.layout.display == "none"

    def failing(equation: str, *, units: Mapping[str, str] | None = None) -> Any:
        raise pl.InputError("too many vertices")

    broken = ValidatorWidget(validate=RecordingValidate(), draw=failing)
    broken.equation.value = "x = 1"
    assert broken.image.layout.display == "none" and "too many vertices" in broken.figure_note.value


def test_buttons_are_sized_to_their_labels(widget: ValidatorWidget) -> None:
    for control in (widget.validate_button, widget.save_button, widget.auto_save):
        assert control.layout.width == "auto", control.description


def test_the_hint_speaks_of_the_widgets_controls(widget: ValidatorWidget) -> None:
    """The core says which hint applies by code; the card words it for the Units box and Mode menu."""
    widget.equation.value = "F = m + a"
    result = widget.result
    assert result is not None and result.hints == ("conventional_units",)
    assert "pass units=" in result.explanation  # the Python wording, kept in the verdict
    assert "fill the Units box or choose Mode: math" in widget.html
    assert "units=" not in widget.html and "mode=" not in widget.html
    widget.units.value = "F=N, m=kg, a=m/s^2"  # declared units: no hint
    assert widget.result is not None and widget.result.hints == ()
    assert "Units box" not in widget.html


def test_recent_equations_can_be_put_back(draw: FakeDraw) -> None:
    validate = RecordingValidate()
    widget = ValidatorWidget(validate=validate, draw=draw)
    assert widget.history.options == (("none yet", ""),) and widget.history.disabled
    for text in ["a = 1", "b = 2", "c = 3", "a = 1"]:
        widget.equation.value = text
    assert widget.recent == ["a = 1", "c = 3", "b = 2"]  # newest first, each once
    assert widget.history.options == (("3 equations", ""), ("a = 1", "a = 1"), ("c = 3", "c = 3"), ("b = 2", "b = 2"))
    assert widget.history.value == "" and not widget.history.disabled  # the prompt, no choice
    widget.history.value = "b = 2"  # what choosing it in the menu does
    assert widget.equation.value == "b = 2"
    assert validate.calls[-1][0] == "b = 2" and widget.result is not None and widget.result.equation == "b = 2"
    assert widget.recent[0] == "b = 2" and widget.history.value == ""
    calls = len(validate.calls)
    widget.history.value = "b = 2"  # the text already in the box: validated again
    assert len(validate.calls) == calls + 1
    for n in range(12):
        widget.equation.value = f"x = {n}"
    assert len(widget.recent) == 10 and widget.recent[0] == "x = 11"


def test_recent_labels_are_short_and_say_the_length(draw: FakeDraw) -> None:
    widget = ValidatorWidget(validate=long_validate, draw=draw)
    widget.equation.value = LONG_EQUATION
    (prompt, (label, value)) = widget.history.options
    assert (
        prompt == ("1 equation", "")
        and widget.recent == [value]
        and value == LONG_EQUATION
        and len(label) < 90
        and label.endswith("… (5,000 characters)")
    )


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


# ---------------------------------------------------------------- BatchWidget: grid, row card, CSV, charts (issue 11)

datagrid = pytest.importorskip("ipydatagrid", reason="the results grid needs the 'notebook' extra (ipydatagrid)")


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


def test_every_widget_says_what_it_is_without_a_kernel() -> None:
    from phi_lab.widgets import BatchWidget, ExplorerWidget, ValidatorWidget

    for widget in (ValidatorWidget(), BatchWidget(), ExplorerWidget()):
        bundle = widget._repr_mimebundle_()
        assert bundle is not None and "application/vnd.jupyter.widget-view+json" in bundle
        assert bundle["text/plain"].startswith(f"{type(widget).__name__}: run this cell")
