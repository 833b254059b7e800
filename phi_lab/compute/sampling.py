"""The real sample points and the one device batch that evaluates relations at them.

Every variable ranges over the real line, so the samples do too: for each variable,
independently and seeded (so verdicts are reproducible),

* 64 values of random sign and magnitude log-uniform in [10⁻³, 10³],
* 32 values uniform in (−4, 4) (near the branch points ±1 and 0 of √, log, asin, acos, …),
* 16 values of random sign and magnitude in [10³, 10⁶], and 16 in [10⁻⁶, 10⁻³].

:func:`sample_relations` evaluates many relations at once with one compiled tensor program
(:mod:`phi_lab.compute.program`) and brings the values back to the host, where the decision
ladder (:mod:`phi_lab.compute.numeric`) reads them: which samples are defined, where the two
sides agree in double precision.  Agreement in doubles is only a screen: every claim is
confirmed at 50/80 digits before it is stated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from phi_lab.compute.arithmetic import TorchArithmetic
from phi_lab.compute.device import complex_dtype
from phi_lab.compute.program import compile_program, run_program
from phi_lab.equations.evaluate import ComplexArithmetic, evaluate
from phi_lab.equations.syntax import Relation

__all__ = [
    "DOMAIN",
    "SAMPLES",
    "Sampled",
    "constant_values",
    "evaluate_relations",
    "sample_points",
    "sample_relations",
    "tolerance",
]

#: Sample points per relation.
SAMPLES = 128
#: How the samples cover the real line, for explanations.
DOMAIN = "both signs, magnitudes 10⁻⁶ to 10⁶"
_SEED = 1618033988


@dataclass(frozen=True, slots=True)
class Sampled:
    """One relation at the sample points.

    Attributes
    ----------
    variables:
        The variables, in the order of the rows of ``points``.
    points:
        (V, N) float64 values of the variables.
    lhs, rhs:
        (N,) complex128 values of the two sides (NaN where undefined).
    defined:
        (N,) bool: both sides finite.
    agree:
        (N,) bool: defined and equal to the double-precision tolerance.
    """

    variables: tuple[str, ...]
    points: np.ndarray
    lhs: np.ndarray
    rhs: np.ndarray
    defined: np.ndarray
    agree: np.ndarray

    def point(self, index: int) -> dict[str, float]:
        """Sample ``index`` as variable → value."""
        return {name: float(self.points[row, index]) for row, name in enumerate(self.variables)}


def tolerance(dtype: torch.dtype) -> float:
    """Relative agreement that counts as equal: double precision, or single on MPS."""
    return 1e-9 if dtype == torch.complex128 else 1e-4


@lru_cache(maxsize=16)
def sample_points(count: int) -> np.ndarray:
    """The (count, SAMPLES) seeded sample values of ``count`` variables (see the module docstring)."""
    generator = np.random.default_rng(_SEED)
    rows = []
    for _ in range(count):
        signs = generator.choice((-1.0, 1.0), size=SAMPLES)
        wide = 10.0 ** generator.uniform(-3.0, 3.0, size=64)
        near = generator.uniform(-4.0, 4.0, size=32)
        large = 10.0 ** generator.uniform(3.0, 6.0, size=16)
        small = 10.0 ** generator.uniform(-6.0, -3.0, size=16)
        values = np.concatenate((wide * signs[:64], near, large * signs[64:80], small * signs[80:96]))
        rows.append(values)
    points = np.array(rows, dtype=np.float64).reshape(count, SAMPLES)
    points.setflags(write=False)
    return points


def sample_relations(
    relations: Sequence[Relation],
    constants: Sequence[Mapping[str, complex]],
    variables: Sequence[tuple[str, ...]],
    device: torch.device,
) -> list[Sampled]:
    """Evaluate every relation at the sample points of its variables, in one device batch.

    Parameters
    ----------
    relations:
        The relations (each with at least one variable).
    constants:
        For each relation, the double values of the constants it uses.
    variables:
        For each relation, its variables (the rows of its samples).
    device:
        Where to compute.
    """
    if not relations:
        return []
    dtype = complex_dtype(device)
    widest = max(len(names) for names in variables)
    pool = torch.tensor(sample_points(widest), device=device).to(dtype)
    values = evaluate_relations(relations, constants, variables, [pool[: len(names)] for names in variables])
    finite = torch.isfinite(torch.view_as_real(values)).all(dim=-1).all(dim=1)
    lhs, rhs = values[:, 0], values[:, 1]
    close = (lhs - rhs).abs() <= tolerance(dtype) * torch.maximum(lhs.abs(), rhs.abs())
    agree = close & finite
    host = values.to(torch.complex128).cpu().numpy()
    finite_host, agree_host = finite.cpu().numpy(), agree.cpu().numpy()
    points = sample_points(widest)
    return [
        Sampled(names, points[: len(names)], host[row, 0], host[row, 1], finite_host[row], agree_host[row])
        for row, names in enumerate(variables)
    ]


def evaluate_relations(
    relations: Sequence[Relation],
    constants: Sequence[Mapping[str, complex]],
    variables: Sequence[tuple[str, ...]],
    samples: Sequence[torch.Tensor],
) -> torch.Tensor:
    """Both sides of each relation at its (V, N) samples: (B, 2, N) complex values.

    Many relations run as one compiled program; a single one is walked node by node (one
    device operation per node, cheaper than a program's per-step bookkeeping).
    """
    if len(relations) > 1:
        device = samples[0].device
        program = compile_program(
            [(relation.lhs, relation.rhs) for relation in relations], constants, device, variables
        )
        return run_program(program, samples)
    relation, values, names, points = relations[0], constants[0], variables[0], samples[0]
    arithmetic = TorchArithmetic(points.device)
    assigned: dict[str, object] = dict(values)
    assigned.update({name: points[row] for row, name in enumerate(names)})
    sides = [evaluate(side, assigned, arithmetic) for side in (relation.lhs, relation.rhs)]
    stacked = [side if isinstance(side, torch.Tensor) else torch.full_like(points[0], complex(side)) for side in sides]
    return torch.stack(stacked)[None]


def constant_values(names: Sequence[str] | frozenset[str]) -> dict[str, complex]:
    """Double values of named constants, for :func:`sample_relations`."""
    scalar = ComplexArithmetic()
    return {name: scalar.constant(name) for name in names}
