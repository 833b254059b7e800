"""Text → tokens: ASCII, Unicode and LaTeX spellings of the same equation.

The lexer owns every decision about characters: ``²`` and ``^{2}`` and ``**2``
all become a power, ``·``, ``×`` and ``\\cdot`` a product, ``φ``, ``\\phi`` and
``phi`` the same name, ``m₀``, ``m_0`` and ``m_{0}`` the same subscripted name.
Runs of letters are split into names here (see :mod:`phi_lab.equations.names`).
Anything it does not understand is a :class:`~phi_lab.errors.ParseError` with
the column, never skipped.

Subscripts and the canonical spelling of names
----------------------------------------------
A name may carry several subscripts, each joined to it by one ``_``: ``rho_c_0``,
``E_k_max``, ``v_x_0``.  A subscript is a run of letters and digits (``k_spring``), a
Greek letter (``_\\theta``, ``_θ``), ``\\text{…}``/``\\mathrm{…}`` (``v_\\text{esc}``), a run of
Unicode subscripts (``₀``), or a braced group (``_{k,max}``).  Inside braces, ``,`` and
``_`` separate parts, spaces and LaTeX font commands join them, and ``/`` may stand
between two whole numbers, spelled ``over``.  Every spelling has one canonical name,
parts joined by ``_``::

    rho_c_0  ρ_c_0  \\rho_c_0  rho_{c,0}  rho_{c_0}  ρ_c₀  → rho_c_0
    v_esc  v_{esc}  v_\\text{esc}  v_{\\mathrm{esc}}        → v_esc
    t_{1/2}  t_1over2                                 → t_1over2  (but t_1/2 is t_1 ÷ 2)

A subscript holds no arithmetic: ``x_{i+1}`` is refused.  A trailing ``_`` (``g_``,
``lambda_``, as the AI Feynman database writes them) makes a name of its own, distinct from
``g``, in the text and as a ``units`` key.  After ``log``
(or ``\\log``, ``ln``) the subscript is the base: ``log_10``/``log_2`` are the functions
``log10``/``log2``, any other base is a ``base`` token holding a whole number or one name
(``log_3``, ``log_{b}``, ``\\log_\\theta``).  :func:`read_name` reads a ``units`` key with
the same rules, never splitting it, so a key written any accepted way matches the text.

Joined subscripts (an alternative reading, off by default)
-----------------------------------------------------------
With ``subscript_runs=True`` a run of exactly two ASCII letters that would split into two
one-letter names, the second of which is a conventional subscript letter
(:data:`SUBSCRIPT_LETTERS`: i, f, o, x, y, z — initial, final, naught, components), is one
subscripted name instead: ``vf`` → ``v_f``, ``vi`` → ``v_i`` (not v·i with i the imaginary
unit).  ``at``, ``mc``, ``eV`` and every other run split as usual.  The auto mode's reading
search (:mod:`phi_lab.equations.readings`) tries it when the default reading fails its
dimension check; the default tokenization never does it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from phi_lab.equations import names as vocabulary
from phi_lab.errors import ParseError

__all__ = ["MAX_EXPONENT", "MAX_LITERAL_DIGITS", "SUBSCRIPT_LETTERS", "Token", "read_name", "tokenize"]

#: Literals may have at most this many digits …
MAX_LITERAL_DIGITS = 400
#: … and a decimal exponent (``1e300``) of at most this size.
MAX_EXPONENT = 4_000
#: Second letters that make a two-letter run one subscripted name under ``subscript_runs``.
SUBSCRIPT_LETTERS = frozenset("ifoxyz")


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical unit.

    ``kind`` is one of: ``number`` (``value`` set), ``name``, ``function``, ``op``
    (``+ - * / ^``), ``sup`` (a Unicode superscript, ``text`` in ASCII), ``open``,
    ``close`` (``text`` is ``(``/``)``, ``[``/``]`` or ``{``/``}``), ``bar`` (``|``),
    ``eq``, ``sep`` (``;`` or a newline), ``comma``, ``frac``, ``sqrt``, ``cbrt``, ``end``,
    and ``base``: the base of the ``log`` function just before it, a whole number
    (``value`` set) or one name (``text``).  ``joined`` marks a name made of a two-letter
    run under ``subscript_runs`` (``vf`` → ``v_f``).
    """

    kind: str
    text: str
    column: int
    value: Fraction | None = None
    joined: bool = False


_OPERATORS = {
    "+": "+", "-": "-", "*": "*", "/": "/", "^": "^",
    "·": "*", "⋅": "*", "∙": "*", "×": "*", "÷": "/", "∕": "/",
    "−": "-", "–": "-", "＋": "+",
}  # fmt: skip
_BRACKETS = {"(": "open", "[": "open", "{": "open", ")": "close", "]": "close", "}": "close"}
_SUPERSCRIPTS = {
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7",
    "⁸": "8", "⁹": "9", "⁺": "+", "⁻": "-", "ⁿ": "n", "ⁱ": "i", "ˣ": "x",
}  # fmt: skip
_SUBSCRIPTS = {
    "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7",
    "₈": "8", "₉": "9", "ₐ": "a", "ₑ": "e", "ₖ": "k", "ₙ": "n", "ₓ": "x", "ₘ": "m",
}  # fmt: skip
_VULGAR_FRACTIONS = {
    "½": Fraction(1, 2), "⅓": Fraction(1, 3), "⅔": Fraction(2, 3), "¼": Fraction(1, 4), "¾": Fraction(3, 4),
    "⅕": Fraction(1, 5), "⅖": Fraction(2, 5), "⅗": Fraction(3, 5), "⅘": Fraction(4, 5), "⅙": Fraction(1, 6),
    "⅚": Fraction(5, 6), "⅛": Fraction(1, 8), "⅜": Fraction(3, 8), "⅝": Fraction(5, 8), "⅞": Fraction(7, 8),
}  # fmt: skip
_SPACES = frozenset(" \t\r\u00a0\u2009\u200a\u2002\u2003\u202f\u205f\u3000")
_NOT_EQUALITIES = {
    "<": "'<'", ">": "'>'", "≤": "'≤'", "≥": "'≥'", "≠": "'≠'", "≈": "'≈'", "≡": "'≡'",
    "∝": "'∝'", "~": "'~'",
}  # fmt: skip
_UNSUPPORTED = {
    "∫": "integrals", "∑": "sums", "∏": "products", "∂": "partial derivatives",
    "∇": "vector calculus", "!": "factorials", "∞": "infinity", "±": "'±' (write the two equations separately)",
    "∓": "'∓' (write the two equations separately)", "'": "primes (derivatives)",
}  # fmt: skip

_LATEX_SKIP = frozenset(
    {",", ";", ":", "!", " ", "quad", "qquad", "left", "right", "big", "Big", "bigg", "Bigg",
     "bigl", "bigr", "Bigl", "Bigr", "displaystyle", "limits"}
)  # fmt: skip
_LATEX_OPERATORS = {"cdot": "*", "times": "*", "ast": "*", "div": "/"}
_LATEX_NAMES = {"hbar": "hbar", "pi": "pi", "varphi": "phi", "varepsilon": "epsilon", "vartheta": "theta"}
_LATEX_WORDS = frozenset({"mathrm", "text", "operatorname", "mathit", "mathbf", "textrm"})
_LATEX_UNSUPPORTED = {
    "neq": "'≠'", "ne": "'≠'", "leq": "'≤'", "le": "'≤'", "geq": "'≥'", "ge": "'≥'",
    "approx": "'≈'", "equiv": "'≡'", "lt": "'<'", "gt": "'>'", "propto": "'∝'", "sim": "'~'",
}  # fmt: skip
_LATEX_FEATURES = {
    "int": "integrals", "iint": "integrals", "oint": "integrals", "sum": "sums", "prod": "products",
    "partial": "partial derivatives", "nabla": "vector calculus", "infty": "infinity",
    "pm": "'±' (write the two equations separately)", "mp": "'∓' (write the two equations separately)",
    "lim": "limits", "vec": "vectors", "hat": "operators with hats", "dot": "time derivatives",
}  # fmt: skip
_LATEX_SPACES = frozenset({",", ";", ":", "!", " ", "quad", "qquad"})
_SUBSCRIPT_ARITHMETIC = frozenset("+-*/^=()[]|") | frozenset(_OPERATORS)
_DANGLING = "a subscript '_' must be followed by letters, digits or Greek letters"
_UNDECLARED = f"{_DANGLING}; only a name may end in '_' (such as g_), not a function"


@dataclass(frozen=True, slots=True)
class _Subscript:
    """The subscripts after a name.

    ``text`` is what they add to the name (``""``, ``"_0"``, ``"_c_0"``, ``"_"``),
    ``position`` where they begin, ``dangling`` where a trailing ``_`` stands, if any.
    """

    text: str = ""
    position: int = 0
    dangling: int | None = None


def tokenize(text: str, declared: frozenset[str] = frozenset(), *, subscript_runs: bool = False) -> list[Token]:
    """Split ``text`` into tokens, ending with an ``end`` token.

    Parameters
    ----------
    text:
        The equation as typed.
    declared:
        Canonical names declared by the caller; they are kept whole when letter runs are
        split, and a name ending in ``_`` must be one of them.
    subscript_runs:
        Read a two-letter run ending in a letter of :data:`SUBSCRIPT_LETTERS` as one
        subscripted name (``vf`` → ``v_f``); off by default (see the module docstring).

    Raises
    ------
    ParseError
        For a character or LaTeX command that is not part of the equation language.
    """
    return _Lexer(text, declared, subscript_runs=subscript_runs).run()


def read_name(text: str) -> str:
    """Read ``text`` as exactly one name and return its canonical spelling (a ``units`` key).

    The name is never split and is never a function: ``m₀`` → ``m_0``, ``\\rho_{c,0}`` →
    ``rho_c_0``, ``q1`` → ``q_1``, ``Int_0``, ``g_`` and ``sin`` stay as they are.

    Raises
    ------
    ParseError
        If ``text`` is anything but one name.
    """
    tokens = _Lexer(text, frozenset(), whole=True).run()
    first = tokens[0]
    if first.kind != "name":
        raise ParseError(f"expected a name, found {first.text or 'nothing'!r}", text, first.column)
    if len(tokens) > 2:
        raise ParseError(f"expected one name, found more after {first.text!r}", text, tokens[1].column)
    return first.text


class _Lexer:
    """One pass over one text; private, used by :func:`tokenize` and :func:`read_name`.

    ``whole`` reads every run of letters as one name (a ``units`` key); ``base`` marks
    the lexer reading a logarithm's base, which cannot have a base of its own;
    ``subscript_runs`` joins two-letter runs such as ``vf`` into one name.
    """

    def __init__(
        self,
        text: str,
        declared: frozenset[str],
        *,
        whole: bool = False,
        base: bool = False,
        subscript_runs: bool = False,
    ) -> None:
        self.text = text
        self.declared = declared
        self.whole = whole
        self.base = base
        self.subscript_runs = subscript_runs
        self.position = 0
        self.tokens: list[Token] = []

    def fail(self, message: str, position: int | None = None) -> ParseError:
        column = (self.position if position is None else position) + 1
        return ParseError(message, self.text, column)

    def run(self) -> list[Token]:
        text = self.text
        while self.position < len(text):
            char = text[self.position]
            if char in _SPACES:
                self.position += 1
            elif char == "\n":
                self.emit("sep", "\n", 1)
            elif (char.isdigit() and char.isascii()) or (char == "." and self.peek_digit(1)):
                self.number()
            elif char.isascii() and char.isalpha():
                self.word()
            elif char == "\\":
                self.latex()
            else:
                self.symbol(char)
        self.tokens.append(Token("end", "", len(text) + 1))
        return self.tokens

    def peek_digit(self, offset: int) -> bool:
        index = self.position + offset
        return index < len(self.text) and self.text[index].isascii() and self.text[index].isdigit()

    def emit(self, kind: str, text: str, width: int, value: Fraction | None = None) -> None:
        self.tokens.append(Token(kind, text, self.position + 1, value))
        self.position += width

    def symbol(self, char: str) -> None:
        text = self.text
        if char == "*" and text.startswith("**", self.position):
            self.emit("op", "^", 2)
        elif char == "=":
            self.emit("eq", "=", 2 if text.startswith("==", self.position) else 1)
        elif char in _OPERATORS:
            self.emit("op", _OPERATORS[char], 1)
        elif char in _BRACKETS:
            self.emit(_BRACKETS[char], char, 1)
        elif char == "|":
            self.emit("bar", "|", 1)
        elif char == ";":
            self.emit("sep", ";", 1)
        elif char == ",":
            self.emit("comma", ",", 1)
        elif char == "_":
            raise self.fail("a subscript '_' must follow a name")
        elif char == "√":
            self.emit("sqrt", "√", 1)
        elif char == "∛":
            self.emit("cbrt", "∛", 1)
        elif char in _SUPERSCRIPTS:
            self.superscript()
        elif char in _VULGAR_FRACTIONS:
            self.emit("number", char, 1, _VULGAR_FRACTIONS[char])
        elif char in _SUBSCRIPTS:
            raise self.fail(f"the subscript {char!r} must follow a name")
        elif char in vocabulary.UNICODE_NAMES:
            start = self.position
            self.position += 1
            self.named(vocabulary.UNICODE_NAMES[char], start)
        elif char in _NOT_EQUALITIES:
            raise self.fail(f"{_NOT_EQUALITIES[char]} is not '='; only equations can be validated")
        elif char in _UNSUPPORTED:
            raise self.fail(f"{_UNSUPPORTED[char]} are not supported")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise self.fail(f"control or invisible character U+{ord(char):04X} is not allowed")
        else:
            raise self.fail(f"unexpected character {char!r} (U+{ord(char):04X})")

    def number(self) -> None:
        text, start = self.text, self.position
        end = start
        while end < len(text) and text[end].isascii() and text[end].isdigit():
            end += 1
        whole = text[start:end]
        fraction = ""
        if end < len(text) and text[end] == ".":
            end += 1
            digits_start = end
            while end < len(text) and text[end].isascii() and text[end].isdigit():
                end += 1
            fraction = text[digits_start:end]
        exponent = 0
        if end + 1 < len(text) and text[end] in "eE":
            cursor = end + 1
            if text[cursor] in "+-":
                cursor += 1
            digits_start = cursor
            while cursor < len(text) and text[cursor].isascii() and text[cursor].isdigit():
                cursor += 1
            if cursor > digits_start:
                if cursor - digits_start > 4 or abs(int(text[end + 1 : cursor])) > MAX_EXPONENT:
                    raise self.fail(f"the exponent of {text[start:cursor]!r} is beyond ±{MAX_EXPONENT}")
                exponent = int(text[end + 1 : cursor])
                end = cursor
        if len(whole) + len(fraction) > MAX_LITERAL_DIGITS:
            raise self.fail(f"a number with more than {MAX_LITERAL_DIGITS} digits is not accepted")
        mantissa = int(whole + fraction or "0")
        value = Fraction(mantissa, 10 ** len(fraction)) * Fraction(10) ** exponent
        self.emit("number", text[start:end], end - start, value)

    def word(self) -> None:
        text, start = self.text, self.position
        end = start
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        while end < len(text) and text[end].isascii() and text[end].isdigit():
            end += 1
        self.position = end
        self.letters(text[start:end], start)

    def letters(self, word: str, start: int) -> None:
        """Split a run of letters into names/functions and emit them, attaching any subscript."""
        subscript = self.subscript(log=vocabulary.canonical_function(word) == "log")
        whole = vocabulary.whole_name(word) + subscript.text
        if self.whole or (subscript.text and {whole, word + subscript.text} & self.declared):
            self.tokens.append(Token("name", whole, start + 1))
            return
        pieces = vocabulary.split_word(word, self.declared)
        if self.subscript_runs and not subscript.text and _joinable(pieces):
            self.tokens.append(Token("name", f"{pieces[0][1]}_{pieces[1][1]}", start + 1, joined=True))
            return
        for index, (offset, piece) in enumerate(pieces):
            last = index == len(pieces) - 1
            function = vocabulary.canonical_function(piece) if piece not in self.declared else None
            column = start + offset + 1
            if function is not None and not (piece in vocabulary.CALL_ONLY_FUNCTIONS and not self.call_follows()):
                if last and subscript.text:
                    self.function_base(function, subscript, start + offset)
                else:
                    self.tokens.append(Token("function", function, column))
                continue
            name = vocabulary.canonical_name(piece)
            if last:
                name = self.subscripted(name, subscript)
            self.tokens.append(Token("name", name, column))

    def named(self, name: str, start: int) -> None:
        """Emit a name given by a Unicode letter or a LaTeX command, with any subscript."""
        self.tokens.append(Token("name", self.subscripted(name, self.subscript()), start + 1))

    def subscripted(self, name: str, subscript: _Subscript) -> str:
        """``name`` with its subscripts (a trailing ``_`` included: ``g_`` is a name of its own)."""
        return name + subscript.text

    def call_follows(self) -> bool:
        index = self.position
        while index < len(self.text) and self.text[index] in _SPACES:
            index += 1
        return index < len(self.text) and self.text[index] == "("

    def function_base(self, function: str, subscript: _Subscript, position: int) -> None:
        """Emit a function written with a subscript: only a logarithm takes one, its base."""
        if subscript.dangling is not None:
            raise self.fail(_UNDECLARED, subscript.dangling)
        if function != "log":
            raise self.fail(f"the function '{function}' cannot take the subscript '{subscript.text}'", position)
        base = subscript.text[1:]
        if base in ("10", "2"):
            self.tokens.append(Token("function", f"log{base}", position + 1))
            return
        self.tokens.append(Token("function", "log", position + 1))
        self.tokens.append(self.log_base(base, subscript.position))

    def log_base(self, base: str, position: int) -> Token:
        """The base of a logarithm, read like any text: a whole number or exactly one name."""
        refusal = self.fail(
            f"the base of a logarithm must be a whole number or one name, not {_shortened(base)!r}; "
            "write log(x)/log(b) for any other base",
            position,
        )
        if self.base:
            raise refusal
        try:
            tokens = _Lexer(base, self.declared, base=True).run()
        except ParseError as exc:
            raise refusal from exc
        first = tokens[0]
        if len(tokens) != 2 or first.kind not in ("number", "name"):
            raise refusal
        if first.value is not None and first.value.denominator != 1:
            raise refusal
        return Token("base", first.text, position + 1, first.value)

    def subscript(self, *, log: bool = False) -> _Subscript:
        """Read the subscripts after a name: ``_0``, ``_c_0``, ``_{k,max}``, ``_\\theta``, ``₀``, a trailing ``_``.

        ``log`` says they follow ``log``, where they are a base; it only words the errors.
        """
        text, start = self.text, self.position
        suffix = ""
        while self.position < len(text):
            char = text[self.position]
            if char in _SUBSCRIPTS:
                run = self.position
                while self.position < len(text) and text[self.position] in _SUBSCRIPTS:
                    self.position += 1
                suffix += "_" + "".join(_SUBSCRIPTS[each] for each in text[run : self.position])
            elif char == "_":
                underscore = self.position
                self.position += 1
                parts = self.subscript_parts(underscore, log)
                if not parts:
                    return _Subscript(suffix + "_", start, underscore)
                suffix += "".join(f"_{part}" for part in parts)
            else:
                break
        return _Subscript(suffix, start)

    def subscript_parts(self, underscore: int, log: bool) -> list[str]:
        """Read what follows one ``_``: its parts, or ``[]`` when nothing does (a trailing ``_``)."""
        text, index = self.text, self.position
        char = text[index] if index < len(text) else ""
        if char == "_":
            raise self.fail(_DANGLING, underscore)
        if char == "{":
            return self.braced_parts(underscore, log)
        if char == "\\":
            return self.command_part(underscore, log)
        if char in vocabulary.UNICODE_NAMES:
            self.position += 1
            return [vocabulary.UNICODE_NAMES[char]]
        end = _alphanumeric_end(text, index)
        self.position = end
        return [vocabulary.canonical_name(text[index:end])] if end > index else []

    def command_part(self, underscore: int, log: bool) -> list[str]:
        """``_\\theta``, ``_\\theta1``, ``_\\text{esc}``; after any other command the ``_`` is trailing."""
        backslash = self.position
        command = self.command_name()
        if command in _LATEX_WORDS:
            if not self.text.startswith("{", self.position):
                raise self.fail(f"'\\{command}' must be followed by '{{'", backslash)
            return self.braced_parts(underscore, log)
        if command in _LATEX_NAMES or command in vocabulary.GREEK:
            digits = self.position
            while self.peek_digit(0):
                self.position += 1
            name = vocabulary.canonical_name(_LATEX_NAMES.get(command, command))
            return [name + self.text[digits : self.position]]
        self.position = backslash
        return []

    def braced_parts(self, underscore: int, log: bool) -> list[str]:
        """``_{k,max}``, ``_{c_0}``, ``_{\\text{esc}}``, ``_{1/2}``: parts split at ``,`` and ``_``."""
        text = self.text
        close = _matching_brace(text, self.position)
        if close < 0:
            raise self.fail("'_{' without its closing '}'", underscore)
        parts: list[str] = []
        current = ""
        self.position += 1
        while self.position < close:
            char, index = text[self.position], self.position
            if char in "{}" or char in _SPACES:
                self.position += 1
            elif char in ",_":
                if not current:
                    raise self.fail("an empty part in a subscript", index)
                parts.append(current)
                current = ""
                self.position += 1
            elif char == "\\":
                current += self.braced_command(log)
            elif char in vocabulary.UNICODE_NAMES:
                current += vocabulary.UNICODE_NAMES[char]
                self.position += 1
            elif char == "/" and not log:
                current += self.subscript_fraction(current)
            elif char in _SUBSCRIPT_ARITHMETIC:
                raise self.fail(_arithmetic(char, log), index)
            elif char.isascii() and char.isalnum():
                self.position = _alphanumeric_end(text, index)
                current += vocabulary.canonical_name(text[index : self.position])
            else:
                raise self.fail(f"unexpected character {char!r} in a subscript", index)
        if not current and parts:
            raise self.fail("an empty part in a subscript", close)
        if current:
            parts.append(current)
        if not parts:
            raise self.fail(_DANGLING, underscore)
        self.position = close + 1
        return parts

    def braced_command(self, log: bool) -> str:
        """A LaTeX command inside ``_{…}``: a Greek letter, or a font/space command (nothing)."""
        backslash = self.position
        command = self.command_name()
        if command in _LATEX_WORDS or command in _LATEX_SPACES:
            return ""
        if command in _LATEX_NAMES or command in vocabulary.GREEK:
            return vocabulary.canonical_name(_LATEX_NAMES.get(command, command))
        if command in _LATEX_OPERATORS:
            raise self.fail(_arithmetic(f"\\{command}", log), backslash)
        raise self.fail(f"unknown LaTeX command '\\{command}' in a subscript", backslash)

    def subscript_fraction(self, numerator: str) -> str:
        """``/`` between two whole numbers in ``_{…}``: ``_{1/2}`` is spelled ``1over2``."""
        slash = self.position
        index = slash + 1
        while index < len(self.text) and self.text[index] in _SPACES:
            index += 1
        self.position = index
        while self.peek_digit(0):
            self.position += 1
        if not numerator.isdigit() or self.position == index:
            raise self.fail("'/' in a subscript must stand between two whole numbers, as in t_{1/2}", slash)
        return f"over{self.text[index : self.position]}"

    def command_name(self) -> str:
        """Read a LaTeX command after its backslash; return its name (letters, or one symbol)."""
        text = self.text
        start = self.position + 1
        end = start
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        if end == start:
            end = min(start + 1, len(text))
        self.position = end
        return text[start:end]

    def latex(self) -> None:
        start = self.position
        command = self.command_name()
        if not command:
            raise self.fail("a lone backslash at the end of the text", start)
        if command in _LATEX_SKIP:
            if command in ("left", "right") and self.text.startswith(".", self.position):
                self.position += 1
        elif command in ("{", "}"):
            self.tokens.append(Token(_BRACKETS[command], command, start + 1))
        elif command in _LATEX_OPERATORS:
            self.tokens.append(Token("op", _LATEX_OPERATORS[command], start + 1))
        elif command in ("frac", "dfrac", "tfrac"):
            self.tokens.append(Token("frac", "\\frac", start + 1))
            self.split_frac_digits()
        elif command == "sqrt":
            self.tokens.append(Token("sqrt", "\\sqrt", start + 1))
        elif command in _LATEX_NAMES or command in vocabulary.GREEK:
            self.named(_LATEX_NAMES.get(command, command), start)
        elif command in _LATEX_WORDS:
            self.braced_word(command, start)
        elif vocabulary.canonical_function(command) is not None:
            self.letters(command, start)
        elif command in _LATEX_UNSUPPORTED:
            raise self.fail(f"{_LATEX_UNSUPPORTED[command]} is not '='; only equations can be validated", start)
        elif command in _LATEX_FEATURES:
            raise self.fail(f"{_LATEX_FEATURES[command]} are not supported", start)
        else:
            raise self.fail(f"unknown LaTeX command '\\{command}'", start)

    def split_frac_digits(self) -> None:
        """``\\frac12`` means ``\\frac{1}{2}``: two single-digit arguments without braces."""
        text = self.text
        index = self.position
        while index < len(text) and text[index] in _SPACES:
            index += 1
        if index + 1 < len(text) and text[index].isdigit() and text[index + 1].isdigit():
            for offset in (0, 1):
                digit = text[index + offset]
                self.tokens.append(Token("number", digit, index + offset + 1, Fraction(int(digit))))
            self.position = index + 2

    def braced_word(self, command: str, start: int) -> None:
        """``\\mathrm{e}``, ``\\text{speed}``: the braced word is read as letters."""
        text = self.text
        if not text.startswith("{", self.position):
            raise self.fail(f"'\\{command}' must be followed by '{{'", start)
        close = text.find("}", self.position)
        word = text[self.position + 1 : close] if close > 0 else ""
        if not word or not (word.isascii() and word.isalnum()) or not word[0].isalpha():
            raise self.fail(f"'\\{command}{{…}}' must hold a plain word of letters and digits", start)
        self.position = close + 1
        self.letters(word, start)

    def superscript(self) -> None:
        text, start = self.text, self.position
        while self.position < len(text) and text[self.position] in _SUPERSCRIPTS:
            self.position += 1
        ascii_text = "".join(_SUPERSCRIPTS[char] for char in text[start : self.position])
        self.tokens.append(Token("sup", ascii_text, start + 1))


def _joinable(pieces: list[tuple[int, str]]) -> bool:
    """Whether a split run is two one-letter names, the second a conventional subscript letter."""
    return (
        len(pieces) == 2
        and all(len(piece) == 1 and piece.isascii() and piece.isalpha() for _, piece in pieces)
        and pieces[1][1] in SUBSCRIPT_LETTERS
    )


def _alphanumeric_end(text: str, index: int) -> int:
    """Where the run of ASCII letters and digits starting at ``index`` ends."""
    while index < len(text) and text[index].isascii() and text[index].isalnum():
        index += 1
    return index


def _matching_brace(text: str, opening: int) -> int:
    """The index of the ``}`` closing the ``{`` at ``opening``, or -1."""
    depth = 0
    for index in range(opening, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return -1


def _shortened(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _arithmetic(operator: str, log: bool) -> str:
    if log:
        return (
            f"'{operator}' in the base of a logarithm: the base is a whole number or one name "
            "(write log(x)/log(b) for any other base)"
        )
    return f"'{operator}' in a subscript: a subscript is part of a name and holds no arithmetic"
