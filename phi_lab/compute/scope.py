"""What a search is given: the expressions it may build and what it may spend.

The friendly layer (:mod:`phi_lab.exploration`) turns a caller's keywords into these values
once; the searches (:mod:`phi_lab.compute.closed_forms`,
:mod:`phi_lab.compute.equation_search`, :mod:`phi_lab.compute.identities`) take them already
checked, with a :class:`torch.device`, instead of restating a dozen parameters each.

:class:`SearchSpace`
    The expressions of a bottom-up search: its constants (the leaves), its operations, its
    most complex level.
:class:`EquationSpace`
    The equations of a meet-in-the-middle search: a variable among the leaves, the most
    complex equation and side, and whether the variable may appear on both sides.
:class:`SearchBudget`
    Seconds, pool members and a cancel event; :meth:`SearchBudget.start` gives the running
    :class:`~phi_lab.compute.enumeration.Budget` (its clock) when the search begins.

Each checks itself when it is made (:class:`~phi_lab.errors.InputError` for an unknown
constant or operation, a complexity or budget out of range), so a value that exists is usable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from phi_lab.compute.enumeration import Budget, Candidate, read_leaves, read_operations
from phi_lab.errors import InputError

__all__ = ["EquationSpace", "SearchBudget", "SearchSpace"]


@dataclass(frozen=True, slots=True)
class SearchSpace:
    """The expressions a bottom-up search builds.

    Attributes
    ----------
    constants:
        The leaves: integers (``"3"``), ``"pi"``, ``"e"``, ``"phi"``, or ``"sqrtN"`` for √N (a
        single leaf of complexity 1).
    operations:
        Binary operations among ``+ - * / ^`` and functions among
        :data:`~phi_lab.compute.enumeration.UNARY_OPERATIONS`.
    max_complexity:
        The most complex level built (see :mod:`phi_lab.compute.enumeration`), at least 1.

    Raises
    ------
    InputError
        For an unknown constant or operation, no constant, or a complexity below 1.
    """

    constants: tuple[str, ...]
    operations: tuple[str, ...]
    max_complexity: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "constants", tuple(self.constants))
        object.__setattr__(self, "operations", tuple(self.operations))
        read_leaves(self.constants)
        read_operations(self.operations)
        _check_whole("max_complexity", self.max_complexity, 1)

    @property
    def functions(self) -> list[str]:
        """The functions of one argument allowed (``sqrt``, ``exp``…), in the given order."""
        return read_operations(self.operations)[0]

    @property
    def binary(self) -> list[str]:
        """The binary operations allowed, as syntax-tree names (``add``, ``pow``…)."""
        return read_operations(self.operations)[1]

    def leaves(self, variable: str | None = None) -> list[Candidate]:
        """The leaves as candidates: ``variable`` first when given, then the constants."""
        return read_leaves(self.constants, variable)


@dataclass(frozen=True, slots=True)
class EquationSpace:
    """The equations ``left = right`` in ``variable`` a meet-in-the-middle search pairs.

    Attributes
    ----------
    constants, operations:
        As for :class:`SearchSpace`; the variable is a leaf besides the constants.
    max_complexity:
        The most complex equation (both sides together), at least 2.
    variable:
        The unknown's name.
    max_side_complexity:
        The most complex side (``None``: ``max_complexity − 1``); at most ``max_complexity − 1``
        is used.  Each level costs several times the one before, so this bounds the work.
    x_on_both_sides:
        Allow the variable on the right too (``x^2 = x + 1``); ``False`` keeps RIES's
        ``f(x) = constant`` shape.

    Raises
    ------
    InputError
        For an equation complexity below 2, a variable that is not a name, or what
        :class:`SearchSpace` refuses.
    """

    constants: tuple[str, ...]
    operations: tuple[str, ...]
    max_complexity: int
    variable: str = "x"
    max_side_complexity: int | None = None
    x_on_both_sides: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "constants", tuple(self.constants))
        object.__setattr__(self, "operations", tuple(self.operations))
        _check_whole("max_complexity", self.max_complexity, 2, " for an equation")
        if self.max_side_complexity is not None:
            _check_whole("max_side_complexity", self.max_side_complexity, 1)
        if not isinstance(self.variable, str) or not self.variable.isidentifier():
            raise InputError(f"variable {self.variable!r} is not a name")
        read_leaves(self.constants, self.variable)
        read_operations(self.operations)

    @property
    def side_complexity(self) -> int:
        """The most complex side searched: ``max_side_complexity`` within ``max_complexity − 1``."""
        most = self.max_complexity - 1
        return most if self.max_side_complexity is None else min(self.max_side_complexity, most)

    @property
    def sides(self) -> SearchSpace:
        """The expressions the sides are built from (the variable aside)."""
        return SearchSpace(self.constants, self.operations, self.side_complexity)


@dataclass(frozen=True, slots=True)
class SearchBudget:
    """What a search may spend before it stops with what it has found.

    Attributes
    ----------
    seconds:
        Wall time, checked between blocks of candidates (positive).
    max_pool:
        Members kept for building larger ones; ``None``: sized by the search from the memory
        available on its device (:func:`~phi_lab.compute.pool.pool_limit`).  Searches without a
        pool (the identities') ignore it.
    cancel:
        An event another thread (a notebook's Stop button) may set to stop the search.

    Raises
    ------
    InputError
        For seconds that are not positive, or a pool below one member.
    """

    seconds: float
    max_pool: int | None = None
    cancel: threading.Event | None = None

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise InputError(f"time budget must be positive, got {self.seconds!r} s")
        if self.max_pool is not None:
            _check_whole("max_pool", self.max_pool, 1)

    def start(self, pool_limit: Callable[[], int] | None = None) -> Budget:
        """The running budget, its clock started now.

        Its pool limit is ``max_pool``; when that is ``None``, what ``pool_limit()`` says (a
        search sizes it for its own members on its device), and no limit without it.
        """
        limit = self.max_pool if self.max_pool is not None or pool_limit is None else pool_limit()
        return Budget(self.seconds, 2**62 if limit is None else limit, self.cancel)


def _check_whole(name: str, value: object, least: int, purpose: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InputError(f"{name} must be a whole number of at least {least}{purpose}, got {value!r}")
