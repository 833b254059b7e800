"""The lexer: text → tokens, and ``read_name`` for ``units`` keys (``phi_lab/equations/lexer.py``).

What the tokens make of a whole equation is ``tests/equations/test_parser.py``'s subject; the
AI Feynman names written every way, through :func:`phi_lab.parse`, are ``test_names_notation.py``'s.
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phi_lab.equations.lexer import Token, read_name, tokenize
from phi_lab.equations.parser import parse_syntax
from phi_lab.errors import ParseError

#: A canonical name: a letter, then letters and digits, parts joined by '_', perhaps a trailing '_'.
CANONICAL = re.compile(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*_?")


def kinds_and_texts(text: str, declared: frozenset[str] = frozenset(), **options: bool) -> list[tuple[str, str]]:
    """Every token's (kind, text), the closing ``end`` left out."""
    *tokens, end = tokenize(text, declared, **options)
    assert end.kind == "end"
    return [(token.kind, token.text) for token in tokens]


def test_a_simple_equation_token_by_token_with_columns() -> None:
    assert tokenize("E = mc²") == [
        Token("name", "E", 1),
        Token("eq", "=", 3),
        Token("name", "m", 5),
        Token("name", "c", 6),
        Token("sup", "2", 7),
        Token("end", "", 8),
    ]


@pytest.mark.parametrize(
    ("text", "operator"),
    [
        ("a*b", "*"),
        ("a·b", "*"),
        ("a×b", "*"),
        (r"a \cdot b", "*"),
        (r"a \times b", "*"),
        ("a/b", "/"),
        ("a÷b", "/"),
        (r"a \div b", "/"),
        ("a−b", "-"),  # U+2212, the minus sign
        ("a^b", "^"),
        ("a**b", "^"),
    ],
)
def test_every_spelling_of_an_operator_is_one_token(text: str, operator: str) -> None:
    assert kinds_and_texts(text) == [("name", "a"), ("op", operator), ("name", "b")]


def test_double_equals_is_one_equals_sign() -> None:
    assert kinds_and_texts("a == b") == [("name", "a"), ("eq", "="), ("name", "b")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42", Fraction(42)),
        ("1.618", Fraction(809, 500)),
        (".5", Fraction(1, 2)),
        ("2.5e-3", Fraction(1, 400)),
        ("6.02E23", Fraction(602 * 10**21)),
        ("½", Fraction(1, 2)),
        ("¾", Fraction(3, 4)),
    ],
)
def test_numbers_are_exact_fractions_and_keep_their_text(text: str, value: Fraction) -> None:
    (number, _end) = tokenize(text)
    assert (number.kind, number.text, number.value) == ("number", text, value)


@pytest.mark.parametrize("text", ["φ", r"\phi", r"\varphi", "ϕ", "phi"])
def test_every_spelling_of_phi_is_the_name_phi(text: str) -> None:
    assert kinds_and_texts(text) == [("name", "phi")]


@pytest.mark.parametrize("text", ["m₀", "m_0", "m_{0}", "m0"])
def test_every_spelling_of_a_subscript_is_one_name(text: str) -> None:
    assert kinds_and_texts(text) == [("name", "m_0")]


def test_a_run_of_letters_splits_into_names_and_functions() -> None:
    assert kinds_and_texts("mc") == [("name", "m"), ("name", "c")]
    assert tokenize("sinx")[:2] == [Token("function", "sin", 1), Token("name", "x", 4)]
    assert kinds_and_texts("speed") == [("name", "s"), ("name", "p"), ("name", "e"), ("name", "e"), ("name", "d")]


def test_declared_names_stay_whole() -> None:
    assert kinds_and_texts("speed", frozenset({"speed"})) == [("name", "speed")]
    assert kinds_and_texts("sin", frozenset({"sin"})) == [("name", "sin")]


@pytest.mark.parametrize(("text", "function"), [("arcsin x", "asin"), ("ln x", "log"), (r"\sin x", "sin")])
def test_function_words_are_canonical(text: str, function: str) -> None:
    assert kinds_and_texts(text) == [("function", function), ("name", "x")]


def test_gamma_is_a_function_only_before_a_bracket() -> None:
    assert kinds_and_texts("gamma(x)")[0] == ("function", "gamma")
    assert kinds_and_texts("gamma = 1")[0] == ("name", "gamma")


def test_a_logarithm_base_is_a_token_of_its_own() -> None:
    assert tokenize("log_3(9)") == [
        Token("function", "log", 1),
        Token("base", "3", 4, Fraction(3)),
        Token("open", "(", 6),
        Token("number", "9", 7, Fraction(9)),
        Token("close", ")", 8),
        Token("end", "", 9),
    ]
    assert kinds_and_texts("log_b(x)")[:2] == [("function", "log"), ("base", "b")]
    assert kinds_and_texts("log_10(x)")[0] == ("function", "log10")  # a function of its own, no base
    assert kinds_and_texts("log_2(x)")[0] == ("function", "log2")


def test_subscript_runs_join_two_letters_only_when_asked() -> None:
    assert tokenize("vf", subscript_runs=True)[0] == Token("name", "v_f", 1, joined=True)
    assert kinds_and_texts("vf") == [("name", "v"), ("name", "f")]
    assert kinds_and_texts("mc", subscript_runs=True) == [("name", "m"), ("name", "c")]  # c: no subscript letter


def test_semicolons_and_newlines_separate_relations() -> None:
    assert [kind for kind, _ in kinds_and_texts("a = 1; b = 2\nc = 3")].count("sep") == 2


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("a $ b", 3, "unexpected character '$'"),
        ("x ≤ 1", 3, "not '='"),
        ("∑x", 1, "sums are not supported"),
        (r"a \foo b", 3, r"unknown LaTeX command '\foo'"),
        ("_x", 1, "subscript"),
    ],
)
def test_what_the_lexer_does_not_understand_is_a_parse_error_at_its_column(
    text: str, column: int, fragment: str
) -> None:
    with pytest.raises(ParseError, match=re.escape(fragment)) as info:
        tokenize(text)
    assert info.value.column == column


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_tokens_ending_once_or_a_parse_error_within_it(text: str) -> None:
    try:
        tokens = tokenize(text)
    except ParseError as exc:
        assert 1 <= exc.column <= len(text) + 1
        return
    assert tokens[-1] == Token("end", "", len(text) + 1)
    assert all(token.kind != "end" for token in tokens[:-1])
    columns = [token.column for token in tokens]
    assert columns == sorted(columns)


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("mc", "mc"),  # never split
        ("sin", "sin"),  # never a function
        ("q1", "q_1"),
        ("theta1", "theta_1"),
        ("m₀", "m_0"),
        (r"\rho_{c,0}", "rho_c_0"),
        ("Int_0", "Int_0"),
        ("g_", "g_"),
        ("varphi", "phi"),
    ],
)
def test_read_name_reads_one_whole_name(key: str, name: str) -> None:
    assert read_name(key) == name


@pytest.mark.parametrize(
    ("key", "column", "fragment"),
    [("m c", 3, "expected one name"), ("2", 1, "expected a name"), ("", 1, "expected a name, found 'nothing'")],
)
def test_read_name_refuses_anything_but_one_name(key: str, column: int, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment) as info:
        read_name(key)
    assert info.value.column == column


_PART = st.from_regex(r"[a-z][a-z0-9]{0,3}|[0-9]{1,2}|theta|rho", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(
    base=st.sampled_from(["x", "E", "rho", "theta", "Int"]),
    parts=st.lists(_PART, min_size=1, max_size=3),
    braced=st.booleans(),
    trailing=st.booleans(),
)
def test_every_spelling_reads_back_to_its_canonical_name(
    base: str, parts: list[str], braced: bool, trailing: bool
) -> None:
    spelled = f"{base}_{{{','.join(parts)}}}" if braced else "".join([base, *(f"_{part}" for part in parts)])
    spelled += "_" if trailing else ""
    name = read_name(spelled)
    assert name == "_".join([base, *parts]) + ("_" if trailing else "")
    assert CANONICAL.fullmatch(name)
    assert read_name(name) == name
    assert parse_syntax(f"{spelled} = {name}", frozenset({name})).names == {name}
