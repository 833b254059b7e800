"""Counters of the decision procedures reached, for ``bench/bench_validate.py``'s report.

:mod:`phi_lab.compute.numeric` and :mod:`phi_lab.compute.systems` count each procedure they
reach (exact algebra, the 50/80-digit confirmation, root searches, proofs, SymPy) in
:data:`USAGE`; the benchmark clears it, validates its corpus once and prints the counts.  The
counters are process-wide and not thread-safe: they are a measurement aid, never an input to a
verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["USAGE", "Usage"]


@dataclass
class Usage:
    """How often each procedure was reached."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str) -> None:
        """Count one more use of ``name``."""
        self.counts[name] = self.counts.get(name, 0) + 1


#: The process-wide counters.
USAGE = Usage()
