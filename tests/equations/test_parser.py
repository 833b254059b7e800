"""The parser, over the lexer's tokens: every spelling of an equation gives the same tree; errors carry columns.

The lexer's tokens on their own: ``test_lexer.py``; the tree's values: ``test_syntax.py``; name splitting:
``test_names.py``.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from phi_lab.equations.parser import MAX_DEPTH, MAX_LENGTH, MAX_TREE_DEPTH, parse_syntax
from phi_lab.equations.syntax import Call, Number, Operation, Symbol, canonical_form
from phi_lab.errors import ParseError


def same(a: str, b: str, declared: frozenset[str] = frozenset()) -> bool:
    return canonical_form(parse_syntax(a, declared)) == canonical_form(parse_syntax(b, declared))


@pytest.mark.parametrize(
    ("variant", "reference"),
    [
        ("E = mc²", "E = m*c^2"),
        ("E = m*c**2", "E = m*c^2"),
        ("E == m c^2", "E = m*c^2"),
        ("E = m·c²", "E = m*c^2"),
        ("E = m×c^{2}", "E = m*c^2"),
        (r"E = m \cdot c^{2}", "E = m*c^2"),
        ("φ² = φ + 1", "phi^2 = phi + 1"),
        (r"\phi^2 = \phi + 1", "phi^2 = phi + 1"),
        (r"\varphi^2 = \varphi + 1", "phi^2 = phi + 1"),
        ("ϕ^2 = ϕ + 1", "phi^2 = phi + 1"),
        (r"\frac{1}{2} m v^2 = E_k", "(1/2)*m*v^2 = E_k"),
        (r"\frac12 m v^2 = E_{k}", "(1/2)*m*v^2 = E_k"),
        ("1/2 m v^2 = E_k", "(1/2)*m*v^2 = E_k"),
        (r"\sqrt{x} = y", "sqrt(x) = y"),
        ("√x = y", "sqrt(x) = y"),
        (r"\sqrt[3]{x} = y", "root(x, 3) = y"),
        ("∛x = y", "root(x, 3) = y"),
        (r"\left( a + b \right)^2 = c", "(a + b)^2 = c"),
        ("[a + b]^2 = c", "(a + b)^2 = c"),
        ("x⁻¹ = y", "x^(-1) = y"),
        ("m₀ = m_0", "m_0 = m_{0}"),
        ("q1 = q₁", "q_1 = q_1"),
        ("theta1 = 1", "theta_1 = 1"),
        ("θ = 1", "theta = 1"),
        ("ħω = E", "hbar*omega = E"),
        ("x − y = 1", "x - y = 1"),
        ("x ÷ y = 1", "x / y = 1"),
        ("2x = y", "2*x = y"),
        ("m a = F", "m*a = F"),
        ("ma = F", "m*a = F"),
        ("mphi = x", "m*phi = x"),
        ("sinx = 0", "sin(x) = 0"),
        ("sin 2x = y", "sin(2*x) = y"),
        ("sin x cos y = z", "sin(x)*cos(y) = z"),
        (r"\sin^2 x + \cos^2 x = 1", "sin(x)^2 + cos(x)^2 = 1"),
        ("arcsin(x) = y", "asin(x) = y"),
        ("ln x = y", "log(x) = y"),
        ("|x| = y", "abs(x) = y"),
        ("log_2(8) = 3", "log2(8) = 3"),
        ("m(a + b) = c", "m*(a + b) = c"),
        ("a + (b + c) = d", "a + b + c = d"),
        ("E_{k} = 1", "E_k = 1"),
        (r"v_{\text{max}} = 1", "v_max = 1"),
        (r"\mathrm{e}^x = y", "e^x = y"),
        # multi-part subscripts: parts joined by '_'
        ("ρ_c_0 = 1", "rho_c_0 = 1"),
        (r"\rho_c_0 = 1", "rho_c_0 = 1"),
        ("rho_{c,0} = 1", "rho_c_0 = 1"),
        ("rho_{c_0} = 1", "rho_c_0 = 1"),
        ("ρ_c₀ = 1", "rho_c_0 = 1"),
        (r"v_\text{esc} = 1", "v_esc = 1"),
        (r"v_{\mathrm{esc}} = 1", "v_esc = 1"),
        (r"v_\mathrm{esc} = 1", "v_{esc} = 1"),
        ("E_{k,max} = 1", "E_k_max = 1"),
        (r"E_{\text{k,max}} = 1", "E_k_max = 1"),
        ("x_{k_{max}} = 1", "x_k_max = 1"),
        ("t_{1/2} = 1", "t_1over2 = 1"),
        ("t_{1 / 2} = 1", "t_1over2 = 1"),
        ("n_ρ = 1", "n_rho = 1"),
        (r"n_{\rho} = 1", "n_rho = 1"),
        (r"m_\varphi = 1", "m_phi = 1"),
        ("varphi1 = 1", r"\varphi_1 = 1"),
        # logarithms of any base: log(x)/log(b)
        ("log_3(9) = 2", "log(9)/log(3) = 2"),
        ("log_{3}(9) = 2", "log(9)/log(3) = 2"),
        (r"\log_3 9 = 2", "log(9)/log(3) = 2"),
        ("log_b(x) = y", "log(x)/log(b) = y"),
        (r"\log_{b} x = y", "log(x)/log(b) = y"),
        (r"\log_\theta x = y", "log(x)/log(theta) = y"),
        ("log_e(x) = y", "log(x)/log(e) = y"),
        ("log_3^2(9) = 4", "(log(9)/log(3))^2 = 4"),
        ("log_{10}(x) = y", "log10(x) = y"),
        (r"\log_2 8 = 3", "log2(8) = 3"),
        # a number may start an implicit product as the base of a power
        ("2^x 2^y = 2^(x + y)", "2^x * 2^y = 2^(x + y)"),
        ("3^n 2^n = 6^n", "3^n * 2^n = 6^n"),
        ("a 2^n = b", "a * 2^n = b"),
        ("2 3^x = y", "2 * 3^x = y"),
        ("x^2 2^x = y", "x^2 * 2^x = y"),
        ("3ⁿ 2ⁿ = 6ⁿ", "3^n * 2^n = 6^n"),
        ("x² 2ˣ = y", "x^2 * 2^x = y"),
        ("sin x 2^y = z", "sin(x) * 2^y = z"),
    ],
)
def test_spellings_give_the_same_tree(variant: str, reference: str) -> None:
    assert same(variant, reference)


def test_tree_keeps_what_was_written() -> None:
    syntax = parse_syntax("x + x = 2x - y/z")
    relation = syntax.relations[0]
    assert relation.lhs == Operation("add", (Symbol("x"), Symbol("x")))
    assert isinstance(relation.rhs, Operation) and relation.rhs.op == "sub"
    assert relation.rhs.args[1] == Operation("div", (Symbol("y"), Symbol("z")))


def test_power_is_right_associative_and_binds_tighter_than_minus() -> None:
    assert same("x^2^3 = 1", "x^(2^3) = 1")
    relation = parse_syntax("-x^2 = 1").relations[0]
    assert relation.lhs == Operation("neg", (Operation("pow", (Symbol("x"), Number(Fraction(2), "2"))),))


def test_numbers_are_exact() -> None:
    relation = parse_syntax("1.618 = 6.02e23").relations[0]
    assert relation.lhs == Number(Fraction(1618, 1000), "1.618")
    assert isinstance(relation.rhs, Number) and relation.rhs.value == Fraction(602 * 10**21)


def test_systems_split_on_semicolons_and_newlines() -> None:
    assert len(parse_syntax("a = 1; b = 2").relations) == 2
    assert len(parse_syntax("a = 1\nb = 2\n\n").relations) == 2
    syntax = parse_syntax("a = 1; b")
    assert len(syntax.relations) == 1 and syntax.expressions == (Symbol("b"),)


def test_declared_names_stay_whole_and_beat_functions_and_constants() -> None:
    assert parse_syntax("speed = d/t", frozenset({"speed"})).names == {"speed", "d", "t"}
    assert parse_syntax("speed = 1").names == {"s", "p", "e", "d"}
    assert isinstance(parse_syntax("sin = 1", frozenset({"sin"})).relations[0].lhs, Symbol)


def test_a_logarithm_of_another_base_is_built_from_the_existing_nodes() -> None:
    relation = parse_syntax("log_3(9) = 2").relations[0]
    assert relation.lhs == Operation(
        "div", (Call("log", (Number(Fraction(9), "9"),)), Call("log", (Number(Fraction(3), "3"),)))
    )
    relation = parse_syntax(r"\log_{b} x = y").relations[0]
    assert relation.lhs == Operation("div", (Call("log", (Symbol("x"),)), Call("log", (Symbol("b"),))))
    assert parse_syntax("log_10(x) = 1").relations[0].lhs == Call("log10", (Symbol("x"),))
    assert parse_syntax("log_2(x) = 1").relations[0].lhs == Call("log2", (Symbol("x"),))


def test_a_logarithm_base_is_read_like_any_name() -> None:
    assert parse_syntax("log_{base}(x) = 1", frozenset({"base"})).names == {"x", "base"}
    assert parse_syntax("log_{b_0}(x) = b_0").names == {"x", "b_0"}
    assert parse_syntax("log_b(x) = 1", frozenset({"log_b"})).names == {"log_b", "x"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("rho_c_0 = 1", "rho_c_0"),
        ("E_k_max = 1", "E_k_max"),
        ("v_x_0 = 1", "v_x_0"),
        ("mu_drift = 1", "mu_drift"),
        ("A_vec = 1", "A_vec"),
        (r"v_\text{esc} = 1", "v_esc"),
        ("t_{1/2} = 1", "t_1over2"),
        ("t_1over2 = 1", "t_1over2"),
        (r"m_{\theta 1} = 1", "m_theta1"),
        ("x_a₀ = 1", "x_a_0"),
    ],
)
def test_subscripts_make_one_name(text: str, name: str) -> None:
    assert parse_syntax(text).names == {name}


def test_a_slash_outside_braces_divides() -> None:
    assert same("t_1/2 = 1", "t_1 / 2 = 1")


def test_a_trailing_underscore_makes_a_name_of_its_own() -> None:
    assert parse_syntax("g_ = 2 g", frozenset({"g_"})).names == {"g_", "g"}
    assert parse_syntax("lambda_ = λ_ + \\lambda_", frozenset({"lambda_"})).names == {"lambda_"}
    assert parse_syntax("rho_c_ = 1", frozenset({"rho_c_"})).names == {"rho_c_"}
    assert parse_syntax("mc_ = 1", frozenset({"c_"})).names == {"m", "c_"}
    assert parse_syntax("g_ = 1").names == {"g_"}  # undeclared too, as the AI Feynman database writes it


def test_gamma_is_a_function_only_when_called() -> None:
    assert parse_syntax("gamma = 2").relations[0].lhs == Symbol("gamma")
    assert isinstance(parse_syntax("gamma(5) = 24").relations[0].lhs, Call)


def test_capital_letters_and_greek_names_are_ordinary_names() -> None:
    assert parse_syntax("E + I + N + S + Q + O = lambda + beta").names == {
        "E",
        "I",
        "N",
        "S",
        "Q",
        "O",
        "lambda",
        "beta",
    }
    assert parse_syntax("hbar = 1").names == {"hbar"}


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("E = ", 5, "expected an expression after '='"),
        ("x +", 4, "expected a number, a name or '('"),
        ("((x)", 5, "')' to close the '(' at column 1"),
        ("x = 1 $", 7, "unexpected character '$'"),
        ("x < 2", 3, "not '='"),
        ("E = mc^2 = x", 10, "a second '='"),
        ("2 3 = 6", 3, "an operator before the number"),
        ("x\x00 = 1", 2, "control or invisible character U+0000"),
        ("∫x = 1", 1, "integrals are not supported"),
        (r"\foo = 1", 1, r"unknown LaTeX command '\foo'"),
        ("sin^-1(x) = 1", 1, "ambiguous"),
        ("sin(x, y) = 1", 1, "takes 1 argument, got 2"),
        ("x = 1e9999", 5, "beyond ±4000"),
        ("|x = 1", 4, "'|' to close the absolute value"),
        ("_x = 1", 1, "subscript"),
        ("log_(x) = 1", 4, "only a name may end in '_'"),
        ("x__0 = 1", 2, "a subscript '_' must be followed by"),
        ("x_{} = 1", 2, "a subscript '_' must be followed by"),
        ("x_{i+1} = 1", 5, "'+' in a subscript: a subscript is part of a name and holds no arithmetic"),
        ("x_{i-1} = 1", 5, "'-' in a subscript"),
        (r"x_{i \cdot 2} = 1", 6, r"'\cdot' in a subscript"),
        ("t_{a/2} = 1", 5, "'/' in a subscript must stand between two whole numbers"),
        ("t_{1/2/3} = 1", 7, "'/' in a subscript must stand between two whole numbers"),
        ("E_{k,} = 1", 6, "an empty part in a subscript"),
        ("E_{,k} = 1", 4, "an empty part in a subscript"),
        ("x_{k = 1", 2, "'_{' without its closing '}'"),
        (r"x_{\foo} = 1", 4, r"unknown LaTeX command '\foo' in a subscript"),
        ("x_{k$} = 1", 5, "unexpected character '$' in a subscript"),
        ("log_{x+1}(y) = 1", 7, "'+' in the base of a logarithm"),
        ("log_{1/2}(y) = 1", 7, "'/' in the base of a logarithm"),
        ("log_{ab}(y) = 1", 4, "the base of a logarithm must be a whole number or one name, not 'ab'"),
        ("log_{sin}(y) = 1", 4, "the base of a logarithm must be a whole number or one name"),
        ("log_{log_3}(y) = 1", 4, "the base of a logarithm must be a whole number or one name"),
        ("log_(y) = 1", 4, "only a name may end in '_'"),
        ("sin_3(x) = 1", 1, "the function 'sin' cannot take the subscript '_3'"),
        ("x 3 = 6", 3, "an operator before the number"),
        ("2^x 3 = 6", 5, "an operator before the number"),
    ],
)
def test_errors_name_the_column_and_what_was_expected(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_syntax(text)
    assert info.value.column == column
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"column {column}:")


def test_caret_points_at_the_column() -> None:
    with pytest.raises(ParseError) as info:
        parse_syntax("E = m $ c")
    snippet, caret = info.value.caret().splitlines()
    assert snippet[caret.index("^")] == "$"


def test_limits() -> None:
    with pytest.raises(ParseError, match="limit is 10,000"):
        parse_syntax("x" * (MAX_LENGTH + 1))
    with pytest.raises(ParseError, match=f"more than {MAX_DEPTH} levels"):
        parse_syntax("(" * 1_000 + "x" + ")" * 1_000 + " = 1")
    with pytest.raises(ParseError, match=f"more than {MAX_TREE_DEPTH} levels"):
        parse_syntax("-".join(["x"] * 500) + " = 1")
    with pytest.raises(ParseError, match="more than 400 digits"):
        parse_syntax("9" * 500 + " = 1")


def test_non_text_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="must be text"):
        parse_syntax(42)  # type: ignore[arg-type]


def test_errors_pickle() -> None:
    import pickle

    error = ParseError("expected x", "a = ", 5)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.text, copy.column) == ("expected x", "a = ", 5)
