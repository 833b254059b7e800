"""How far phi_lab's confidence can be trusted: accuracy by confidence band on the adversarial corpus.

Run from the repository root::

    python bench/reliability.py [--json]

Every equation of ``tests/adversarial_corpus.py`` (answers decided independently of phi_lab and
re-checked by ``tests/test_adversarial_oracle.py``) is validated once; the script prints, for each
band of ``confidence``, how many verdicts fell in it and how many of those had the right kind (a
reliability table: read 0.95 as "right about 95 times in 100"), the same by ``decided_by``, and
the verdicts that were wrong.  Nothing is timed and nothing is asserted; the test suite asserts
the two guarantees (``tests/test_adversarial.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any

if __package__ in (None, ""):  # run as a script: make `tests` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

#: Confidence bands [low, high); the last one includes 1.
BANDS: tuple[tuple[float, float], ...] = ((0.5, 0.7), (0.7, 0.85), (0.85, 0.9), (0.9, 0.95), (0.95, 1.0))


def band_of(confidence: float) -> tuple[float, float]:
    """The band ``confidence`` falls in."""
    for low, high in BANDS:
        if confidence < high:
            return low, high
    return BANDS[-1]


def measure() -> dict[str, Any]:
    """Validate the corpus and tally the verdicts by band and by method."""
    import phi_lab as pl
    from tests.adversarial_corpus import ENTRIES

    pl.validate("cosh(x) = sinh(x)")  # start the prover process first
    rows = []
    for entry in ENTRIES:
        result = pl.validate(entry.text, mode=entry.mode)
        right = result.kind == entry.kind and result.valid == (entry.kind in ("identity", "relation"))
        rows.append(
            {
                "text": entry.text,
                "expected": entry.kind,
                "kind": result.kind,
                "confidence": result.confidence,
                "decided_by": result.decided_by or "—",
                "right": right,
            }
        )
    bands = {f"{low:.2f}–{high:.2f}": [0, 0] for low, high in BANDS}
    methods: dict[str, list[int]] = {}
    for row in rows:
        low, high = band_of(row["confidence"])
        tally = bands[f"{low:.2f}–{high:.2f}"]
        tally[0] += 1
        tally[1] += row["right"]
        by_method = methods.setdefault(row["decided_by"], [0, 0])
        by_method[0] += 1
        by_method[1] += row["right"]
    return {
        "equations": len(rows),
        "right": sum(row["right"] for row in rows),
        "kinds": dict(Counter(row["expected"] for row in rows)),
        "bands": bands,
        "methods": methods,
        "wrong": [row for row in rows if not row["right"]],
    }


def print_report(report: dict[str, Any]) -> None:
    """The tables, as text."""
    total, right = report["equations"], report["right"]
    print(f"adversarial corpus: {total} equations, {right} verdicts of the right kind ({right / total:.1%})")
    print("expected kinds: " + ", ".join(f"{kind} {count}" for kind, count in sorted(report["kinds"].items())))
    print()
    print(f"  {'confidence':14} {'verdicts':>9} {'right':>7} {'accuracy':>9}")
    for name, (count, good) in report["bands"].items():
        accuracy = f"{good / count:.1%}" if count else "—"
        print(f"  {name:14} {count:9d} {good:7d} {accuracy:>9}")
    print()
    print(f"  {'decided by':14} {'verdicts':>9} {'right':>7} {'accuracy':>9}")
    for name, (count, good) in sorted(report["methods"].items()):
        print(f"  {name:14} {count:9d} {good:7d} {good / count:>9.1%}")
    print()
    print("wrong verdicts:")
    for row in report["wrong"]:
        got = f"{row['kind']} at {row['confidence']} ({row['decided_by']})"
        print(f"  {row['text']!r}: expected {row['expected']}, got {got}")


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print (text, or JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print machine-readable figures only")
    args = parser.parse_args(argv)
    report = measure()
    if args.json:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
