"""What an ambiguous letter means: candidate readings, and the auto mode's choice among them.

In ``auto`` mode every name first gets its conventional meaning (:mod:`phi_lab.equations.binding`:
a declared unit, the catalog entry, the default constants, the conventional table of
:mod:`phi_lab.equations.dimensions`).  Physicists reuse letters, so that reading fails on
``v = sqrt(2gh)`` (``h`` a height, not Planck's constant) or ``ω = 2π/T`` (``T`` a period).
When — and only when — the conventional reading fails the dimension check, :func:`interpret`
tries the other readings below and two alternative parses, and keeps the first under which
the equation is dimensionally consistent; the chosen reading is said, in
:attr:`~phi_lab.equations.binding.Equation.reading` and in the dimension check's detail.

The readings (the first of each row is the conventional one, the reading used today)
======  ====================================================================================
name    readings, in the order they are tried
======  ====================================================================================
a       an acceleration (m/s²) | a length, a side or a distance (m)
c       the speed of light (constant) | a length (m) | a specific heat capacity (J/(kg·K))
E       an energy (J) | an electric field (V/m)
e       Euler's number (constant) | the elementary charge (constant ``e_charge``, 1.602176634e-19 C)
f       a frequency (Hz) | a focal length (m)
g       gravitational acceleration (m/s²) | a dimensionless factor: a g-factor, a degeneracy
h       the Planck constant (constant) | a height (m)
I       of unknown dimension | an electric current (A) | a moment of inertia (kg·m²)
k       of unknown dimension | a spring constant (N/m) | a wavenumber (1/m) | the Boltzmann constant (``k_B``)
n       an amount of substance (mol) | an integer or count (dimensionless)
P       a pressure (Pa) | a power (W)
p       a momentum (kg·m/s) | a pressure (Pa)
q       an electric charge (C) | a heat (J)
R       the molar gas constant (J/(mol·K)) | a radius (m) | a resistance (Ω)
T       a temperature (K) | a period (s)
V       a volume (m³) | a voltage (V)
======  ====================================================================================

A subscripted name (``T_1``, ``h_0``, ``c_p``) takes the variable readings of its letter, after
its own conventional one (``h_0`` is of unknown dimension first, then a height).  A reading as a
constant whose key differs from the name (``e`` → ``e_charge``, ``k`` → ``k_B``) renames the
symbol in the tree, so the numeric check evaluates that constant.

How the reading is chosen
-------------------------
1. Only in ``auto`` mode, and only when the conventional reading *fails* the dimension check
   (a ``skip`` is not a failure), so ``E = mc²`` or ``F = ma`` pay nothing.
2. A name declared in ``units`` is never re-read, nor a name the matched catalog entry binds.
3. The parses: the default one, then ``subscript_runs`` (``vf`` → ``v_f``), ``slash_products``
   (``h/2π`` → h/(2π)) and both (:func:`~phi_lab.equations.parser.parse_alternative`), each kept
   only if it parses to a different tree; each option counts as one departure.
4. For each parse, at most :data:`MAX_NAMES` ambiguous names (those whose conventional
   dimension is known first, then by their first column) and every combination of their
   readings; the combinations are ordered by: fewest departures from the conventional reading
   (re-read names plus parse options), then fewest names bound to constants, then readings
   earliest in their rows, then the parse; at most :data:`MAX_COMBINATIONS` are checked (fewer
   in an equation of thousands of nodes: one search walks at most about 8,000 nodes in all).
5. The first combination whose dimension check passes wins; failing that, the first one that
   leaves only unknown dimensions (``skip``); failing that, nothing changes and the dimension
   check's detail names the readings tried.

:func:`denominator_reading` gives the ``slash_products`` reading for a text whose verdict failed
numerically although its dimensions agree: ``ħ = h/2π`` read as (h/2)·π is a contradiction, as
h/(2π) an identity, and dimensions cannot tell the two apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import product
from types import MappingProxyType
from typing import Literal

from phi_lab.equations.binding import Equation, bind
from phi_lab.equations.catalog import Catalog
from phi_lab.equations.dimensions import (
    DIMENSIONLESS,
    Dimension,
    DimensionReport,
    check_dimensions,
    conventional_dimension,
    dimension_of_unit,
)
from phi_lab.equations.names import MATH_CONSTANTS, PHYSICAL_CONSTANTS, list_names
from phi_lab.equations.parser import Rereading, parse_alternative
from phi_lab.equations.syntax import Call, Node, Operation, Relation, Symbol, Syntax, walk
from phi_lab.errors import ParseError

__all__ = [
    "MAX_COMBINATIONS",
    "MAX_NAMES",
    "READINGS",
    "Ambiguity",
    "Interpretation",
    "Reading",
    "denominator_reading",
    "interpret",
    "readings_of",
]

#: Ambiguous names of one parse whose readings are combined; the others keep their conventional one.
MAX_NAMES = 4
#: Combinations of readings (and parses) checked at most, after the conventional one.
MAX_COMBINATIONS = 64
#: Node visits one search may spend: a dimension check walks the tree once, an alternative parse
#: costs about two walks.  Small equations get all MAX_COMBINATIONS checks; an equation of
#: thousands of nodes gets a few, so a search never costs more than ~0.1 s.
_WORK = 8_000


@dataclass(frozen=True, slots=True)
class Reading:
    """One candidate meaning of a name.

    Attributes
    ----------
    label:
        A short noun phrase for people: ``"a height (length)"``.
    unit:
        The name is a variable with this unit (pint syntax).
    constant:
        The name is this named constant (a key of :data:`~phi_lab.equations.names.PHYSICAL_CONSTANTS`
        or :data:`~phi_lab.equations.names.MATH_CONSTANTS`).

    With neither, the name is a variable of unknown dimension (the conventional reading of
    ``k`` and ``I``).
    """

    label: str
    unit: str | None = None
    constant: str | None = None

    def __post_init__(self) -> None:
        if not self.label:
            raise ValueError("a reading needs a label")
        if self.unit is not None and self.constant is not None:
            raise ValueError(f"the reading {self.label!r} is a variable with a unit or a constant, not both")
        if self.constant is not None and self.constant not in PHYSICAL_CONSTANTS | MATH_CONSTANTS:
            raise ValueError(f"the reading {self.label!r} names the unknown constant {self.constant!r}")

    @property
    def kind(self) -> Literal["constant", "variable", "unknown"]:
        """``constant``, ``variable`` (with a unit) or ``unknown`` (a variable of unknown dimension)."""
        if self.constant is not None:
            return "constant"
        return "variable" if self.unit is not None else "unknown"

    @property
    def short(self) -> str:
        """The label without its parenthesis, for one clause: ``"a height"``."""
        return self.label.split(" (", 1)[0]

    def dimension(self) -> Dimension | None:
        """The dimension the name has under this reading; ``None`` when unknown."""
        if self.unit is not None:
            return dimension_of_unit(self.unit)
        if self.constant is not None:
            constant = PHYSICAL_CONSTANTS.get(self.constant)
            return dimension_of_unit(constant.unit) if constant is not None else DIMENSIONLESS
        return None


@dataclass(frozen=True, slots=True)
class Ambiguity:
    """A row of the table: a name and its readings, the conventional one first."""

    name: str
    readings: tuple[Reading, ...]

    def __post_init__(self) -> None:
        if len(self.readings) < 2:
            raise ValueError(f"{self.name!r} needs at least two readings to be ambiguous")
        labels = [reading.label for reading in self.readings]
        if len(set(labels)) != len(labels):
            raise ValueError(f"the readings of {self.name!r} repeat a label")


_UNKNOWN = Reading("a quantity of unknown dimension")

_TABLE = (
    Ambiguity("a", (Reading("an acceleration", "m/s^2"), Reading("a length (a side or a distance)", "m"))),
    Ambiguity(
        "c",
        (
            Reading("the speed of light", constant="c"),
            Reading("a length", "m"),
            Reading("a specific heat capacity", "J/(kg*K)"),
        ),
    ),
    Ambiguity("E", (Reading("an energy", "J"), Reading("an electric field", "V/m"))),
    Ambiguity("e", (Reading("Euler's number", constant="e"), Reading("the elementary charge", constant="e_charge"))),
    Ambiguity("f", (Reading("a frequency", "Hz"), Reading("a focal length (length)", "m"))),
    Ambiguity(
        "g",
        (
            Reading("gravitational acceleration", "m/s^2"),
            Reading("a dimensionless factor (a g-factor or a degeneracy)", "dimensionless"),
        ),
    ),
    Ambiguity("h", (Reading("the Planck constant", constant="h"), Reading("a height (length)", "m"))),
    Ambiguity("I", (_UNKNOWN, Reading("an electric current", "A"), Reading("a moment of inertia", "kg*m^2"))),
    Ambiguity(
        "k",
        (
            _UNKNOWN,
            Reading("a spring constant (force per length)", "N/m"),
            Reading("a wavenumber (per length)", "1/m"),
            Reading("the Boltzmann constant", constant="k_B"),
        ),
    ),
    Ambiguity(
        "n", (Reading("an amount of substance", "mol"), Reading("an integer or count (dimensionless)", "dimensionless"))
    ),
    Ambiguity("P", (Reading("a pressure", "Pa"), Reading("a power", "W"))),
    Ambiguity("p", (Reading("a momentum", "kg*m/s"), Reading("a pressure", "Pa"))),
    Ambiguity("q", (Reading("an electric charge", "C"), Reading("a heat (energy)", "J"))),
    Ambiguity(
        "R",
        (
            Reading("the molar gas constant", "J/(mol*K)"),
            Reading("a radius (length)", "m"),
            Reading("a resistance", "ohm"),
        ),
    ),
    Ambiguity("T", (Reading("a temperature", "K"), Reading("a period (time)", "s"))),
    Ambiguity("V", (Reading("a volume", "m^3"), Reading("a voltage", "V"))),
)

#: Name → its readings, the conventional one first (the table in the module docstring).
READINGS: Mapping[str, tuple[Reading, ...]] = MappingProxyType({row.name: row.readings for row in _TABLE})


def readings_of(name: str) -> tuple[Reading, ...]:
    """The readings of ``name``, the conventional one first; ``()`` when it is not ambiguous.

    A subscripted name (``T_1``, ``h_0``) takes the variable readings of its letter, after its
    own conventional one: ``h_0`` is of unknown dimension (it is not Planck's constant), then a
    height.  A name with a trailing ``_`` is a name of its own: not ambiguous.
    """
    if name in READINGS:
        return READINGS[name]
    letter, underscore, _ = name.partition("_")
    if not underscore or name.endswith("_") or letter not in READINGS:
        return ()
    variables = tuple(reading for reading in READINGS[letter] if reading.kind != "constant")
    if conventional_dimension(name) is None and variables[:1] != (_UNKNOWN,):
        variables = (_UNKNOWN, *variables)
    return variables if len(variables) > 1 else ()


@dataclass(frozen=True, slots=True)
class Interpretation:
    """A bound equation, its dimension check, and the alternative parse it was read with, if any."""

    equation: Equation
    dimensions: DimensionReport
    rereadings: tuple[Rereading, ...] = ()


def interpret(syntax: Syntax, mode: str, declared: Mapping[str, str], catalog: Catalog | None) -> Interpretation:
    """Bind ``syntax``, check its dimensions and, in auto mode, re-read it if they fail.

    Parameters
    ----------
    syntax:
        The default parse of the text.
    mode:
        ``auto``, ``physics`` or ``math`` (already checked).
    declared:
        Normalized ``units``; declared names are never re-read.
    catalog:
        Catalog to recognise entries in (not used in ``math`` mode); ``None`` for none.

    Returns
    -------
    Interpretation
        The conventional reading, unless it failed the dimension check in auto mode and
        another reading passes (see the module docstring).
    """
    entry = catalog.match(syntax) if catalog is not None and mode != "math" else None
    equation = bind(syntax, mode, declared, entry)
    report = _report(equation, declared)
    if mode != "auto" or report.status != "fail":
        return Interpretation(equation, report)
    passes = _passes(syntax)
    variants = [_variant(equation, (), 0, declared)]
    for subscript_runs, slash_products in ((True, False), (False, True), (True, True)):
        if passes < 4:
            break
        passes -= 2
        try:
            alternative = parse_alternative(
                syntax.text, frozenset(declared), subscript_runs=subscript_runs, slash_products=slash_products
            )
        except ParseError:
            continue
        if not alternative.rereadings or any(alternative.syntax == other.equation.syntax for other in variants):
            continue
        alternative_entry = catalog.match(alternative.syntax) if catalog is not None else None
        bound = bind(alternative.syntax, mode, declared, alternative_entry)
        variants.append(_variant(bound, alternative.rereadings, subscript_runs + slash_products, declared))
    search = _search(variants, declared, passes)
    if search.chosen is not None:
        return search.chosen
    if not search.tried:
        return Interpretation(equation, report)
    more = f", the first {search.checked} of {search.combinations} combinations" if search.truncated else ""
    detail = f"{report.detail}; no other reading agrees (tried {list_names(search.tried, limit=5)}{more})"
    return Interpretation(equation, replace(report, detail=detail))


def denominator_reading(
    interpretation: Interpretation, declared: Mapping[str, str], catalog: Catalog | None
) -> Interpretation | None:
    """The reading with the implicit product after ``/`` as the denominator, if the text has one.

    For a text whose dimensions agree but whose numeric verdict failed: ``ħ = h/2π`` read
    (h/2)·π is a contradiction, read h/(2π) an identity.  The alternative parse (with the
    subscript option the interpretation already used) is re-read like any other, and returned
    only if its dimensions do not fail; ``None`` otherwise, outside auto mode, or when the
    interpretation already reads the slashes that way.
    """
    equation = interpretation.equation
    if equation.mode != "auto" or any(note.rule == "denominator" for note in interpretation.rereadings):
        return None
    text = equation.syntax.text
    if not any(slash in text for slash in "/÷∕"):
        return None
    subscripts = any(note.rule == "subscript" for note in interpretation.rereadings)
    passes = _passes(equation.syntax) - 2
    if passes < 1:
        return None
    try:
        alternative = parse_alternative(text, frozenset(declared), subscript_runs=subscripts, slash_products=True)
    except ParseError:
        return None
    if not any(note.rule == "denominator" for note in alternative.rereadings):
        return None
    entry = catalog.match(alternative.syntax) if catalog is not None else None
    bound = bind(alternative.syntax, equation.mode, declared, entry)
    return _search([_variant(bound, alternative.rereadings, 1 + subscripts, declared)], declared, passes).chosen


def _passes(syntax: Syntax) -> int:
    """How many walks over ``syntax`` one search may make (see :data:`_WORK`)."""
    size = sum(1 for root in syntax.roots() for _ in walk(root))
    return _WORK // max(1, size)


def _report(equation: Equation, declared: Mapping[str, str]) -> DimensionReport:
    """The dimension check of a bound equation, as its mode asks."""
    if equation.mode == "math":
        return DimensionReport("skip", "math mode: symbols are pure numbers")
    return check_dimensions(
        equation.syntax,
        equation.dimensions,
        equation.constants,
        require_all=equation.mode == "physics",
        declared=bool(declared) and set(declared) >= set(equation.variables),
    )


@dataclass(frozen=True, slots=True)
class _Variant:
    """One parse, bound conventionally, with the ambiguous names whose readings are combined."""

    equation: Equation
    rereadings: tuple[Rereading, ...]
    departures: int
    names: tuple[str, ...]
    choices: tuple[tuple[Reading, ...], ...]


def _variant(
    equation: Equation, rereadings: tuple[Rereading, ...], departures: int, declared: Mapping[str, str]
) -> _Variant:
    syntax, entry = equation.syntax, equation.catalog
    fixed = set(declared) | (set(entry.units) | entry.constants if entry is not None else set())
    variables = syntax.names - equation.constants
    first = _first_columns(syntax)
    choices: dict[str, tuple[Reading, ...]] = {}
    for name in syntax.names - fixed:
        # A constant reading renames the symbol: never onto a name already used as a variable.
        usable = tuple(
            reading
            for reading in readings_of(name)
            if reading.constant in (None, name) or reading.constant not in variables | set(declared)
        )
        if len(usable) > 1:
            choices[name] = usable
    names = sorted(choices, key=lambda name: (choices[name][0].kind == "unknown", first.get(name, 0), name))
    kept = tuple(names[:MAX_NAMES])
    return _Variant(equation, rereadings, departures, kept, tuple(choices[name] for name in kept))


def _first_columns(syntax: Syntax) -> dict[str, int]:
    first: dict[str, int] = {}
    for root in syntax.roots():
        stack: list[Node] = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, Symbol):
                first[node.name] = min(first.get(node.name, node.column), node.column)
            elif isinstance(node, (Operation, Call)):
                stack.extend(node.args)
    return first


@dataclass(frozen=True, slots=True)
class _Search:
    """What a search found: the chosen interpretation, or the readings it tried."""

    chosen: Interpretation | None
    tried: tuple[str, ...]
    combinations: int
    checked: int

    @property
    def truncated(self) -> bool:
        return self.checked < self.combinations


def _search(variants: Sequence[_Variant], declared: Mapping[str, str], passes: int) -> _Search:
    """Check the combinations of ``variants`` in order (at most ``passes`` of them, and at most
    :data:`MAX_COMBINATIONS`); the first that passes, else the first that skips."""
    candidates: list[tuple[tuple[int, int, int, int, tuple[int, ...]], _Variant, tuple[int, ...]]] = []
    for index, variant in enumerate(variants):
        for ranks in product(*(range(len(options)) for options in variant.choices)):
            departures = variant.departures + sum(1 for rank in ranks if rank)
            if departures == 0:
                continue  # the conventional reading, already checked
            chosen = [options[rank] for options, rank in zip(variant.choices, ranks, strict=True)]
            constants = sum(1 for reading in chosen if reading.kind == "constant")
            candidates.append(((departures, constants, sum(ranks), index, ranks), variant, ranks))
    candidates.sort(key=lambda candidate: candidate[0])
    checked = candidates[: max(0, min(MAX_COMBINATIONS, passes))]
    skipped: tuple[_Variant, tuple[Reading, ...]] | None = None
    for _, variant, ranks in checked:
        readings = tuple(options[rank] for options, rank in zip(variant.choices, ranks, strict=True))
        status = _check(variant, readings).status
        if status == "pass":
            return _Search(_chosen(variant, readings, declared), (), len(candidates), len(checked))
        if status == "skip" and skipped is None:
            skipped = (variant, readings)
    if skipped is not None:
        return _Search(_chosen(*skipped, declared), (), len(candidates), len(checked))
    tried = [
        f"{name} as {reading.short}"
        for variant in variants
        for name, options in zip(variant.names, variant.choices, strict=True)
        for reading in options[1:]
    ]
    tried.extend(f"{note.written} as {note.read_as}" for variant in variants for note in variant.rereadings)
    return _Search(None, tuple(dict.fromkeys(tried)), len(candidates), len(checked))


def _check(variant: _Variant, readings: tuple[Reading, ...]) -> DimensionReport:
    """The dimension check of ``variant`` under ``readings`` (renamed constants carry their unit)."""
    dimensions = dict(variant.equation.dimensions)
    constants = set(variant.equation.constants)
    for name, reading in zip(variant.names, readings, strict=True):
        dimensions.pop(name, None)
        constants.discard(name)
        if reading.constant == name:
            constants.add(name)
            continue
        dimension = reading.dimension()
        if dimension is not None:
            dimensions[name] = dimension
    return check_dimensions(variant.equation.syntax, dimensions, frozenset(constants))


def _chosen(variant: _Variant, readings: tuple[Reading, ...], declared: Mapping[str, str]) -> Interpretation:
    """The equation bound under ``readings``, its dimension check, and the reading said."""
    base = variant.equation
    pairs = list(zip(variant.names, readings, strict=True))
    renames = {name: reading.constant for name, reading in pairs if reading.constant not in (None, name)}
    constants = (base.constants - set(variant.names)) | {reading.constant for _, reading in pairs if reading.constant}
    dimensions = {name: dimension for name, dimension in base.dimensions.items() if name not in variant.names}
    for name, reading in pairs:
        dimension = reading.dimension() if reading.kind == "variable" else None
        if dimension is not None:
            dimensions[name] = dimension
    said = {note.written: note.description for note in variant.rereadings}
    said.update((name, reading.label) for name, reading in pairs)
    equation = Equation(
        syntax=_renamed(base.syntax, renames) if renames else base.syntax,
        mode=base.mode,
        constants=frozenset(constants),
        units=base.units,
        dimensions=MappingProxyType(dimensions),
        catalog=base.catalog,
        reading=MappingProxyType(said),
    )
    departures = [f"{note.written} as {note.read_as}" for note in variant.rereadings]
    departures.extend(
        f"{name} as {reading.short}"
        for (name, reading), options in zip(pairs, variant.choices, strict=True)
        if reading != options[0]
    )
    clause = list_names(departures, conjunction=" and ")
    report = _report(equation, declared)
    report = replace(report, detail=f"{report.detail}, reading {clause}", reading=clause)
    return Interpretation(equation, report, variant.rereadings)


def _renamed(syntax: Syntax, renames: Mapping[str, str]) -> Syntax:
    """``syntax`` with the symbols in ``renames`` renamed (``e`` → ``e_charge``); the text is kept."""

    def rename(node: Node) -> Node:
        if isinstance(node, Symbol):
            return Symbol(renames[node.name], node.column) if node.name in renames else node
        if isinstance(node, Operation):
            return Operation(node.op, tuple(rename(child) for child in node.args), node.column)
        if isinstance(node, Call):
            return Call(node.function, tuple(rename(child) for child in node.args), node.column)
        return node

    relations = tuple(Relation(rename(item.lhs), rename(item.rhs), item.column) for item in syntax.relations)
    return Syntax(syntax.text, relations, tuple(rename(expression) for expression in syntax.expressions))
