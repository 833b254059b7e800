"""Typed unit declarations, ``"F=N, m=kg, a=m/s^2"``, read into a mapping.

Only the shape is checked here (``NAME=UNIT`` pairs, each name once); whether pint can read a
unit, and whether a name is a symbol, is :func:`phi_lab.equations.binding.normalize_units`'
business.  Used by the command line (``--units``) and the widgets' units box.
"""

from __future__ import annotations

from phi_lab.errors import UnitError

__all__ = ["parse_unit_pairs"]


def parse_unit_pairs(text: str, *, source: str = "units", into: dict[str, str] | None = None) -> dict[str, str]:
    """Turn ``"F=N, m=kg, a=m/s^2"`` into ``{"F": "N", "m": "kg", "a": "m/s^2"}``.

    Pairs are separated by commas; blanks around names and units and empty pairs are allowed.
    Units may contain ``/``, ``*``, ``^``, spaces and parentheses, but not commas.

    Parameters
    ----------
    text:
        The pairs as typed.
    source:
        Where they were typed (``"units"``, ``"--units"``), for messages.
    into:
        Pairs read earlier (e.g. from a repeated option); a name may still be declared once only.

    Raises
    ------
    UnitError
        For a pair that is not ``NAME=UNIT`` (``F==N``, ``F``, ``=N``) or a name declared twice,
        naming the pair.
    """
    units: dict[str, str] = {} if into is None else into
    for pair in text.split(","):
        if not pair.strip():
            continue
        name, equals, unit = (part.strip() for part in pair.partition("="))
        if not equals or not name or not unit or "=" in unit:
            raise UnitError(f"{source}: {pair.strip()!r} is not NAME=UNIT (e.g. F=N, m=kg)", name, unit)
        if name in units:
            raise UnitError(f"{source}: {name!r} is declared twice ({units[name]!r} and {unit!r})", name, unit)
        units[name] = unit
    return units
