"""ValidatorWidget driven as a notebook would: type an equation, press Enter, read the card, save.

No browser and no kernel: ipywidgets run headless, ``Button.click()`` fires the handlers.
Verdicts come from the real pipeline unless a test injects ``validate``; the master list and
the drawing are fakes passed to the constructor.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ipywidgets = pytest.importorskip("ipywidgets", reason="the notebook widgets need the 'notebook' extra (ipywidgets)")
matplotlib_figure = pytest.importorskip("matplotlib.figure", reason="drawing needs matplotlib")

import phi_lab as pl  # noqa: E402
import phi_lab.widgets as plw  # noqa: E402
from phi_lab.widgets import ValidatorWidget  # noqa: E402
from tests.widgets.fakes import PNG, FakeMasterList, fake_result, requires_plots  # noqa: E402


class FakeDraw:
    """A draw_complex stand-in: a small real matplotlib Figure; records its calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Mapping[str, str] | None]] = []

    def __call__(self, equation: str, *, units: Mapping[str, str] | None = None) -> Any:
        self.calls.append((equation, units))
        figure = matplotlib_figure.Figure(figsize=(1, 1))
        figure.add_subplot().plot([0, 1], [1, 0])
        return figure


class RecordingValidate:
    """A validate() stand-in: every text is a valid relation; records (equation, units, mode)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Mapping[str, str] | None, str]] = []

    def __call__(self, equation: str, units: Mapping[str, str] | None, mode: str) -> pl.ValidationResult:
        self.calls.append((equation, units, mode))
        return fake_result(equation, mode=mode)


@pytest.fixture
def draw() -> FakeDraw:
    return FakeDraw()


@pytest.fixture
def widget(master: FakeMasterList, draw: FakeDraw) -> ValidatorWidget:
    return ValidatorWidget(master_list=master, draw=draw)


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
    widget.units.value = ""  # an event mypy does not see: it keeps the narrowing of the assert above
    assert validate.calls[-1] == ("F = m*a", None, "math")  # type: ignore[comparison-overlap]
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
