"""phi_lab against the adversarial corpus, whose answers were decided without it.

``tests/adversarial_corpus.py`` holds several hundred equations (branch cuts, precision traps,
huge and exact constants, real cube roots, no-solution proofs, complex-only solutions, systems,
measured constants) with the verdict each must get, checked independently by
``tests/test_adversarial_oracle.py``.  Here :func:`phi_lab.validate` must

* agree on the kind of at least 99 % of them, and
* never be wrong with a confidence of 0.9 or more: a confident verdict was proved or confirmed
  at high precision, so it is right (each entry is its own test case, which passes when the
  verdict is right or, if wrong, stated below 0.9).

``bench/reliability.py`` prints the accuracy in each confidence band (the table in docs/verdicts.md).
"""

from __future__ import annotations

import pytest

import phi_lab as pl
from tests.adversarial_corpus import ENTRIES, Entry

pytestmark = pytest.mark.slow

#: Verdicts this confident must be right.
CONFIDENT = 0.9
#: Share of the corpus whose kind must be right.
ACCURACY = 0.99


@pytest.fixture(scope="module")
def verdicts() -> dict[str, pl.ValidationResult]:
    """Every entry validated once (about 15 s)."""
    pl.validate("cosh(x) = sinh(x)")  # start the prover before anything is timed against a budget
    return {entry.text: pl.validate(entry.text, mode=entry.mode) for entry in ENTRIES}


def test_at_least_99_percent_of_the_corpus_gets_its_kind(verdicts: dict[str, pl.ValidationResult]) -> None:
    wrong = [(entry.text, entry.kind, verdicts[entry.text].kind) for entry in ENTRIES if not _right(entry, verdicts)]
    assert len(ENTRIES) >= 350
    assert 1 - len(wrong) / len(ENTRIES) >= ACCURACY, wrong


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.text for entry in ENTRIES])
def test_never_wrong_with_confidence(entry: Entry, verdicts: dict[str, pl.ValidationResult]) -> None:
    result = verdicts[entry.text]
    if not _right(entry, verdicts):
        assert result.confidence < CONFIDENT, (entry.kind, result.kind, result.explanation)
    if result.confidence >= CONFIDENT and result.decided_by is not None:
        assert result.decided_by != "sampled", result.explanation


def _right(entry: Entry, verdicts: dict[str, pl.ValidationResult]) -> bool:
    result = verdicts[entry.text]
    return result.kind == entry.kind and result.valid == (entry.kind in ("identity", "relation"))
