"""Hostile and random text: phi_lab answers every input with a verdict, quickly, and runs none of it.

The contract checked here, for any text at all:

* :func:`phi_lab.validate` returns a :class:`~phi_lab.ValidationResult` (bad *arguments*,
  such as an unknown mode or an unreadable unit, raise the documented
  :class:`~phi_lab.InputError` / :class:`~phi_lab.DeviceError` instead);
* text that does not parse, or has no ``=``, is reported with confidence 0.99;
* each single call finishes within :data:`BUDGET_S` seconds, measured with
  :func:`time.perf_counter`.  The budget is generous on purpose: it catches runaway
  evaluation (``9^9^9^9``, ``exp(exp(exp(1000)))``, deep nesting), not slow machines;
* no text is ever executed: the marker file that the injection strings try to create
  never appears, and ``eval``, ``exec``, ``sympy.sympify`` and ``parse_expr`` are never
  called while validating.
"""

from __future__ import annotations

import builtins
import json
import random
import string
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sympy
import sympy.parsing.sympy_parser
from hypothesis import given, settings
from hypothesis import strategies as st

import phi_lab as pl
from phi_lab.equations.parser import MAX_LENGTH
from phi_lab.equations.verdict import KINDS as VERDICT_KINDS
from phi_lab.equations.verdict import NUMERIC_KINDS

#: Seconds one call may take: the documented contract of this fuzz test.
BUDGET_S = 2.0
#: The file the code-injection strings try to create.
MARKER = Path("/tmp/pwned_phi")
KINDS = set(VERDICT_KINDS)
#: Verdicts reached without looking at the mathematics carry this confidence.
REFUSAL_CONFIDENCE = 0.99

CODE = [
    "__import__('os').system('touch /tmp/pwned_phi')",
    "__import__('os').system('touch /tmp/pwned_phi') = 1",
    "x = __import__('os').system('touch /tmp/pwned_phi')",
    "().__class__.__bases__",
    "().__class__.__base__.__subclasses__()",
    "x = ().__class__.__bases__[0].__subclasses__()",
    "lambda: 0",
    "(lambda: 0)() = 0",
    "exec('1')",
    'eval("1")',
    "eval('1') = 1",
    "open('/tmp/pwned_phi', 'w').write('x')",
    "import os; os.system('touch /tmp/pwned_phi')",
    "globals()['__builtins__']",
    "x = 1 if True else 0",
]
SQL_AND_SHELL = [
    "x = 1; DROP TABLE equations; --",
    "'; DROP TABLE equations; --",
    "1 OR 1=1",
    "x = 1' OR '1'='1",
    "$(touch /tmp/pwned_phi)",
    "`touch /tmp/pwned_phi`",
    "x = 1 && touch /tmp/pwned_phi",
    "x = 1 | touch /tmp/pwned_phi",
    "x = 1 > /tmp/pwned_phi",
    "x = $HOME",
    "${jndi:ldap://example.invalid/a}",
]
FORMAT_STRINGS = [
    "{0.__class__}",
    "{x.__class__} = 1",
    "{0.__class__.__mro__[1].__subclasses__()}",
    "%s%s%s%n = 1",
    "x = {}",
    "x = f'{1}'",
]
#: Hostile-looking text that is nonetheless a well-formed equation of the grammar.
LOOKALIKES = [
    "print(1) = 1",  # p·r·i·n·t·(1)
    "x = {0}",  # braces group like brackets
    "{{x}} = 1",
    "x = 1\u00a0+\u00a01",  # no-break spaces are spaces
    "select = 1",  # s·e·l·e·c·t
]
UNICODE_ODDITIES = [
    "x\u200f = 1",  # right-to-left mark
    "\u202ex = 1",  # right-to-left override
    "x = 1\u200e",  # left-to-right mark
    "x\u0301 = 1",  # combining acute accent
    "e\u0308 = 1",  # combining diaeresis
    "x = 😀",
    "😀 = 😀",
    "x = 👨\u200d👩\u200d👧",  # zero-width joiners
    "１２ = 12",  # fullwidth digits
    "ｘ = 1",  # fullwidth letter
    "x = ١٢",  # Arabic-Indic digits
    "\ufeffx = 1",  # byte-order mark
    "x = \ud800",  # lone surrogate
    "ο = 1",  # Greek omicron, looks like o
    "ﬁ = 1",  # ligature
    "x\u2028= 1",  # line separator
]
CONTROL = [
    "x = 1\x00",
    "\x00",
    "\x00" * 1000,
    "x\x07 = 1",
    "x = \x1b[31m1\x1b[0m",
    "x\x08\x08 = 1",
    "\x7f = 1",
    "x = 1\x0b\x0c",
]
NUMERIC_BOMBS = [
    "9^9^9^9",
    "9^9^9^9 = x",
    "10^10^10 = 1",
    "2^(2^(2^(2^(2^2))))",
    "2^(2^(2^(2^(2^2)))) = 1",
    "exp(exp(exp(1000)))",
    "exp(exp(exp(1000))) = 1",
    "exp(exp(exp(exp(x)))) = 1",
    "x = 2^2^2^2^2^2^2^2^2",
    "x^(10^400) = 1",
    "gamma(10^10) = x",
    "1e400^1e400 = 1",
    "(1 + 1/10^400)^(10^400) = e",
    "sin(10^400) = 0",
    "tan(pi/2) = 1",
    "0^0 = 1",
    "x/0 = 1",
    "log(0) = x",
    "x = " + "9" * 400,
    "x = " + "9" * 500,
    "x = 1e999",
    "x = 1e-999",
    "x = 1e400",
    "1e999 = 1e999",
    "x = " + "1" * 400 + "." + "1" * 10,
]


def _sum(term: str, terms: int) -> str:
    return "x = " + "+".join([term] * terms)


LONG = {
    "nested-brackets-10000": "(" * 10_000 + "x" + ")" * 10_000,
    "nested-brackets-10000-eq": "(" * 10_000 + "x" + ")" * 10_000 + " = 1",
    "nested-brackets-under-limit": "(" * 4_990 + "x" + ")" * 4_990 + "=1",
    "random-100kB": "".join(random.Random(1618).choices(string.printable, k=100_000)),
    "x+-100kB": "x+" * 50_000,
    "x+-100kB-eq": "x = " + "x+" * 50_000 + "1",
    "sum-5000-x": _sum("x", 4_998),
    "sum-5000-ones": _sum("1", 4_998),
    "sum-5000-phi": _sum("φ", 4_998),
    "product-5000": "x = " + "*".join(["x"] * 4_998),
    "minus-chain": "x = " + "-x" * 4_990,
    "minus-chain-prefix": "-" * 9_990 + "x = 1",
    "minus-run-between": "x" + "-" * 5_000 + "y = 1",
    "minus-chain-short": "x = " + "-x" * 150,
    "power-chain": "x = " + "^".join(["x"] * 4_998),
    "letters-9990": "x = " + "abcdfgjkz" * 1_110,
    "system-2500": "x=y;" * 2_499,
    "bars-3000": "|x|" * 3_000 + "= 1",
    "sqrt-run": "√" * 5_000 + "x = 1",
    "frac-run": "\\frac" * 1_900 + " = 1",
    "subscript-braces": "x_{" + "{" * 4_990 + "}" * 4_990 + "} = 1",
}


def _hostile() -> Iterator[Any]:
    for group, texts in (
        ("code", CODE),
        ("sql-shell", SQL_AND_SHELL),
        ("format", FORMAT_STRINGS),
        ("lookalike", LOOKALIKES),
        ("unicode", UNICODE_ODDITIES),
        ("control", CONTROL),
        ("numeric", NUMERIC_BOMBS),
    ):
        for index, text in enumerate(texts):
            yield pytest.param(text, id=f"{group}-{index}")
    for name, text in LONG.items():
        yield pytest.param(text, id=name)


HOSTILE = list(_hostile())


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Pay the one-off costs (pint's registry, the catalog, torch kernels, starting the prover
    process that runs SymPy's solvers) before any timing."""
    for text in ("E = mc²", "x² = x + 1", "φ² = φ + 1", "x + 1", "x = = 1", "cosh(x) = sinh(x)", "x = 1; x = 2"):
        pl.validate(text)
    pl.validate("F = m*a", units={"F": "N"})


@pytest.fixture
def marker() -> Iterator[Path]:
    """The file injection strings try to create; it must not exist after the test."""
    MARKER.unlink(missing_ok=True)
    yield MARKER
    assert not MARKER.exists(), "validating text created /tmp/pwned_phi: text was executed"


def timed(text: Any, **kwargs: Any) -> pl.ValidationResult:
    """Validate ``text``, assert the single call took under :data:`BUDGET_S`, check the result."""
    start = time.perf_counter()
    result = pl.validate(text, **kwargs)
    elapsed = time.perf_counter() - start
    assert elapsed < BUDGET_S, f"{elapsed:.2f} s for {str(text)[:60]!r}"
    _check(result)
    return result


def _check(result: pl.ValidationResult) -> None:
    assert isinstance(result, pl.ValidationResult)
    assert result.kind in KINDS
    if result.kind in ("unparseable", "not_an_equation"):
        assert result.confidence == REFUSAL_CONFIDENCE
        assert result.valid is False
    assert 0.0 <= result.confidence <= 1.0
    assert 0.0 <= result.phi_coherence <= 1.0
    assert result.chi == result.betti[0] - result.betti[1] + result.betti[2]
    assert result.explanation
    json.dumps(result.to_dict(), allow_nan=False)


# -- hostile text ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_gets_a_verdict_in_time(text: str, marker: Path) -> None:
    timed(text)
    timed(text, mode="math")
    assert not marker.exists()


@pytest.mark.parametrize("text", CODE + SQL_AND_SHELL + FORMAT_STRINGS + UNICODE_ODDITIES + CONTROL)
def test_hostile_text_is_never_valid(text: str, marker: Path) -> None:
    result = timed(text)
    assert result.kind in ("unparseable", "not_an_equation"), result.to_dict()
    assert not marker.exists()


def test_code_that_would_write_a_file_writes_none(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    for template in (
        "__import__('os').system('touch {}')",
        "open('{}', 'w').write('x')",
        "__import__('pathlib').Path('{}').touch()",
        "x = __import__('os').system('touch {}')",
    ):
        timed(template.format(target))
    assert not target.exists()


def test_text_over_the_length_limit_is_refused_without_a_column() -> None:
    result = timed("x = " + "1+" * MAX_LENGTH)
    assert result.kind == "unparseable"
    assert result.error_column is None
    assert f"{MAX_LENGTH:,}" in result.explanation


def test_sums_just_under_the_length_limit_are_validated() -> None:
    for name in ("sum-5000-x", "sum-5000-ones", "sum-5000-phi"):
        text = LONG[name]
        assert MAX_LENGTH - 10 < len(text) < MAX_LENGTH
        assert timed(text).kind != "unparseable", name


def test_unicode_oddities_point_at_the_odd_character() -> None:
    for text in ("x\u200f = 1", "x\u0301 = 1", "x = 😀", "１２ = 12"):
        result = timed(text)
        assert result.kind == "unparseable"
        assert result.error_column is not None
        odd = result.error_column - 1
        assert not (text[odd].isascii() and text[odd].isprintable()), (text, result.error_column)


@pytest.mark.parametrize("value", [None, 123, 1.5, b"x = 1", ["x = 1"], {"x": 1}])
def test_text_that_is_not_a_string_is_a_verdict(value: Any) -> None:
    result = timed(value)
    assert result.kind == "unparseable"
    assert result.confidence == REFUSAL_CONFIDENCE


def test_validate_many_answers_every_hostile_row(marker: Path) -> None:
    texts = [param.values[0] for param in HOSTILE]
    frame = pl.validate_many(texts)
    assert len(frame) == len(texts)
    assert list(frame["equation"]) == texts
    assert set(frame["kind"]) <= KINDS
    assert not marker.exists()


# -- bad arguments are documented errors ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"mode": "bogus"}, pl.ModeError),
        ({"mode": ""}, pl.ModeError),
        ({"units": {"x": "blorp"}}, pl.UnitError),
        ({"units": {"x": "m" * 1_000}}, pl.UnitError),
        ({"units": {"x": ""}}, pl.UnitError),
        ({"units": {"x": 3}}, pl.UnitError),
        ({"units": {"": "m"}}, pl.UnitError),
        ({"units": {"x y": "m"}}, pl.UnitError),
        ({"units": {"__import__('os')": "m"}}, pl.UnitError),
        ({"units": {"x": "__import__('os').system('touch /tmp/pwned_phi')"}}, pl.UnitError),
        ({"units": ["x"]}, pl.UnitError),
    ],
)
def test_bad_arguments_raise_input_error(kwargs: dict[str, Any], error: type[Exception], marker: Path) -> None:
    with pytest.raises(error) as caught:
        pl.validate("x = 1", **kwargs)
    assert isinstance(caught.value, pl.InputError)
    assert isinstance(caught.value, ValueError)
    assert not marker.exists()


def test_unknown_device_raises_device_error() -> None:
    with pytest.raises(pl.DeviceError):
        pl.validate("x = 1", device="no-such-device")


# -- random text ---------------------------------------------------------------------------------

GRAMMAR_CHARACTERS = "0123456789.+-*/^=();[]{}|,_ \n\txyzabcEmFpvtT²³⁻¹⁰₀₁·×÷−√∛φπθλωħ"
JUNK_CHARACTERS = "@#$%&~`'\"!?<>:\\\x00\x1b\u200f\u202e\u0301😀１∫≠½\ufeff"
TOKENS = [
    "\\frac", "\\sqrt", "\\phi", "\\cdot", "\\left(", "\\right)", "\\pi", "\\sin", "\\log_{10}", "^{", "_{", "}",
    "sin", "cos", "exp", "log", "sqrt", "gamma", "phi", "pi", "mc", "E", "x", "y", "1", "2.5", "1e3", "9",
    "=", ";", "\n", "^", "(", ")", "+", "-", "*", "/", "²", "√", "|", ",", " ",
]  # fmt: skip

texts = st.one_of(
    st.text(alphabet=GRAMMAR_CHARACTERS + JUNK_CHARACTERS, max_size=80),
    st.text(alphabet=GRAMMAR_CHARACTERS, max_size=80),
    st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
)


@settings(derandomize=True, deadline=None, max_examples=300, database=None)
@given(text=texts)
def test_random_text_gets_a_verdict_in_time(text: str) -> None:
    timed(text)


# -- nothing is evaluated ----------------------------------------------------------------------

NO_EVAL_BATCH = [
    "E = mc²",
    "p = m*v",
    "sin(x)^2 + cos(x)^2 = 1",
    "φ² = φ + 2",
    "x² = x + 1; y = 2",
    r"\frac{1}{2} m v^2 = E_k",
    "gamma(x) = beta(x, y)",
    "x = 13/8",
    *CODE,
    *FORMAT_STRINGS,
    "9^9^9^9 = x",
]


def _forbidden(name: str, calls: list[str]) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        raise AssertionError(f"{name} was called while validating")

    return refuse


def test_nothing_is_evaluated(monkeypatch: pytest.MonkeyPatch, marker: Path) -> None:
    # Run the batch once unpatched: Python's import system itself calls exec() for any
    # module imported lazily, which is not the package evaluating text.
    for text in NO_EVAL_BATCH:
        pl.validate(text)
    calls: list[str] = []
    monkeypatch.setattr(builtins, "eval", _forbidden("eval", calls))
    monkeypatch.setattr(builtins, "exec", _forbidden("exec", calls))
    monkeypatch.setattr(sympy, "sympify", _forbidden("sympy.sympify", calls))
    monkeypatch.setattr(sympy.parsing.sympy_parser, "parse_expr", _forbidden("parse_expr", calls))
    for text in NO_EVAL_BATCH:
        timed(text)
        timed(text, mode="math")
    timed("p = m*v", units={"p": "kg*m/s", "v": "km/h"})
    timed("x = 1", units={"x": "dimensionless"})
    pl.validate_many(NO_EVAL_BATCH, mode="physics")
    pl.parse("E = mc²; T = 2π√(l/g); φ² = φ + 1").as_sympy()
    assert calls == []
    assert not marker.exists()


@pytest.mark.parametrize("text", LOOKALIKES)
def test_lookalikes_are_ordinary_equations(text: str) -> None:
    # print(1) = 1 is p·r·i·n·t·1 = 1 with i the imaginary unit: no real solution, but an equation.
    assert timed(text).kind in NUMERIC_KINDS
