"""The known-equation catalog: well-known relations recognised up to rearrangement.

The data lives in ``catalog.toml`` beside this module (name, field, the relation as
usually written, the same relation solved for one variable, default units, and which
names are constants there).  An input is recognised as an entry when it names exactly
the same symbols and vanishes at points that lie on the entry's relation: those points
are made once, when the catalog is loaded, by choosing the other variables at random
(seeded) and computing the solved variable.  ``m = E/c²`` and ``E − mc² = 0`` therefore
match mass–energy equivalence; ``E = mc³`` does not.  Entries without variables (Euler's
identity, ``φ² = φ + 1``) are true everywhere, so they match only the same tree up to
operand order and the order of the sides: ``1 + e^(iπ) = 0`` matches, ``e^(iπ) = −1`` does not.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from phi_lab.equations.evaluate import ComplexArithmetic, Undefined, evaluate
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.syntax import Symbol, Syntax, canonical_form

__all__ = ["Catalog", "CatalogEntry", "load_catalog"]

_POINTS = 6
_TOLERANCE = 1e-9
_SEED = 20261127


@dataclass(frozen=True, slots=True, eq=False)
class CatalogEntry:
    """One well-known equation.

    ``units`` gives the default unit of every variable; ``constants`` the names that are
    constants in this entry (``c`` is the speed of light in E = mc² but a length in
    Pythagoras).  ``points`` are name → value samples on the relation.
    """

    name: str
    field: str
    equation: str
    description: str
    units: Mapping[str, str]
    constants: frozenset[str]
    syntax: Syntax
    points: tuple[Mapping[str, complex], ...]

    def __post_init__(self) -> None:
        if len(self.syntax.relations) != 1:
            raise ValueError(f"catalog entry {self.name!r} must be exactly one relation")
        variables = self.syntax.names - self.constants
        if set(self.units) != variables:
            raise ValueError(
                f"catalog entry {self.name!r}: units {sorted(self.units)} != variables {sorted(variables)}"
            )

    def holds_at_points(self, syntax: Syntax) -> bool:
        """Whether ``syntax`` (one relation over the same names) vanishes at every sample point."""
        relation = syntax.relations[0]
        arithmetic = ComplexArithmetic()
        # Constant entries (no variables) are O(1) numbers: an absolute floor absorbs
        # rounding such as e^(iπ) + 1 = 1.2e-16.  With variables, only relative error counts.
        floor = 1e-12 if self.syntax.names <= self.constants else 0.0
        for point in self.points:
            try:
                lhs = evaluate(relation.lhs, point, arithmetic)
                rhs = evaluate(relation.rhs, point, arithmetic)
            except Undefined:
                return False
            if abs(lhs - rhs) > _TOLERANCE * max(abs(lhs), abs(rhs)) + floor:
                return False
        return True


@dataclass(frozen=True, slots=True, eq=False)
class Catalog:
    """All entries, indexed by the set of names they use (build with :meth:`of`)."""

    entries: tuple[CatalogEntry, ...]
    index: Mapping[frozenset[str], tuple[CatalogEntry, ...]]

    @classmethod
    def of(cls, entries: tuple[CatalogEntry, ...]) -> Catalog:
        """Index ``entries`` by their name sets."""
        index: dict[frozenset[str], list[CatalogEntry]] = {}
        for entry in entries:
            index.setdefault(entry.syntax.names, []).append(entry)
        return cls(entries, MappingProxyType({names: tuple(group) for names, group in index.items()}))

    def match(self, syntax: Syntax) -> CatalogEntry | None:
        """Return the entry that ``syntax`` restates, or ``None``.

        Only a single relation can match.  For entries with variables the caller must
        still make sure the input is not an identity (an identity vanishes everywhere).
        """
        if len(syntax.relations) != 1 or syntax.expressions:
            return None
        for entry in self.index.get(syntax.names, ()):
            if entry.syntax.names <= entry.constants:
                # A true constant equation vanishes at "every point": only the same tree
                # (up to operand order and side swap) is the same entry.
                if canonical_form(entry.syntax) == canonical_form(syntax):
                    return entry
            elif entry.holds_at_points(syntax):
                return entry
        return None

    def by_name(self, name: str) -> CatalogEntry:
        """Return the entry called ``name``; raise ``KeyError`` if there is none."""
        for entry in self.entries:
            if entry.name == name:
                return entry
        raise KeyError(name)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """Load the catalog shipped with the package (parsed once, then cached)."""
    data = tomllib.loads(resources.files("phi_lab.equations").joinpath("catalog.toml").read_text("utf-8"))
    rng = random.Random(_SEED)
    return Catalog.of(tuple(_entry(raw, rng) for raw in data["entry"]))


def _table(raw: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = raw[key]
    if not isinstance(value, Mapping):
        raise ValueError(f"catalog entry {raw.get('name')!r}: {key} must be a table")
    return value


def _list(raw: Mapping[str, object], key: str) -> list[object]:
    value = raw[key]
    if not isinstance(value, list):
        raise ValueError(f"catalog entry {raw.get('name')!r}: {key} must be a list")
    return value


def _entry(raw: Mapping[str, object], rng: random.Random) -> CatalogEntry:
    units = {str(name): str(unit) for name, unit in _table(raw, "units").items()}
    declared = frozenset(units)
    constants = frozenset(str(name) for name in _list(raw, "constants"))
    syntax = parse_syntax(str(raw["equation"]), declared)
    arithmetic = ComplexArithmetic()
    base = {name: arithmetic.constant(name) for name in constants}
    points: list[Mapping[str, complex]] = []
    solved_text = str(raw["solved"])
    if not solved_text:
        points.append(MappingProxyType(base))
    else:
        solved = parse_syntax(solved_text, declared).relations[0]
        if not isinstance(solved.lhs, Symbol):
            raise ValueError(f"catalog entry {raw['name']!r}: 'solved' must have one variable on the left")
        target = solved.lhs.name
        for _ in range(_POINTS):
            point = dict(base)
            point.update({name: complex(rng.uniform(0.5, 2.0)) for name in sorted(units) if name != target})
            point[target] = evaluate(solved.rhs, point, arithmetic)
            points.append(MappingProxyType(point))
    return CatalogEntry(
        name=str(raw["name"]),
        field=str(raw["field"]),
        equation=str(raw["equation"]),
        description=str(raw["description"]),
        units=MappingProxyType(units),
        constants=constants,
        syntax=syntax,
        points=tuple(points),
    )
