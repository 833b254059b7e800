"""Exploration: closed forms, equations and identities for a number (φ by default).

The searches run on the torch device (:mod:`phi_lab.compute.closed_forms`,
:mod:`phi_lab.compute.equation_search`, :mod:`phi_lab.compute.identities`); this module is
where their discoveries meet the validator: every equation :func:`find_equations` reports
has been through :func:`phi_lab.validate`'s pipeline (its numeric checks batched, as in
:func:`phi_lab.validate_many`), so it carries a verdict, its topology and its φ-coherence
like anything a researcher types.

All three accept a ``cancel`` :class:`threading.Event` and a ``progress`` flag or callback,
so a notebook can run them in a background thread with a Stop button
(:class:`phi_lab.widgets.ExplorerWidget` does exactly that).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import torch

from phi_lab.compute.closed_forms import find_closed_forms
from phi_lab.compute.device import resolve_device
from phi_lab.compute.enumeration import ProgressCallback
from phi_lab.compute.equation_search import EquationHit, search_equations
from phi_lab.compute.identities import find_identities
from phi_lab.compute.solution_sets import real_roots
from phi_lab.equations.forms import relation_key
from phi_lab.equations.syntax import Node, Operation, walk
from phi_lab.equations.verdict import ValidationResult
from phi_lab.validation import validate_each

if TYPE_CHECKING:
    import pandas

__all__ = ["EQUATION_COLUMNS", "find_closed_forms", "find_equations", "find_identities"]

#: The columns of the frame :func:`find_equations` returns, in order.
EQUATION_COLUMNS = (
    "equation",
    "complexity",
    "error",
    "digits",
    "exact",
    "valid",
    "kind",
    "confidence",
    "decided_by",
    "betti",
    "chi",
    "phi_coherence",
    "catalog",
    "group_size",
    "variants",
)


def find_equations(
    target: float | str | Node | Any = None,
    *,
    constants: Sequence[str] = ("1", "2", "3", "5"),
    operations: Sequence[str] = ("+", "-", "*", "/", "^", "sqrt"),
    variable: str = "x",
    max_complexity: int = 9,
    max_side_complexity: int | None = 6,
    x_on_both_sides: bool = True,
    max_results: int = 20,
    time_budget_s: float = 10.0,
    device: str | torch.device | None = None,
    progress: bool | ProgressCallback = False,
    tolerance: float = 1e-9,
    max_pool: int | None = None,
    prune: bool = True,
    cancel: threading.Event | None = None,
) -> pandas.DataFrame:
    """Equations in ``variable`` that ``target`` satisfies, each validated.

    For φ the simplest are ``x = sqrt(x + 1)``, ``x - 1 = 1/x`` and ``x^2 = x + 1``
    (complexity 5 and 6); ``x^3 = 2*x + 1`` follows at 8.  The search is
    :func:`phi_lab.compute.equation_search.search_equations` (meet-in-the-middle between
    sides, 50-digit verification); see it for the parameters.

    Parameters
    ----------
    max_results:
        Rows (distinct relations) returned, and validated, at most.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EQUATION_COLUMNS`: the equation's text, complexity, the relative
        distance from the target to its root (``error``, ``digits``, ``exact``) and the
        verdict of :func:`phi_lab.validate` in math mode (with how it was decided).  One row per
        relation: equations whose sides' differences agree up to a nonzero factor once
        denominators are cleared (``x^2 = x + 1``, ``x^2 - x = 1``, ``x - 1 = 1/x``:
        :func:`phi_lab.equations.forms.relation_key`) are one group, shown by its simplest
        member (least complex, then without division, then with the smaller left side);
        ``group_size`` counts the group and ``variants`` holds the other members.  Ranked exact
        first, then by complexity, error and text.  ``attrs`` holds ``stopped``, ``levels``,
        ``candidates``, ``pruned``, ``pool``, ``pool_limit``, ``pool_bytes``, ``seconds``,
        ``device``, ``hits`` (pairs of sides that matched in double precision, all groups: the
        count the progress reports show), ``verified`` (equations verified at 50 digits),
        ``found_after_s`` (per row, its group's first) and ``reason`` (why no exact equation
        was found, a sentence; None when one was).

    Raises
    ------
    InputError
        For an unknown constant or operation, a bad budget, or a target that is not a finite
        real number.
    """
    import pandas

    search = search_equations(
        target,
        constants=constants,
        operations=operations,
        variable=variable,
        max_complexity=max_complexity,
        max_side_complexity=max_side_complexity,
        x_on_both_sides=x_on_both_sides,
        time_budget_s=time_budget_s,
        device=device,
        progress=progress,
        tolerance=tolerance,
        max_pool=max_pool,
        prune=prune,
        cancel=cancel,
    )
    groups = _relations(search.hits, variable, search.target, resolve_device(device), max_results)
    shown = [sorted(group, key=_simplest) for group in groups[:max_results]]
    # One device batch for the numeric checks of all the rows, as validate_many does.
    verdicts = validate_each([group[0].text for group in shown], {}, "math", resolve_device(device))
    rows = [_row(group, verdict) for group, verdict in zip(shown, verdicts, strict=True)]
    frame = pandas.DataFrame(rows, columns=list(EQUATION_COLUMNS))
    frame = frame.astype(
        {
            "complexity": "int64",
            "error": "float64",
            "digits": "int64",
            "exact": "bool",
            "valid": "bool",
            "group_size": "int64",
        }
    )
    frame.attrs.update(
        stopped=search.stopped,
        levels=search.levels,
        candidates=search.candidates,
        pruned=search.pruned,
        pool=search.pool,
        pool_limit=search.pool_limit,
        pool_bytes=search.pool_bytes,
        pairs=search.pairs,
        seconds=search.seconds,
        device=search.device,
        hits=search.pairs,
        verified=len(search.hits),
        found_after_s={group[0].text: min(hit.found_after_s for hit in group) for group in shown},
        reason=search.reason,
    )
    return frame


def _relations(
    hits: Sequence[EquationHit], variable: str, target: float, device: torch.device, enough: int
) -> list[list[EquationHit]]:
    """The hits grouped into relations, in the order of each group's best hit (``hits`` are ranked).

    An exact hit is keyed by the real roots seen around the target
    (:func:`~phi_lab.compute.solution_sets.real_roots`: ``x = pi``, ``exp(pi - x) = 1`` and
    ``x^3 = pi^3`` are one relation, ``x^2 = pi^2`` another; ``x^2 = x + 1``, ``x - 1 = 1/x``
    and ``x^2 - x = 1`` share theirs), any other hit by its sides' difference up to a nonzero
    factor (:func:`~phi_lab.equations.forms.relation_key`, which SymPy computes: ~10 ms a hit).
    Inexact hits are left out when the exact ones already make ``enough`` groups: ranked after
    every exact hit, they could not be shown, nor join an exact relation.
    """
    parent = list(range(len(hits)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def join(keyed: dict[object, int], key: object, index: int) -> None:
        if key in keyed:
            first, second = root(keyed[key]), root(index)
            parent[max(first, second)] = min(first, second)  # the better-ranked hit leads
        else:
            keyed[key] = index

    exact = [index for index, hit in enumerate(hits) if hit.exact]
    solutions = real_roots(
        [(hits[index].left.node, hits[index].right.node) for index in exact], variable, around=target, device=device
    )
    by_roots: dict[object, int] = {}
    for index, roots in zip(exact, solutions, strict=True):
        if roots:
            join(by_roots, roots, index)
    rooted = {index for index, roots in zip(exact, solutions, strict=True) if roots}
    by_relation: dict[object, int] = {}
    for index in exact:  # SymPy (~10 ms a hit) only where no roots were seen
        if index not in rooted:
            join(by_relation, relation_key(hits[index].left.node, hits[index].right.node, variable), index)
    kept = list(exact)
    if len({root(index) for index in exact}) < enough:
        inexact = [index for index, hit in enumerate(hits) if not hit.exact]
        for index in inexact:
            join(by_relation, relation_key(hits[index].left.node, hits[index].right.node, variable), index)
        kept += inexact
    groups: dict[int, list[EquationHit]] = {}
    for index in sorted(kept):
        groups.setdefault(root(index), []).append(hits[index])
    return [groups[leader] for leader in sorted(groups)]


def _simplest(hit: EquationHit) -> tuple[bool, int, float, bool, int, int, str]:
    """How a group's member is chosen to show it: exact, least complex, least error, no division,
    smaller left side (``x^2 = x + 1`` before ``x^2 - x = 1``), shorter, then by text."""
    divides = any(
        isinstance(node, Operation) and node.op == "div" for side in (hit.left, hit.right) for node in walk(side.node)
    )
    return (
        not hit.exact,
        hit.complexity,
        0.0 if hit.exact else hit.error,
        divides,
        hit.left.complexity,
        len(hit.text),
        hit.text,
    )


def _row(group: list[EquationHit], result: ValidationResult) -> tuple[Any, ...]:
    hit = group[0]
    return (
        hit.text,
        hit.complexity,
        hit.error,
        hit.digits,
        hit.exact,
        result.valid,
        result.kind,
        result.confidence,
        result.decided_by or "",  # absent text: an empty cell, as in validate_many's frames
        result.betti,
        result.chi,
        result.phi_coherence,
        result.catalog or "",
        len(group),
        tuple(member.text for member in group[1:]),
    )
