"""What the widget tests share: fakes of the master list, a verdict without the pipeline, constants.

A plain module (not a conftest) so the test modules can import the classes; the fixtures that
hand them out are in ``tests/widgets/conftest.py``.  Nothing here imports ipywidgets: the test
modules skip themselves where the 'notebook' extra is missing.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

import phi_lab as pl

#: The first bytes of every PNG file.
PNG = b"\x89PNG"
requires_plots = pytest.mark.skipif(
    importlib.util.find_spec("phi_lab.plots") is None,
    reason="phi_lab.plots (draw_complex) is not in this checkout yet",
)


@dataclass(frozen=True)
class Outcome:
    id: int
    added: bool
    normal_form: str


class FakeMasterList:
    """Records what was added; a text already there is not added again (as the store does)."""

    def __init__(self) -> None:
        self.rows: list[tuple[Any, Mapping[str, str] | None]] = []
        self._ids: dict[str, int] = {}

    def add(self, result: pl.ValidationResult, *, units: Mapping[str, str] | None = None, **_: Any) -> Outcome:
        assert isinstance(result, pl.ValidationResult)  # the store takes records only
        equation = result.equation
        self.rows.append((result, units))
        added = equation not in self._ids
        self._ids.setdefault(equation, len(self._ids) + 1)
        return Outcome(self._ids[equation], added, equation)

    def add_many(self, results: Sequence[Any], *, units: Mapping[str, str] | None = None, **_: Any) -> list[Outcome]:
        return [self.add(result, units=units) for result in results]

    @property
    def equations(self) -> list[str]:
        return [result.equation for result, _ in self.rows]


def fake_result(equation: str, *, valid: bool = True, confidence: float = 0.9, **extra: Any) -> pl.ValidationResult:
    return pl.ValidationResult(
        valid, confidence, (1, 0, 0), 1, 0.0, "Valid: fake." if valid else "Invalid: fake.", 0.1,
        equation=equation, kind="relation", **extra,
    )  # fmt: skip
