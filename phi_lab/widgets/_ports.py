"""What the widgets take from outside: the callables and objects their constructors accept.

The notebook layer has no science of its own.  Verdicts come from :func:`phi_lab.validate`,
:func:`phi_lab.validate_many` or a :class:`~phi_lab.client.WorkerClient`; pictures from
:mod:`phi_lab.plots`; persistence from :class:`phi_lab.store.MasterList`.  Each is a
constructor argument (tests pass fakes), typed here as a :class:`~typing.Protocol`, and each
default is imported on first use: the widgets load without the pipeline (torch), matplotlib or
networkx, and say in their status line what is missing instead of failing.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from phi_lab.equations.verdict import ValidationResult

__all__ = [
    "BatchClient",
    "Chart",
    "Draw",
    "MasterListLike",
    "SaveOutcome",
    "Search",
    "Validate",
    "ValidateMany",
    "default_charts",
    "default_draw",
    "default_search",
    "default_validate",
    "default_validate_many",
    "figure_png",
    "open_master_list",
]


class Validate(Protocol):
    """``validate(equation, units, mode) -> ValidationResult``, as :func:`phi_lab.validate`."""

    def __call__(self, equation: str, units: Mapping[str, str] | None, mode: str, /) -> ValidationResult: ...


class ValidateMany(Protocol):
    """``validate_many(equations, units, mode) -> DataFrame``, as :func:`phi_lab.validate_many`."""

    def __call__(self, equations: list[str], units: Mapping[str, str] | None, mode: str, /) -> pd.DataFrame: ...


class BatchClient(Protocol):
    """Anything with :meth:`phi_lab.client.WorkerClient.validate_many`'s first three parameters."""

    def validate_many(self, equations: list[str], units: Mapping[str, str] | None, mode: str, /) -> pd.DataFrame: ...


class Search(Protocol):
    """``search(kind, target, *, constants, operations, max_complexity, max_results, time_budget_s,
    progress, cancel) -> DataFrame``: ``kind`` ``"equations"`` or ``"closed forms"``, as
    :func:`default_search`'s.

    The keywords are those of :func:`phi_lab.find_equations` and :func:`phi_lab.find_closed_forms`:
    ``constants`` (``"3"``, ``"pi"``, ``"e"``, ``"phi"``, ``"sqrt5"``), ``operations`` (``"+"``,
    ``"sqrt"``, ...), ``max_results`` (rows), ``progress`` (called with a
    :class:`~phi_lab.compute.enumeration.Progress`: ``complexity``, ``evaluated``, ``pool``,
    ``hits``, ``seconds``) and ``cancel`` (set by the Stop button).  The frame's ``attrs`` may
    say ``stopped``, ``seconds``, ``hits`` (all hits, before grouping: the progress reports'
    count), ``verified`` (those confirmed at 50 digits), ``reason`` (why little or nothing was
    found), ``pool_limit``, ``search`` (what the frame is: ``"equations"`` or ``"closed
    forms"``) and ``verdicts`` (a mapping from a row's index label to the
    :class:`~phi_lab.ValidationResult` of the equation the row states, as
    :class:`phi_lab.exploration.Verdicts`: what Save keeps, never validated again).
    """

    def __call__(
        self,
        kind: str,
        target: str,
        /,
        *,
        constants: Sequence[str],
        operations: Sequence[str],
        max_complexity: int,
        max_results: int,
        time_budget_s: float,
        progress: Callable[[Any], None],
        cancel: threading.Event,
    ) -> pd.DataFrame: ...


class Draw(Protocol):
    """``draw(equation, units=...) -> Figure``, as :func:`phi_lab.plots.draw_complex`."""

    def __call__(self, equation: str, /, *, units: Mapping[str, str] | None = None) -> Figure: ...


#: A summary chart of a results frame, as :func:`phi_lab.plots.plot_verdicts`.
Chart = Callable[["pd.DataFrame"], "Figure"]


class SaveOutcome(Protocol):
    """What :meth:`phi_lab.store.MasterList.add` returns (its ``AddOutcome``)."""

    @property
    def id(self) -> object: ...

    @property
    def added(self) -> bool: ...


class MasterListLike(Protocol):
    """The part of :class:`phi_lab.store.MasterList` the widgets use."""

    def add(self, result: ValidationResult, /, *, units: dict[str, str] | None = None) -> SaveOutcome: ...

    def add_many(
        self,
        results: list[ValidationResult],
        /,
        *,
        units: dict[str, str] | None = None,
        note: str | None = None,
        tags: Sequence[str] = (),
        source: str | None = None,
    ) -> Sequence[SaveOutcome]: ...


def default_validate() -> Validate:
    """:func:`phi_lab.validate` (imports the torch pipeline)."""
    from phi_lab.validation import validate

    return validate


def default_validate_many() -> ValidateMany:
    """:func:`phi_lab.validate_many` (imports the torch pipeline)."""
    from phi_lab.validation import validate_many

    return validate_many


def default_search() -> Search:
    """:func:`phi_lab.find_equations` for ``"equations"``, else :func:`phi_lab.find_closed_forms` (imports torch).

    Every keyword of :class:`Search` is passed on as it is.
    """
    from phi_lab.exploration import find_closed_forms, find_equations

    def search(kind: str, target: str, /, **options: Any) -> pd.DataFrame:
        return (find_equations if kind == "equations" else find_closed_forms)(target, **options)

    return search


def default_draw() -> tuple[Draw | None, str]:
    """``(phi_lab.plots.draw_complex, "")``, or ``(None, why not)`` without the notebook extra."""
    try:
        from phi_lab.plots import draw_complex
    except ModuleNotFoundError as exc:  # matplotlib or networkx
        return None, _missing(exc)
    return draw_complex, ""


def default_charts() -> tuple[list[Chart], str]:
    """``phi_lab.plots``' verdict, topology and distribution charts, or ``([], why not)``."""
    try:
        from phi_lab.plots import plot_distributions, plot_topology, plot_verdicts
    except ModuleNotFoundError as exc:
        return [], _missing(exc)
    return [plot_verdicts, plot_topology, plot_distributions], ""


def _missing(exc: ModuleNotFoundError) -> str:
    return f"pictures need {exc.name}: pip install 'phi_lab[notebook]'"


def open_master_list() -> MasterListLike:
    """:class:`phi_lab.store.MasterList` at its default path (``$PHI_LAB_MASTER_LIST``, else per user).

    Raises
    ------
    InputError
        If the file cannot be opened (see :class:`~phi_lab.store.MasterList`).
    """
    from phi_lab.store import MasterList

    return MasterList()


def figure_png(figure: Figure) -> bytes:
    """Render ``figure`` as PNG bytes and close it (so pyplot does not keep it alive)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(figure)
    return buffer.getvalue()
