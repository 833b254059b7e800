"""Exploration: closed forms, equations and identities for a number (φ by default), as DataFrames.

The searches run on the torch device (:mod:`phi_lab.compute.closed_forms`,
:mod:`phi_lab.compute.equation_search`, :mod:`phi_lab.compute.identities`) and return typed,
frozen results.  This module is the friendly layer over them: it takes the caller's keywords,
checks them once (a :class:`~phi_lab.compute.scope.SearchSpace` or
:class:`~phi_lab.compute.scope.EquationSpace`, a :class:`~phi_lab.compute.scope.SearchBudget`, the
device resolved here), builds the DataFrames, and is where discoveries meet the validator: every
equation :func:`find_equations` reports, and the equation ``target = form`` of every exact form
:func:`find_closed_forms` reports, has been through :func:`phi_lab.validate`'s pipeline in math
mode (the numeric checks batched, as in :func:`phi_lab.validate_many`).

Each frame says what it is and carries what was computed about it in ``attrs``: besides the
search's statistics, ``attrs["search"]`` (``"closed forms"``, ``"equations"`` or
``"identities"``) and, for the first two, ``attrs["verdicts"]`` (:class:`Verdicts`: the
:class:`~phi_lab.ValidationResult` of each validated row, by index label), so a caller that keeps
hits (:class:`phi_lab.widgets.ExplorerWidget`'s Save) never validates them again.

All three accept a ``cancel`` :class:`threading.Event` and a ``progress`` flag or callback,
so a notebook can run them in a background thread with a Stop button
(:class:`phi_lab.widgets.ExplorerWidget` does exactly that).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch

from phi_lab.compute.closed_forms import ClosedForm, ClosedFormSearch, search_closed_forms
from phi_lab.compute.device import resolve_device
from phi_lab.compute.enumeration import ProgressCallback
from phi_lab.compute.equation_search import EquationHit, EquationSearch, search_equations
from phi_lab.compute.identities import IdentitySearch, IdentitySpace, search_identities
from phi_lab.compute.scope import EquationSpace, SearchBudget, SearchSpace
from phi_lab.compute.solution_sets import real_roots
from phi_lab.equations.forms import relation_key
from phi_lab.equations.syntax import Node, Operation, walk
from phi_lab.equations.verdict import ValidationResult
from phi_lab.options import Options
from phi_lab.validation import validate_each

if TYPE_CHECKING:
    import pandas

__all__ = [
    "CLOSED_FORM_COLUMNS",
    "EQUATION_COLUMNS",
    "IDENTITY_COLUMNS",
    "Verdicts",
    "find_closed_forms",
    "find_equations",
    "find_identities",
]

#: Hits are validated as pure mathematics: their names are numbers, not quantities.
MATH = Options("math")

#: The columns of the frame :func:`find_closed_forms` returns, in order.
CLOSED_FORM_COLUMNS = ("expression", "complexity", "value", "error", "digits", "exact", "group_size", "variants")
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
#: The columns of the frame :func:`find_identities` returns, in order.
IDENTITY_COLUMNS = ("template", "identity", "exponent", "residual", "proved")


class Verdicts(Mapping[Hashable, ValidationResult]):
    """The verdicts of a search frame's rows, by index label: ``frame.attrs["verdicts"]``.

    A row's label stays with it when the frame is filtered or sorted, so
    ``frame.attrs["verdicts"][label]`` is the verdict of the row ``frame.loc[label]`` of any frame
    derived from the search's.  Immutable and shared, not copied: pandas deep-copies ``attrs``
    into every frame it derives, and copying a verdict per row each time would cost more than
    most operations.
    """

    __slots__ = ("_by_label",)

    def __init__(self, by_label: Mapping[Hashable, ValidationResult] | None = None) -> None:
        self._by_label = dict(by_label or {})

    def __getitem__(self, label: Hashable) -> ValidationResult:
        return self._by_label[label]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._by_label)

    def __len__(self) -> int:
        return len(self._by_label)

    def __repr__(self) -> str:
        return f"Verdicts({len(self)} rows)"

    def __copy__(self) -> Verdicts:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Verdicts:
        return self

    def __reduce__(self) -> tuple[type[Verdicts], tuple[dict[Hashable, ValidationResult]]]:
        return (type(self), (self._by_label,))


def find_closed_forms(
    target: float | str | Node | Any = None,
    *,
    constants: Sequence[str] = ("1", "2", "3", "5", "pi", "e", "sqrt5"),
    operations: Sequence[str] = ("+", "-", "*", "/", "^", "sqrt", "exp", "log"),
    max_complexity: int = 7,
    max_results: int = 20,
    time_budget_s: float = 10.0,
    device: str | torch.device | None = None,
    progress: bool | ProgressCallback = False,
    tolerance: float = 1e-9,
    max_pool: int | None = None,
    batch_size: int = 16_384,
    prune: bool = True,
    cancel: threading.Event | None = None,
) -> pandas.DataFrame:
    """Search for closed forms of ``target`` and return the best hits.

    The search is :func:`phi_lab.compute.closed_forms.search_closed_forms` (bottom-up by
    complexity, 50-digit verification, spellings of one form grouped).

    Parameters
    ----------
    target:
        The number to explain: ``None`` for φ, a float, a string of digits (``"1.41421356…"``)
        or expression text (``"sqrt(2)"``), an mpmath number, or a syntax tree; read at 50 digits.
    constants:
        Leaves of the search: integers (``"3"``), ``"pi"``, ``"e"``, ``"phi"``, or ``"sqrtN"``
        for √N (a single leaf of complexity 1).
    operations:
        Binary operations among ``+ - * / ^`` and functions among
        :data:`~phi_lab.compute.enumeration.UNARY_OPERATIONS`.
    max_complexity:
        The most complex level searched (see :mod:`phi_lab.compute.enumeration` for the count).
    max_results:
        Rows (distinct forms) returned at most.
    time_budget_s:
        Seconds after which the search stops (checked between blocks) with what it found.
    device:
        Torch device for the batches (``None``: :func:`~phi_lab.compute.device.resolve_device`).
    progress:
        ``True`` for a progress bar, or a callable receiving
        :class:`~phi_lab.compute.enumeration.Progress` after every batch.
    tolerance:
        Relative distance to the target, in double precision, that makes a candidate a hit.
    max_pool:
        Members kept for building larger ones; the search stops before exceeding it.  None:
        sized from the memory available (:func:`~phi_lab.compute.pool.pool_limit`).
    batch_size:
        Candidates per device batch.
    prune:
        Skip the candidates :data:`~phi_lab.compute.pruning.RULES` call trivial (``False``
        only to compare with the plain enumeration).
    cancel:
        An event another thread (a notebook's Stop button) may set to stop the search between
        blocks; the hits found so far are returned.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CLOSED_FORM_COLUMNS`, one row per distinct form (its simplest spelling;
        ``variants`` is a tuple of the other spellings found, simplest first, and
        ``group_size`` counts them all), ranked exact first, then by complexity, error (inexact
        hits) and text.  ``attrs`` holds ``stopped`` (``"max_complexity"``, ``"time"``,
        ``"memory"`` or ``"cancelled"``), ``levels`` (complexity levels finished),
        ``candidates`` (evaluated), ``pruned`` (excluded by a rule before evaluation), ``pool``
        (kept), ``pool_limit`` and ``pool_bytes`` (the most members allowed, and the memory the
        kept ones take), ``seconds``, ``device``, ``hits`` (spellings found within the
        tolerance, all forms: the count the progress reports show), ``found_after_s`` (for each
        returned form, the seconds into the search when its first spelling was evaluated),
        ``reason`` (why no exact form was found, a sentence; None when one was), ``search``
        (``"closed forms"``) and ``verdicts`` (:class:`Verdicts`: for each exact row, the verdict
        of the equation ``target = form`` in math mode, e.g. ``phi = (1 + sqrt(5))/2``; only when
        the target was given as text or is φ by default, the target's text being its left side).

    Raises
    ------
    InputError
        For an unknown constant or operation, a bad budget, or a target that is not a finite
        real number.
    DeviceError
        For a device that does not exist.
    """
    space = SearchSpace(tuple(constants), tuple(operations), max_complexity)
    budget = SearchBudget(time_budget_s, max_pool, cancel)
    where = resolve_device(device)
    search = search_closed_forms(
        target, space, budget, where, tolerance=tolerance, batch_size=batch_size, prune=prune, progress=progress
    )
    shown = search.forms[:max_results]
    named = _target_text(target)
    exact = [position for position, form in enumerate(shown) if form.exact] if named is not None else []
    # One device batch for the numeric checks of the exact rows, as validate_many does.
    checked = validate_each([f"{named} = {shown[position].expression}" for position in exact], MATH, where)
    frame = _closed_form_frame(search, shown)
    frame.attrs.update(
        search="closed forms",
        verdicts=Verdicts({frame.index[position]: verdict for position, verdict in zip(exact, checked, strict=True)}),
    )
    return frame


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
    sides, 50-digit verification).

    Parameters
    ----------
    target:
        As for :func:`find_closed_forms` (``None`` is φ); must be real.
    constants, operations:
        Leaves besides the variable, and operations, as for :func:`find_closed_forms`.
    variable:
        The unknown's name.
    max_complexity:
        The most complex equation (both sides together).
    max_side_complexity:
        The most complex side (``None``: ``max_complexity − 1``).  Each level costs several
        times the one before, so this bounds the work.
    x_on_both_sides:
        Allow the variable on the right too (``x^2 = x + 1``); ``False`` keeps RIES's
        ``f(x) = constant`` shape.
    max_results:
        Rows (distinct relations) returned, and validated, at most.
    time_budget_s, cancel:
        Stop enumerating after so many seconds, or when the event is set (checked between
        batches); pairs of the finished levels are still matched and verified.
    device, progress, max_pool, prune:
        As for :func:`find_closed_forms` (the pool's members hold four sample points each).
    tolerance:
        Relative difference of the sides at the target, and relative distance of the implied
        root from it, in double precision, that make a pair.

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
        ``found_after_s`` (per row, its group's first), ``reason`` (why no exact equation
        was found, a sentence; None when one was), ``search`` (``"equations"``) and
        ``verdicts`` (:class:`Verdicts`: every row's whole verdict, of which the columns show a
        part).

    Raises
    ------
    InputError
        For an unknown constant or operation, a bad budget, or a target that is not a finite
        real number.
    DeviceError
        For a device that does not exist.
    """
    import pandas

    space = EquationSpace(
        tuple(constants), tuple(operations), max_complexity, variable, max_side_complexity, x_on_both_sides
    )
    budget = SearchBudget(time_budget_s, max_pool, cancel)
    where = resolve_device(device)
    search = search_equations(target, space, budget, where, tolerance=tolerance, prune=prune, progress=progress)
    groups = _relations(search.hits, variable, search.target, where, max_results)
    shown = [sorted(group, key=_simplest) for group in groups[:max_results]]
    # One device batch for the numeric checks of all the rows, as validate_many does.
    verdicts = validate_each([group[0].text for group in shown], MATH, where)
    rows = [_equation_row(group, verdict) for group, verdict in zip(shown, verdicts, strict=True)]
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
    frame.attrs.update(_statistics(search))
    frame.attrs.update(
        hits=search.pairs,
        verified=len(search.hits),
        found_after_s={group[0].text: min(hit.found_after_s for hit in group) for group in shown},
        reason=search.reason,
        search="equations",
        verdicts=Verdicts(dict(zip(frame.index, verdicts, strict=True))),
    )
    return frame


def find_identities(
    templates: Sequence[str] = ("power", "lucas", "sum"),
    *,
    max_exponent: int = 20,
    tolerance: float = 1e-8,
    device: str | torch.device | None = None,
    time_budget_s: float = 30.0,
    progress: bool | ProgressCallback = False,
    cancel: threading.Event | None = None,
) -> pandas.DataFrame:
    """Search the φ identity templates and return the identities SymPy proves.

    The search is :func:`phi_lab.compute.identities.search_identities` (the templates are
    described there).

    Parameters
    ----------
    templates:
        Names from :data:`~phi_lab.compute.identities.TEMPLATES`.
    max_exponent:
        N in the templates (1–30; the ``power`` template tries 2φ^N coefficients for each of
        2N exponents, so its cost grows as φ^N).
    tolerance:
        How close to an integer (``power``, ``lucas``: absolute) or to a power of φ
        (``sum``: relative) a candidate must be, in the device's precision, to be proposed.
    device:
        Torch device (``None``: :func:`~phi_lab.compute.device.resolve_device`).
    time_budget_s, cancel:
        Stop between templates and between proofs when spent or set; what is proved is returned.
    progress:
        ``True`` for a progress bar over the proofs, or a callable receiving
        :class:`~phi_lab.compute.enumeration.Progress` (``evaluated``: candidates tried so far,
        ``hits``: proved so far).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`IDENTITY_COLUMNS` (``residual``: the numeric distance that proposed it;
        ``proved``: always True, refuted candidates are dropped), in template order, then by
        exponent and text.  ``attrs`` holds ``stopped`` (``"done"``, ``"time"`` or
        ``"cancelled"``), ``candidates`` (numeric), ``proposed``, ``refuted`` (texts),
        ``undecided`` (texts SymPy could not decide), ``seconds``, ``device`` and ``search``
        (``"identities"``).

    Raises
    ------
    InputError
        For an unknown template, an exponent out of range or a bad budget.
    DeviceError
        For a device that does not exist.
    """
    space = IdentitySpace(tuple(templates), max_exponent)
    budget = SearchBudget(time_budget_s, cancel=cancel)
    search = search_identities(space, budget, resolve_device(device), tolerance=tolerance, progress=progress)
    return _identity_frame(search)


# -- frames ----------------------------------------------------------------------------------------


def _statistics(search: ClosedFormSearch | EquationSearch) -> dict[str, Any]:
    """The ``attrs`` both enumerating searches share, in their order."""
    return {
        "stopped": search.stopped,
        "levels": search.levels,
        "candidates": search.candidates,
        "pruned": search.pruned,
        "pool": search.pool,
        "pool_limit": search.pool_limit,
        "pool_bytes": search.pool_bytes,
        **({"pairs": search.pairs} if isinstance(search, EquationSearch) else {}),
        "seconds": search.seconds,
        "device": search.device,
    }


def _closed_form_frame(search: ClosedFormSearch, shown: Sequence[ClosedForm]) -> pandas.DataFrame:
    import pandas

    rows = [
        (form.expression, form.complexity, form.value, form.error, form.digits, form.exact, form.group_size,
         form.variants)
        for form in shown
    ]  # fmt: skip
    frame = pandas.DataFrame(rows, columns=list(CLOSED_FORM_COLUMNS))
    frame = frame.astype(
        {"complexity": "int64", "value": "float64", "error": "float64", "digits": "int64", "group_size": "int64"}
    )
    frame.attrs.update(_statistics(search))
    frame.attrs.update(
        hits=search.hits,
        found_after_s={form.expression: form.found_after_s for form in shown},
        reason=search.reason,
    )
    return frame


def _identity_frame(search: IdentitySearch) -> pandas.DataFrame:
    import pandas

    rows = [(item.template, item.identity, item.exponent, item.residual, True) for item in search.identities]
    frame = pandas.DataFrame(rows, columns=list(IDENTITY_COLUMNS))
    frame = frame.astype({"exponent": "int64", "residual": "float64", "proved": "bool"})
    frame.attrs.update(
        stopped=search.stopped,
        candidates=search.candidates,
        proposed=search.proposed,
        refuted=list(search.refuted),
        undecided=list(search.undecided),
        seconds=search.seconds,
        device=search.device,
        search="identities",
    )
    return frame


def _target_text(target: object) -> str | None:
    """The target as the left side of an equation: its text, or ``phi`` by default; None otherwise."""
    if target is None:
        return "phi"
    return target.strip() if isinstance(target, str) else None


# -- relations -------------------------------------------------------------------------------------


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


def _equation_row(group: list[EquationHit], result: ValidationResult) -> tuple[Any, ...]:
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
