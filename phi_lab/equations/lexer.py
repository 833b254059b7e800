"""Text → tokens: ASCII, Unicode and LaTeX spellings of the same equation.

The lexer owns every decision about characters: ``²`` and ``^{2}`` and ``**2``
all become a power, ``·``, ``×`` and ``\\cdot`` a product, ``φ``, ``\\phi`` and
``phi`` the same name, ``m₀``, ``m_0`` and ``m_{0}`` the same subscripted name.
Runs of letters are split into names here (see :mod:`phi_lab.equations.names`).
Anything it does not understand is a :class:`~phi_lab.errors.ParseError` with
the column, never skipped.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from phi_lab.equations import names as vocabulary
from phi_lab.errors import ParseError

__all__ = ["MAX_EXPONENT", "MAX_LITERAL_DIGITS", "Token", "tokenize"]

#: Literals may have at most this many digits …
MAX_LITERAL_DIGITS = 400
#: … and a decimal exponent (``1e300``) of at most this size.
MAX_EXPONENT = 400


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical unit.

    ``kind`` is one of: ``number`` (``value`` set), ``name``, ``function``, ``op``
    (``+ - * / ^``), ``sup`` (a Unicode superscript, ``text`` in ASCII), ``open``,
    ``close`` (``text`` is ``(``/``)``, ``[``/``]`` or ``{``/``}``), ``bar`` (``|``),
    ``eq``, ``sep`` (``;`` or a newline), ``comma``, ``frac``, ``sqrt``, ``cbrt``, ``end``.
    """

    kind: str
    text: str
    column: int
    value: Fraction | None = None


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


def tokenize(text: str, declared: frozenset[str] = frozenset()) -> list[Token]:
    """Split ``text`` into tokens, ending with an ``end`` token.

    Parameters
    ----------
    text:
        The equation as typed.
    declared:
        Names declared by the caller; they are kept whole when letter runs are split.

    Raises
    ------
    ParseError
        For a character or LaTeX command that is not part of the equation language.
    """
    return _Lexer(text, declared).run()


class _Lexer:
    """One pass over one text; private, used only by :func:`tokenize`."""

    def __init__(self, text: str, declared: frozenset[str]) -> None:
        self.text = text
        self.declared = declared
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
        subscript = self.subscript()
        if subscript and f"{word}_{subscript}" in self.declared:
            self.tokens.append(Token("name", f"{word}_{subscript}", start + 1))
            return
        pieces = vocabulary.split_word(word, self.declared)
        for index, (offset, piece) in enumerate(pieces):
            last = index == len(pieces) - 1
            function = vocabulary.canonical_function(piece) if piece not in self.declared else None
            column = start + offset + 1
            if function is not None and not (piece in vocabulary.CALL_ONLY_FUNCTIONS and not self.call_follows()):
                if last and subscript:
                    function = self.function_base(function, subscript, start + offset)
                self.tokens.append(Token("function", function, column))
                continue
            name = vocabulary.canonical_name(piece)
            if last and subscript:
                name = f"{name}_{subscript}"
            self.tokens.append(Token("name", name, column))

    def named(self, name: str, start: int) -> None:
        """Emit a name given by a Unicode letter or a LaTeX command, with any subscript."""
        subscript = self.subscript()
        self.tokens.append(Token("name", f"{name}_{subscript}" if subscript else name, start + 1))

    def call_follows(self) -> bool:
        index = self.position
        while index < len(self.text) and self.text[index] in _SPACES:
            index += 1
        return index < len(self.text) and self.text[index] == "("

    def function_base(self, function: str, subscript: str, position: int) -> str:
        if function == "log" and subscript in ("10", "2"):
            return f"log{subscript}"
        raise self.fail(f"the function '{function}' cannot take the subscript '_{subscript}'", position)

    def subscript(self) -> str:
        """Read a subscript after a name (``_0``, ``_{k}``, ``_\\theta``, ``₀``); return it or ''."""
        text = self.text
        if self.position < len(text) and text[self.position] in _SUBSCRIPTS:
            start = self.position
            while self.position < len(text) and text[self.position] in _SUBSCRIPTS:
                self.position += 1
            return "".join(_SUBSCRIPTS[char] for char in text[start : self.position])
        if not text.startswith("_", self.position):
            return ""
        underscore = self.position
        self.position += 1
        if text.startswith("{", self.position):
            depth, close = 0, self.position
            while close < len(text):
                depth += {"{": 1, "}": -1}.get(text[close], 0)
                if depth == 0:
                    break
                close += 1
            if depth:
                raise self.fail("'_{' without its closing '}'", underscore)
            inner = text[self.position + 1 : close]
            self.position = close + 1
        else:
            end = self.position
            if text.startswith("\\", end):
                end += 1
            while end < len(text) and text[end].isascii() and text[end].isalnum():
                end += 1
            inner = text[self.position : end]
            self.position = end
        subscript = _subscript_text(inner)
        if subscript is None:
            raise self.fail("a subscript '_' must be followed by letters, digits or Greek letters", underscore)
        return subscript

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


def _subscript_text(inner: str) -> str | None:
    """Flatten a subscript's source (``k``, ``0``, ``\\text{max}``, ``\\theta 1``) to a name suffix."""
    parts: list[str] = []
    for piece in inner.replace("{", " ").replace("}", " ").replace(",", " ").replace("\\", " \\").split():
        if piece.startswith("\\"):
            command = piece[1:].rstrip("0123456789")
            digits = piece[1 + len(command) :]
            if command in _LATEX_WORDS:
                continue
            if command not in vocabulary.GREEK:
                return None
            parts.append(vocabulary.canonical_name(command) + digits)
        elif piece.isascii() and piece.isalnum():
            parts.append(piece)
        else:
            return None
    return "".join(parts) or None
