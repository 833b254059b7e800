"""Tokens → syntax tree: a small recursive-descent parser with explicit limits.

Grammar (``ε`` marks implicit multiplication, by juxtaposition)::

    text       := piece ((';' | newline) piece)*
    piece      := sum ('=' sum)?                 one '=' per equation
    sum        := product (('+' | '-') product)*
    product    := signed (('*' | '/' | ε) factor)*   ε starts with a number only before '^'
    signed     := ('-' | '+') signed | factor
    factor     := postfix ('^' signed)?          right-associative: a^b^c = a^(b^c)
    postfix    := primary superscript*           x², x⁻¹
    primary    := number | name | '(' sum ')' | '[' sum ']' | '{' sum '}' | '|' sum '|'
                | function | \\frac primary primary | \\sqrt ('[' sum ']')? primary | √ primary
    function   := FUNCTION base? power? (arguments | factors)   base: only after log

A function applies to a parenthesised argument list, or else to the juxtaposed factors
that follow it up to the next operator, function or number: ``sin 2x`` is sin(2x),
``sin x cos y`` is sin(x)·cos(y).  Implicit and explicit multiplication have the same
precedence, so ``1/2 m v^2`` is (1/2)·m·v².  A name followed by ``(`` is a product
(``m(a + b)``), unless the name is a function.  A number starts an implicit product only
as the base of a power: ``2 3`` and ``x 3`` are refused, ``2^x 3^y``, ``a 2^n`` and
``x² 2ˣ`` are products.  A logarithm with a base other than 10 or 2 (``log_3 9``,
``\\log_{b}(x)``; the lexer reads the base) becomes ``log(x) / log(b)``, built from the
existing nodes.  No text is ever evaluated: the parser builds
:mod:`phi_lab.equations.syntax` values and nothing else.

Alternative parses (off by default)
-----------------------------------
Two options read an ambiguous text the other way; the default parse never uses them.
``slash_products=True`` lets the implicit product right after ``/`` be the denominator, as
physics style guides write it: ``h/2π`` is h/(2π), ``p²/2m`` is p²/(2m), ``a/bc`` is a/(bc)
(an explicit ``*`` still ends the denominator: ``a/b*c`` is (a/b)·c).  ``subscript_runs=True``
reads ``vf``, ``vi`` as the names ``v_f``, ``v_i`` (see :mod:`phi_lab.equations.lexer`).
:func:`parse_alternative` returns, besides the tree, every place where an option changed the
reading (:class:`Rereading`), so that the reading can be said; the auto mode's reading search
(:mod:`phi_lab.equations.readings`) uses them when the default reading fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from phi_lab.equations import names as vocabulary
from phi_lab.equations.lexer import Token, tokenize
from phi_lab.equations.syntax import Call, Node, Number, Operation, Relation, Symbol, Syntax
from phi_lab.errors import ParseError
from phi_lab.options import MAX_EQUATION_CHARS

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "MAX_TREE_DEPTH", "Alternative", "Rereading", "parse_alternative", "parse_syntax"]

#: Longest text accepted, in characters: the limit every surface shares (see phi_lab.options).
MAX_LENGTH = MAX_EQUATION_CHARS
#: Deepest nesting of brackets, signs, exponents and function arguments while parsing.
MAX_DEPTH = 100
#: Deepest syntax tree accepted (long chains such as ``a-b-c-…`` nest too).
MAX_TREE_DEPTH = 200

_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_OPERAND_STARTS = frozenset({"number", "name", "function", "open", "frac", "sqrt", "cbrt", "bar"})


@dataclass(frozen=True, slots=True)
class Rereading:
    """One place where an alternative parse read the text differently from the default.

    Attributes
    ----------
    written:
        The text as written there: ``"vf"``, ``"h/2π"``.
    read_as:
        How it was read: ``"v_f"``, ``"h/(2π)"``.
    rule:
        ``subscript`` (a two-letter run is one subscripted name) or ``denominator``
        (the implicit product after ``/`` is the denominator).
    """

    written: str
    read_as: str
    rule: Literal["subscript", "denominator"]

    @property
    def description(self) -> str:
        """One short phrase for people: ``"h/(2π): the product after '/' is the denominator"``."""
        if self.rule == "denominator":
            return f"{self.read_as}: the product after '/' is the denominator"
        letter, _, subscript = self.read_as.partition("_")
        return f"{self.read_as}: one name ({letter} with the subscript {subscript}), not {letter}·{subscript}"


@dataclass(frozen=True, slots=True)
class Alternative:
    """A parse under non-default options, with every place where they changed the reading."""

    syntax: Syntax
    rereadings: tuple[Rereading, ...]


def parse_syntax(
    text: str,
    declared: frozenset[str] = frozenset(),
    *,
    max_length: int = MAX_LENGTH,
    subscript_runs: bool = False,
    slash_products: bool = False,
) -> Syntax:
    """Parse ``text`` into a :class:`~phi_lab.equations.syntax.Syntax` tree.

    Parameters
    ----------
    text:
        One equation, or several separated by ``;`` or newlines.
    declared:
        Names declared by the caller (``units`` keys), kept whole when letters are split.
    max_length:
        Longest text accepted.
    subscript_runs, slash_products:
        Alternative readings, off by default (see the module docstring).

    Raises
    ------
    ParseError
        With the 1-based column and what was expected, for anything that does not parse.
    """
    return _parse(text, declared, max_length, subscript_runs, slash_products).syntax


def parse_alternative(
    text: str,
    declared: frozenset[str] = frozenset(),
    *,
    subscript_runs: bool = False,
    slash_products: bool = False,
) -> Alternative:
    """Parse ``text`` with the alternative options and say where they changed the reading.

    Parameters
    ----------
    text, declared:
        As for :func:`parse_syntax`.
    subscript_runs:
        ``vf`` is the name ``v_f`` (a two-letter run ending in i, f, o, x, y or z).
    slash_products:
        The implicit product right after ``/`` is the denominator: ``h/2π`` is h/(2π).

    Returns
    -------
    Alternative
        The tree and its :class:`Rereading` list (empty when the options changed nothing,
        in which case the tree equals the default parse).

    Raises
    ------
    ParseError
        As for :func:`parse_syntax`.
    """
    return _parse(text, declared, MAX_LENGTH, subscript_runs, slash_products)


def _parse(
    text: str, declared: frozenset[str], max_length: int, subscript_runs: bool, slash_products: bool
) -> Alternative:
    if not isinstance(text, str):
        raise ParseError(f"an equation must be text, not {type(text).__name__}", "", 0)
    if len(text) > max_length:
        raise ParseError(f"the text is {len(text):,} characters long; the limit is {max_length:,}", text[:80], 0)
    parser = _Parser(text, tokenize(text, declared, subscript_runs=subscript_runs), slash_products=slash_products)
    syntax = parser.run()
    _check_tree_depth(syntax)
    return Alternative(syntax, tuple(dict.fromkeys(parser.rereadings)))


class _Parser:
    """One parse of one token list; private, used only by :func:`parse_syntax` and :func:`parse_alternative`.

    ``slash_products`` makes the implicit product after ``/`` the denominator; ``rereadings``
    collects where that rule and the lexer's joined subscripts changed the reading.
    """

    def __init__(self, text: str, tokens: list[Token], *, slash_products: bool = False) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0
        self.depth = 0
        self.bars = 0
        self.slash_products = slash_products
        self.rereadings: list[Rereading] = []

    # -- token helpers -------------------------------------------------------------------
    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, text: str | None = None) -> bool:
        token = self.token
        return token.kind == kind and (text is None or token.text == text)

    def fail(self, expected: str, token: Token | None = None) -> ParseError:
        token = token or self.token
        return ParseError(f"expected {expected}, found {_describe(token)}", self.text, token.column)

    @contextmanager
    def nested(self) -> Iterator[None]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(f"the expression nests more than {MAX_DEPTH} levels deep", self.text, self.token.column)
        try:
            yield
        finally:
            self.depth -= 1

    # -- grammar -------------------------------------------------------------------------
    def run(self) -> Syntax:
        relations: list[Relation] = []
        expressions: list[Node] = []
        while not self.at("end"):
            if self.at("sep"):
                self.advance()
                continue
            lhs = self.sum()
            if self.at("eq"):
                equals = self.advance()
                if self.at("sep") or self.at("end"):
                    raise self.fail("an expression after '='")
                rhs = self.sum()
                if self.at("eq"):
                    raise ParseError(
                        "a second '=' in one equation; write one '=' per equation and separate equations with ';'",
                        self.text,
                        self.token.column,
                    )
                relations.append(Relation(lhs, rhs, equals.column))
            else:
                expressions.append(lhs)
            if not (self.at("sep") or self.at("end")):
                raise self.fail("an operator, '=' or the end of the equation")
        return Syntax(self.text, tuple(relations), tuple(expressions))

    def sum(self) -> Node:
        left = self.product()
        while self.at("op", "+") or self.at("op", "-"):
            operator = self.advance()
            right = self.product()
            if operator.text == "+":
                left = _nary("add", left, right, operator.column)
            else:
                left = Operation("sub", (left, right), operator.column)
        return left

    def product(self) -> Node:
        first = self.token
        left = self.signed()
        while True:
            token = self.token
            if token.kind == "op" and token.text in "*/":
                self.advance()
                right = self.signed()
                if token.text == "*":
                    left = _nary("mul", left, right, token.column)
                else:
                    if self.slash_products and self.implicit_operand_follows():
                        right = self.denominator(right, first, token)
                    left = Operation("div", (left, right), token.column)
            elif self.implicit_operand_follows():
                left = _nary("mul", left, self.implicit_factor(), token.column)
            else:
                return left

    def implicit_factor(self) -> Node:
        """The next factor of an implicit product (a number only as the base of a power)."""
        token = self.token
        if token.kind == "number" and not self.power_follows():
            raise self.fail("an operator before the number", token)
        return self.factor()

    def denominator(self, right: Node, first: Token, slash: Token) -> Node:
        """``slash_products``: the juxtaposed factors after ``/`` join its right operand."""
        while self.implicit_operand_follows():
            column = self.token.column
            right = _nary("mul", right, self.implicit_factor(), column)
        start, middle, end = first.column - 1, slash.column - 1, self.token.column - 1
        written = self.text[start:end].strip()
        read_as = f"{self.text[start:middle].strip()}/({self.text[middle + 1 : end].strip()})"
        self.rereadings.append(Rereading(written, read_as, "denominator"))
        return right

    def power_follows(self) -> bool:
        """Whether the token after the current one raises it to a power (``^`` or ``²``)."""
        following = self.tokens[self.index + 1]
        return following.kind == "sup" or (following.kind == "op" and following.text == "^")

    def implicit_operand_follows(self) -> bool:
        token = self.token
        if token.kind not in _OPERAND_STARTS:
            return False
        return not (token.kind == "bar" and self.bars > 0)

    def signed(self) -> Node:
        if self.at("op", "-") or self.at("op", "+"):
            operator = self.advance()
            with self.nested():
                operand = self.signed()
            return operand if operator.text == "+" else Operation("neg", (operand,), operator.column)
        return self.factor()

    def factor(self) -> Node:
        base = self.postfix()
        if self.at("op", "^"):
            caret = self.advance()
            with self.nested():
                exponent = self.signed()
            return Operation("pow", (base, exponent), caret.column)
        return base

    def postfix(self) -> Node:
        node = self.primary()
        while self.at("sup"):
            column = self.token.column
            node = Operation("pow", (node, self.superscript()), column)
        return node

    def superscript(self) -> Node:
        token = self.advance()
        text = token.text
        sign = text[:1] if text[:1] in "+-" else ""
        body = text[len(sign) :]
        node: Node
        if body.isdigit():
            node = Number(Fraction(int(body)), body, token.column)
        elif len(body) == 1 and body.isalpha():
            node = Symbol(body, token.column)
        else:
            raise ParseError(f"cannot read the superscript {text!r}", self.text, token.column)
        return Operation("neg", (node,), token.column) if sign == "-" else node

    def primary(self) -> Node:
        token = self.token
        kind = token.kind
        if kind == "number":
            self.advance()
            assert token.value is not None
            return Number(token.value, token.text, token.column)
        if kind == "name":
            self.advance()
            if token.joined:
                written = token.text.replace("_", "", 1)
                self.rereadings.append(Rereading(written, token.text, "subscript"))
            return Symbol(token.text, token.column)
        if kind == "open":
            return self.group()
        if kind == "bar":
            self.advance()
            self.bars += 1
            try:
                with self.nested():
                    inner = self.sum()
            finally:
                self.bars -= 1
            if not self.at("bar"):
                raise self.fail("'|' to close the absolute value opened at column " + str(token.column))
            self.advance()
            return Call("abs", (inner,), token.column)
        if kind == "function":
            return self.function()
        if kind == "frac":
            self.advance()
            with self.nested():
                numerator = self.primary()
                denominator = self.primary()
            return Operation("div", (numerator, denominator), token.column)
        if kind in ("sqrt", "cbrt"):
            self.advance()
            with self.nested():
                index: Node | None = Number(Fraction(3), "3", token.column) if kind == "cbrt" else None
                if kind == "sqrt" and token.text == "\\sqrt" and self.at("open", "["):
                    index = self.group()
                radicand = self.primary()
            if index is None:
                return Call("sqrt", (radicand,), token.column)
            return Call("root", (radicand, index), token.column)
        if kind == "sup":
            raise ParseError("a superscript must follow a number, a name or a bracket", self.text, token.column)
        raise self.fail("a number, a name or '('")

    def group(self) -> Node:
        opener = self.advance()
        with self.nested():
            if self.at("close"):
                raise self.fail("an expression inside the brackets")
            inner = self.sum()
        closer = _CLOSERS[opener.text]
        if not self.at("close", closer):
            raise self.fail(f"'{closer}' to close the '{opener.text}' at column {opener.column}")
        self.advance()
        return inner

    def function(self) -> Node:
        token = self.advance()
        name = token.text
        base = self.log_base() if self.at("base") else None
        power: Node | None = None
        if self.at("op", "^") or self.at("sup"):
            power = self.superscript() if self.at("sup") else self.function_power()
            if isinstance(power, Operation) and power.op == "neg":
                raise ParseError(
                    f"'{name}^-1' is ambiguous: write the inverse (e.g. asin(x)) or 1/{name}(x)",
                    self.text,
                    token.column,
                )
        with self.nested():
            if self.at("open", "(") or self.at("open", "{"):
                args = self.arguments()
            elif self.implicit_operand_follows() and not self.at("function"):
                args = [self.implicit_argument()]
            else:
                raise self.fail(f"the argument of '{name}'")
        call = _call(name, args, token, self.text)
        if base is not None:
            call = Operation("div", (call, Call("log", (base,), token.column)), token.column)
        return Operation("pow", (call, power), token.column) if power is not None else call

    def log_base(self) -> Node:
        """The base the lexer read after ``log``: a whole number or one name."""
        token = self.advance()
        if token.value is not None:
            return Number(token.value, token.text, token.column)
        return Symbol(token.text, token.column)

    def function_power(self) -> Node:
        self.advance()
        if self.at("op", "-"):
            minus = self.advance()
            return Operation("neg", (self.primary(),), minus.column)
        return self.primary()

    def arguments(self) -> list[Node]:
        opener = self.advance()
        closer = _CLOSERS[opener.text]
        args = [self.sum()]
        while self.at("comma"):
            self.advance()
            args.append(self.sum())
        if not self.at("close", closer):
            raise self.fail(f"',' or '{closer}' to close the '{opener.text}' at column {opener.column}")
        self.advance()
        return args

    def implicit_argument(self) -> Node:
        node = self.factor()
        while self.implicit_operand_follows() and not self.at("function") and not self.at("number"):
            column = self.token.column
            node = _nary("mul", node, self.factor(), column)
        return node


def _call(name: str, args: list[Node], token: Token, text: str) -> Node:
    if name == "cbrt":
        if len(args) != 1:
            raise ParseError(f"'cbrt' takes 1 argument, got {len(args)}", text, token.column)
        return Call("root", (args[0], Number(Fraction(3), "3", token.column)), token.column)
    arity = vocabulary.FUNCTIONS[name].arity
    if name == "root":
        arity = 2
    if len(args) != arity:
        plural = "argument" if arity == 1 else "arguments"
        raise ParseError(f"'{name}' takes {arity} {plural}, got {len(args)}", text, token.column)
    return Call(name, tuple(args), token.column)


def _nary(op: str, left: Node, right: Node, column: int) -> Node:
    """Join two operands of ``+`` or ``×`` into one flattened n-ary operation."""
    parts: list[Node] = []
    for operand in (left, right):
        if isinstance(operand, Operation) and operand.op == op:
            parts.extend(operand.args)
        else:
            parts.append(operand)
    column = left.column if isinstance(left, Operation) and left.op == op else column
    return Operation(op, tuple(parts), column)


def _describe(token: Token) -> str:
    if token.kind == "end":
        return "the end of the text"
    if token.kind == "sep":
        return "the end of the equation" if token.text == ";" else "the end of the line"
    return f"'{token.text}'"


def _check_tree_depth(syntax: Syntax) -> None:
    stack: list[tuple[Node, int]] = [(root, 1) for root in syntax.roots()]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            column = node.column
            raise ParseError(
                f"the expression nests more than {MAX_TREE_DEPTH} levels deep (long chains of '-' or '/' nest too)",
                syntax.text,
                column,
            )
        if isinstance(node, (Operation, Call)):
            stack.extend((child, depth + 1) for child in node.args)
