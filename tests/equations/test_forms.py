"""The keys that group search hits: spellings of one closed form, rewrites of one relation.

The expected groupings were decided by hand (which spellings are the same construction, which
equations differ by a nonzero factor), not read off the code."""

from __future__ import annotations

import pytest
import sympy

from phi_lab.equations.forms import form_key, relation_key
from phi_lab.equations.parser import parse_syntax


def expression(text: str) -> object:
    (node,) = parse_syntax(text).expressions
    return node


def form(text: str) -> str:
    return form_key(expression(text))  # type: ignore[arg-type]


def relation(text: str) -> str:
    (found,) = parse_syntax(text).relations
    return relation_key(found.lhs, found.rhs, "x")


#: Each line: spellings that are one closed form.
SAME_FORM = [
    ["pi", "1*pi", "pi/1", "pi^1", "exp(log(pi))", "log(exp(pi))", "e^log(pi)", "sqrt(pi)^2", "sqrt(pi^2)"],
    ["pi", "pi + log(1)", "1 + pi - 1", "1 - (1 - pi)", "1/(1/pi)", "2*pi - pi", "2*pi/2", "2/(2/pi)"],
    ["pi", "log(2^pi)/log(2)", "log(pi^pi)/log(pi)"],
    ["(1 + sqrt(5))/2", "1/2 + sqrt(5)/2", "(1 + sqrt(5))*1/2", "log(sqrt(e*exp(sqrt(5))))", "(5 + sqrt(5))/2 - 2"],
    ["2/(sqrt(5) - 1)", "(1 - 3)/(1 - sqrt(5))", "(2/(sqrt(5) - 1))^1", "1*2/(sqrt(5) - 1)"],
    ["1 + 2/(1 + sqrt(5))", "(3 + sqrt(5))/(1 + sqrt(5))"],
    ["log(2)", "log(2*3) - log(3)", "log(4)/2"],
    ["2*cos(pi/5)", "cos(pi/5)*2", "cos(pi/5) + cos(pi/5)"],
    ["-1", "cos(pi)"],
]

#: Pairs that are different constructions (equal values at most, never one form).
DIFFERENT_FORMS = [
    ("(1 + sqrt(5))/2", "2/(sqrt(5) - 1)"),
    ("(1 + sqrt(5))/2", "2*cos(pi/5)"),
    ("(1 + sqrt(5))/2", "sqrt((3 + sqrt(5))/2)"),
    ("(1 + sqrt(5))/2", "phi"),
    ("sqrt(2)", "2^(1/2)*1 + 0*pi + 1"),
    ("pi", "pi + 1/exp(exp(5))"),
]


@pytest.mark.parametrize("spellings", SAME_FORM, ids=[line[1] for line in SAME_FORM])
def test_spellings_of_one_form_share_a_key(spellings: list[str]) -> None:
    assert len({form(text) for text in spellings}) == 1


@pytest.mark.parametrize(("first", "second"), DIFFERENT_FORMS)
def test_different_constructions_keep_their_keys(first: str, second: str) -> None:
    assert form(first) != form(second)


#: Each line: one relation in x, written several ways (sides' differences agree up to a nonzero factor).
SAME_RELATION = [
    ["x^2 = x + 1", "x^2 - x = 1", "x - 1 = 1/x", "1/(x - 1) = x", "x = 1/x + 1", "x - 1/x = 1", "x^2 - 1 = x"],
    ["2*x = 1 + sqrt(5)", "2*x - 1 = sqrt(5)", "2/x + 1 = sqrt(5)", "(1 + sqrt(5))/x = 2"],
    ["x = sqrt(x + 1)", "sqrt(x + 1) = x", "2*x = 2*sqrt(x + 1)", "x - sqrt(x + 1) = 0"],
    ["x^3 = 2*x + 1", "x^3 - 2*x = 1", "x^2 - 2 = 1/x"],
]

#: Pairs of different relations (other roots, or a root condition a squaring would lose).
DIFFERENT_RELATIONS = [
    ("x^2 = x + 1", "x^3 = 2*x + 1"),  # x³ − 2x − 1 = (x + 1)(x² − x − 1): an extra root
    ("x^2 = x + 1", "x = sqrt(x + 1)"),  # the square root excludes the negative root
    ("x^2 = x + 1", "x^3 = x + x^2"),  # an extra root 0
    ("x^2 = x + 1", "x^2 = x + 2"),
    ("2*x = 1 + sqrt(5)", "2*x = 1 - sqrt(5)"),
]


@pytest.mark.parametrize("equations", SAME_RELATION, ids=[line[0] for line in SAME_RELATION])
def test_rewrites_of_one_relation_share_a_key(equations: list[str]) -> None:
    assert len({relation(text) for text in equations}) == 1


@pytest.mark.parametrize(("first", "second"), DIFFERENT_RELATIONS)
def test_different_relations_keep_their_keys(first: str, second: str) -> None:
    assert relation(first) != relation(second)


def test_a_tree_sympy_cannot_read_gets_a_key_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> object:
        raise NotImplementedError("an unusual branch")

    monkeypatch.setattr(sympy, "cancel", refuse)  # the functions phi_lab.equations.forms calls
    monkeypatch.setattr(sympy, "together", refuse)
    assert form("1 + 2").startswith("unkeyed:")
    assert form("1 + 2") != form("3") != form("2 + 1")
    assert relation("x = 1 + 2").startswith("unkeyed:")
