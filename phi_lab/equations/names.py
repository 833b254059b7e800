"""The vocabulary of the parser: functions, named constants, Greek letters, and name splitting.

How a run of letters becomes names
----------------------------------
A run such as ``mc`` or ``phi`` is resolved in this order (see :func:`split_word`):

1. a name declared in ``units`` stays whole (``units={"speed": "m/s"}`` keeps ``speed``);
2. a known word stays whole: a function (``sin``, ``sqrt``, ``arcsin``), a named
   constant (``phi``, ``pi``, ``hbar``) or a Greek letter (``theta``, ``lambda``);
3. a letter or known word followed by digits is one subscripted name: ``q1``, ``q_1``
   and ``q₁`` are the same name ``q_1`` (likewise ``theta1`` is ``theta_1``);
4. anything else splits, left to right, taking the longest known word at each
   position and otherwise a single letter: ``mc`` → m·c, ``ma`` → m·a,
   ``sinx`` → sin x, ``mphi`` → m·phi.

A subscript (``m_0``, ``E_k``, ``k_spring``, ``E_{k}``, ``m₀``, ``rho_c_0``) always belongs
to the name before it and keeps that name whole; the lexer spells it canonically (see
:mod:`phi_lab.equations.lexer`).  Every canonical name is an identifier: a letter, then
letters, digits and ``_`` (``rho_c_0``, ``t_1over2``, ``g_``).

Named constants
---------------
Always (unless the name is declared in ``units``): ``phi``/φ the golden ratio,
``pi``/π, ``e`` Euler's number, ``i`` the imaginary unit.
In ``auto`` and ``physics`` modes also the physical constants of :data:`PHYSICAL_CONSTANTS`
(``c``, ``G``, ``h``, ``hbar``/ħ, ``k_B``, ``N_A``, ``epsilon_0``, ``mu_0``, and ``e_charge``, the
elementary charge: what ``e`` means when the auto mode reads it as a charge, see
:mod:`phi_lab.equations.readings`).
Every other name, including ``E``, ``I``, ``N``, ``S``, ``Q``, ``O``, ``gamma``,
``beta`` and ``lambda``, is an ordinary variable; ``gamma(x)`` and ``beta(x, y)`` are
the Gamma and Beta functions only when written as a call with parentheses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "BRANCHED_FUNCTIONS",
    "CALL_ONLY_FUNCTIONS",
    "FUNCTIONS",
    "GREEK",
    "MATH_CONSTANTS",
    "MEASURED_UNCERTAINTY",
    "PHYSICAL_CONSTANTS",
    "Constant",
    "Function",
    "canonical_function",
    "canonical_name",
    "default_constants",
    "list_names",
    "split_word",
    "whole_name",
]


@dataclass(frozen=True, slots=True)
class Function:
    """A function the parser knows: canonical name, number of arguments, LaTeX form."""

    name: str
    arity: int
    latex: str


@dataclass(frozen=True, slots=True)
class Constant:
    """A named constant: its value as a decimal string (or mpmath expression name) and unit."""

    name: str
    value: str
    unit: str
    description: str


_FUNCTION_LIST = [
    Function("sqrt", 1, r"\sqrt"),
    Function("root", 2, r"\sqrt"),
    Function("exp", 1, r"\exp"),
    Function("log", 1, r"\ln"),
    Function("log10", 1, r"\log_{10}"),
    Function("log2", 1, r"\log_{2}"),
    Function("sin", 1, r"\sin"),
    Function("cos", 1, r"\cos"),
    Function("tan", 1, r"\tan"),
    Function("cot", 1, r"\cot"),
    Function("sec", 1, r"\sec"),
    Function("csc", 1, r"\csc"),
    Function("asin", 1, r"\arcsin"),
    Function("acos", 1, r"\arccos"),
    Function("atan", 1, r"\arctan"),
    Function("sinh", 1, r"\sinh"),
    Function("cosh", 1, r"\cosh"),
    Function("tanh", 1, r"\tanh"),
    Function("asinh", 1, r"\operatorname{arsinh}"),
    Function("acosh", 1, r"\operatorname{arcosh}"),
    Function("atanh", 1, r"\operatorname{artanh}"),
    Function("abs", 1, r"\left|"),
    Function("gamma", 1, r"\Gamma"),
    Function("beta", 2, r"\operatorname{B}"),
]

#: Canonical functions by name.
FUNCTIONS: dict[str, Function] = {function.name: function for function in _FUNCTION_LIST}

_FUNCTION_ALIASES = {
    "ln": "log",
    "lg": "log10",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "arsinh": "asinh",
    "arcsinh": "asinh",
    "arcosh": "acosh",
    "arccosh": "acosh",
    "artanh": "atanh",
    "arctanh": "atanh",
    "cbrt": "cbrt",
}

#: Functions with a branch cut along an axis: the sign of a zero imaginary part picks the branch,
#: so every arithmetic normalises their argument's −0.0 imaginary parts to +0.0 first.
BRANCHED_FUNCTIONS = frozenset({"sqrt", "log", "log10", "log2", "asin", "acos", "atan", "asinh", "acosh", "atanh"})

#: Functions that are functions only when a ``(`` follows; otherwise ordinary names.
CALL_ONLY_FUNCTIONS = frozenset({"gamma", "beta"})

#: Greek letters spelled out, and the Unicode letters that mean them.
GREEK: dict[str, str] = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
    "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "varphi": "ϕ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip

#: Unicode letter → canonical ASCII name.  ``varphi``/ϕ and ``varepsilon`` read as phi/epsilon.
UNICODE_NAMES: dict[str, str] = {letter: name for name, letter in GREEK.items() if not name.startswith("var")}
UNICODE_NAMES.update({"π": "pi", "ϕ": "phi", "ϑ": "theta", "ϵ": "epsilon", "ħ": "hbar", "ℏ": "hbar", "µ": "mu"})
_CANONICAL_WORDS = {"varphi": "phi", "varepsilon": "epsilon", "vartheta": "theta"}

#: Mathematical constants, named in every mode.
MATH_CONSTANTS: dict[str, Constant] = {
    "phi": Constant("phi", "phi", "dimensionless", "the golden ratio (1 + √5)/2"),
    "pi": Constant("pi", "pi", "dimensionless", "π, the ratio of a circle's circumference to its diameter"),
    "e": Constant("e", "e", "dimensionless", "Euler's number, the base of the natural logarithm"),
    "i": Constant("i", "j", "dimensionless", "the imaginary unit, i² = −1"),
}

#: Physical constants (CODATA 2018; exact where the SI 2019 fixes them), named in ``auto`` and
#: ``physics`` modes only.
PHYSICAL_CONSTANTS: dict[str, Constant] = {
    "c": Constant("c", "299792458", "m/s", "the speed of light in vacuum (exact)"),
    "G": Constant("G", "6.67430e-11", "m^3/(kg*s^2)", "the Newtonian constant of gravitation"),
    "h": Constant("h", "6.62607015e-34", "J*s", "the Planck constant (exact)"),
    "hbar": Constant("hbar", "6.62607015e-34/(2*pi)", "J*s", "the reduced Planck constant h/2π"),
    "k_B": Constant("k_B", "1.380649e-23", "J/K", "the Boltzmann constant (exact)"),
    "N_A": Constant("N_A", "6.02214076e23", "1/mol", "the Avogadro constant (exact)"),
    "epsilon_0": Constant("epsilon_0", "8.8541878128e-12", "F/m", "the vacuum permittivity"),
    "mu_0": Constant("mu_0", "1.25663706212e-6", "N/A^2", "the vacuum permeability"),
    "e_charge": Constant("e_charge", "1.602176634e-19", "C", "the elementary charge (exact)"),
}

#: Relative standard uncertainty of the measured physical constants (CODATA 2018); the others
#: are exact in the SI.  Comparisons that use them allow 3 combined standard uncertainties.
MEASURED_UNCERTAINTY: dict[str, str] = {"G": "2.2e-5", "epsilon_0": "1.5e-10", "mu_0": "1.5e-10"}

_KNOWN_WORDS = frozenset(FUNCTIONS) | frozenset(_FUNCTION_ALIASES) | frozenset(GREEK) | {"hbar", "pi"}
_LONGEST_WORD = max(len(word) for word in _KNOWN_WORDS)


def canonical_function(word: str) -> str | None:
    """Return the canonical function name for ``word`` (``arcsin`` → ``asin``), or ``None``."""
    word = _FUNCTION_ALIASES.get(word, word)
    return word if word in FUNCTIONS or word == "cbrt" else None


def canonical_name(word: str) -> str:
    """Return the canonical spelling of a name (``varphi`` → ``phi``, ``varphi_1`` → ``phi_1``)."""
    head, underscore, rest = word.partition("_")
    return _CANONICAL_WORDS.get(head, head) + underscore + rest


def whole_name(word: str) -> str:
    """Return ``word`` (letters, then optional digits) as one canonical name, never split.

    Digits after letters are a subscript (``q1`` → ``q_1``, ``theta1`` → ``theta_1``),
    except in a known word such as ``log10``; ``varphi`` → ``phi``.
    """
    letters = word.rstrip("0123456789")
    digits = word[len(letters) :]
    if word in _KNOWN_WORDS or not digits or not letters:
        return canonical_name(word)
    return canonical_name(f"{letters}_{digits}")


def default_constants(mode: str) -> frozenset[str]:
    """Names read as constants in ``mode`` before any ``units`` declaration."""
    if mode == "math":
        return frozenset(MATH_CONSTANTS)
    return frozenset(MATH_CONSTANTS) | frozenset(PHYSICAL_CONSTANTS)


def split_word(word: str, declared: frozenset[str]) -> list[tuple[int, str]]:
    """Split a run of letters (optionally ending in digits) into names.

    Parameters
    ----------
    word:
        Letters followed by optional digits, e.g. ``"mc"``, ``"theta1"``, ``"sinx"``.
    declared:
        Names declared by the caller (``units`` keys); they are never split.

    Returns
    -------
    list of (offset, piece)
        Each piece with its offset in ``word``; function words are returned as written
        (the caller maps them with :func:`canonical_function`).
    """
    letters = word.rstrip("0123456789")
    digits = word[len(letters) :]
    whole = f"{letters}_{digits}" if digits and letters else word
    if word in _KNOWN_WORDS:
        return [(0, word)]
    if word in declared or whole in declared:
        return [(0, whole)]
    if digits and (len(letters) == 1 or letters in _KNOWN_WORDS or letters in declared):
        return [(0, whole)]
    pieces: list[tuple[int, str]] = []
    position = 0
    while position < len(letters):
        piece = letters[position]
        longest = min(len(letters) - position, max(_LONGEST_WORD, *(len(name) for name in declared), 1))
        for size in range(longest, 1, -1):
            candidate = letters[position : position + size]
            if candidate in _KNOWN_WORDS or candidate in declared:
                piece = candidate
                break
        pieces.append((position, piece))
        position += len(piece)
    if digits:
        offset, last = pieces[-1]
        pieces[-1] = (offset, f"{last}_{digits}")
    return pieces


def list_names(names: Sequence[str], *, limit: int = 8, conjunction: str = ", ") -> str:
    """``"E, m"``, ``"E and m"``; past ``limit`` names, ``"a, b, … and 12 more"``."""
    names = list(names)
    if len(names) > limit:
        return f"{', '.join(names[:limit])}{conjunction if conjunction != ', ' else ', '}{len(names) - limit} more"
    if len(names) <= 1 or conjunction == ", ":
        return ", ".join(names)
    return f"{', '.join(names[:-1])}{conjunction}{names[-1]}"
