"""RIES, Robert Munafo's equation finder, run as an outside program and its printout read back.

RIES is not part of phi_lab (it is GPL; nothing of it is copied here): the benchmark runs a
binary the user built (``gcc -O2 ries.c -lm -o ries``) and passes its path with ``--ries``.
This module only builds its command line, runs it with a timeout and parses what it prints:

* the matches, one line per strictly better match, e.g.
  ``x^2 = sqrt(7)   for x = T + 0.00854257  {51}`` or ``x = phi   ('exact' match)  {33}``;
* the statistics table it prints at the end (LHS, RHS and total columns)::

                               --LHS--      --RHS--      -Total-
           max complexity:          47           41           88
                dead-ends:       16840        21335        38175  Time: 0.002
              expressions:         980         1047         2027
                 distinct:         674          593         1267  Memory: 128KiB

  ``expressions`` are the complete expressions RIES generated and evaluated, ``distinct`` the
  ones it kept in its database (one per value), ``dead-ends`` the partial expressions its
  rules cut off before completion; ``Time`` is RIES's own clock, in seconds;
* why it stopped, e.g. ``(Stopping now because best match is within 1.44e-15 of target value.)``.

RIES stops as soon as a match is as close as a double allows, so a run on a number it can
write exactly (φ, π) generates only a few thousand expressions; a *full* level, the figure
for throughput, needs ``--min-match-distance`` (matches closer than that are not reported, so
nothing ends the level early): :data:`FULL_LEVEL`.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["FULL_LEVEL", "RiesMatch", "RiesRun", "parse_output", "run_ries", "symbol_set"]

#: Options that make RIES finish its level even after a match as close as a double allows.
FULL_LEVEL = ("--min-match-distance", "1e-14")

#: RIES's one-character symbols for phi_lab's constants and operations (``ries -S`` lists them).
_SYMBOLS = {
    **{str(digit): str(digit) for digit in range(1, 10)},
    "pi": "p",
    "e": "e",
    "phi": "f",
    "+": "+",
    "-": "-",
    "*": "*",
    "/": "/",
    "^": "^",
    "sqrt": "q",
    "exp": "E",
    "log": "l",
}

_MATCH = re.compile(
    r"^\s*(?P<equation>\S.*?)\s+"
    r"(?:for x = T (?P<sign>[+-]) (?P<delta>\S+)|\('exact' match\))"
    r"\s+\{(?P<complexity>\d+)\}\s*$"
)
_ROW = re.compile(
    r"^\s*(?P<name>max complexity|dead-ends|expressions|distinct):\s+(?P<numbers>[\d\s.e+]+?)"
    r"(?:\s+(?:Time|Memory):\s*(?P<extra>\S+))?\s*$"
)
_STOP = re.compile(r"\(Stopping now because (?P<reason>.*?)\.?\)")


@dataclass(frozen=True, slots=True)
class RiesMatch:
    """One line of RIES's answer: the equation, its root's distance from the target, its complexity.

    ``delta`` is ``root − T`` (0 for an ``'exact'`` match, exact to double precision only).
    """

    equation: str
    delta: float
    exact: bool
    complexity: int


@dataclass(frozen=True, slots=True)
class RiesRun:
    """What one RIES run printed, read back (see the module docstring for the figures' meaning).

    The counts are the *total* column (LHS + RHS); ``seconds`` is RIES's own ``Time``,
    ``wall_s`` the wall-clock time of the process.  ``error`` says why nothing could be read
    (the binary failed, timed out, or printed no statistics).
    """

    arguments: tuple[str, ...]
    matches: tuple[RiesMatch, ...] = ()
    expressions: int | None = None
    distinct: int | None = None
    dead_ends: int | None = None
    seconds: float | None = None
    memory: str | None = None
    stopped: str | None = None
    wall_s: float | None = None
    returncode: int | None = None
    max_complexity: int | None = None
    error: str | None = None

    @property
    def expressions_per_s(self) -> float | None:
        """Expressions generated per second of RIES's own clock (None below its 1 ms resolution)."""
        if self.expressions is None or not self.seconds:
            return None
        return self.expressions / self.seconds

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {**asdict(self), "expressions_per_s": self.expressions_per_s}


def symbol_set(constants: Sequence[str], operations: Sequence[str]) -> tuple[str, list[str]]:
    """The ``-S`` argument giving RIES phi_lab's vocabulary (plus ``x``), and what RIES has no symbol for."""
    symbols, missing = ["x"], []
    for name in (*constants, *operations):
        symbol = _SYMBOLS.get(name)
        if symbol is None:
            missing.append(name)
        elif symbol not in symbols:
            symbols.append(symbol)
    return "-S" + "".join(symbols), missing


def parse_output(text: str) -> dict[str, Any]:
    """Matches, statistics (total column) and stop reason from RIES's printout.

    Returns
    -------
    dict
        ``matches`` (a tuple of :class:`RiesMatch`), ``expressions``, ``distinct``,
        ``dead_ends``, ``max_complexity`` (ints, or None when the table is absent),
        ``seconds`` (float), ``memory`` (text such as ``"128KiB"``) and ``stopped``.
    """
    matches: list[RiesMatch] = []
    figures: dict[str, Any] = {"stopped": None, "seconds": None, "memory": None}
    for line in text.splitlines():
        found = _MATCH.match(line)
        if found and " = " in found["equation"]:
            exact = found["delta"] is None
            delta = 0.0 if exact else float(found["delta"]) * (-1 if found["sign"] == "-" else 1)
            matches.append(RiesMatch(found["equation"].strip(), delta, exact, int(found["complexity"])))
            continue
        row = _ROW.match(line)
        if row:
            total = int(float(row["numbers"].split()[-1]))
            figures[row["name"].replace(" ", "_").replace("-", "_")] = total
            if row["extra"] is not None:
                if row["name"] == "dead-ends":
                    figures["seconds"] = float(row["extra"])
                else:
                    figures["memory"] = row["extra"]
            continue
        stop = _STOP.search(line)
        if stop:
            figures["stopped"] = " ".join(stop["reason"].split())  # RIES pads its numbers ("within   1e-15")
    return {"matches": tuple(matches), **figures}


def run_ries(binary: str, value: str, arguments: Sequence[str], timeout_s: float) -> RiesRun:
    """Run ``binary value arguments…`` (no shell) and read its printout.

    RIES's exit status is not an error sign (it exits non-zero after an early stop); a run is
    failed only when no statistics table came back.
    """
    command = (binary, *arguments, value)
    started = time.perf_counter()
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return RiesRun(tuple(arguments), wall_s=time.perf_counter() - started, error=f"timed out after {timeout_s:g} s")
    except OSError as exc:
        return RiesRun(tuple(arguments), error=f"could not run {binary!r}: {exc}")
    wall = time.perf_counter() - started
    figures = parse_output(completed.stdout)
    error = None
    if figures.get("expressions") is None:
        error = f"no statistics in its output (exit {completed.returncode}): {completed.stderr.strip()[-200:]!r}"
    return RiesRun(
        tuple(arguments),
        matches=figures["matches"],
        expressions=figures.get("expressions"),
        distinct=figures.get("distinct"),
        dead_ends=figures.get("dead_ends"),
        seconds=figures["seconds"],
        memory=figures["memory"],
        stopped=figures["stopped"],
        wall_s=wall,
        returncode=completed.returncode,
        error=error,
        max_complexity=figures.get("max_complexity"),
    )
