"""Figures for notebooks: an equation's complex, and summaries of many verdicts.

This module owns the drawing of what phi_lab computes; every number it shows
comes from phi_lab (:func:`~phi_lab.equations.topology.build_complex`,
:meth:`~phi_lab.equations.topology.Complex.loop_edges`,
:func:`~phi_lab.equations.topology.betti_numbers`, the columns of
:func:`phi_lab.validate_many`).  Functions return a :class:`matplotlib.figure.Figure`
built directly (never through ``pyplot``): no global state, no GUI backend, and a
notebook displays a returned Figure as it is.

==========================  ==============================================================
:func:`draw_complex`        one equation's graph: vertices by kind, filled triangles,
                            the loop edges that make ``b1``, ``β`` and ``χ`` in the title
:func:`plot_topology`       Betti numbers and ``χ`` per equation (bars; a heatmap for many)
:func:`plot_distributions`  histograms of φ-coherence and confidence, valid/invalid stacked
:func:`plot_verdicts`       counts of each verdict kind, valid/invalid stacked and annotated
:func:`plot_hits`           a search's hits (:func:`phi_lab.find_closed_forms`,
                            :func:`phi_lab.find_equations`): error against complexity
==========================  ==============================================================

The summaries accept the DataFrame of :func:`phi_lab.validate_many` (or of
``WorkerClient.validate_many``: the same columns plus ``worker_id``, which is ignored),
or a sequence of :class:`~phi_lab.ValidationResult`.

Colours and themes
------------------
Every colour that carries meaning is a mid-tone from the Okabe–Ito palette
(distinguishable with the common colour-vision deficiencies) and is the same in both
themes, so it reads on white and on a dark notebook.  What a theme changes is the
background, the text and the muted lines, which every figure sets explicitly instead of
inheriting ``rcParams``: ``theme="light"`` (default) draws dark text on white,
``theme="dark"`` light text on near-black.  Node labels are dark text on light-to-mid
fills in both themes.  A :class:`Theme` may be passed instead of a name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedFormatter, FixedLocator, MaxNLocator, NullLocator

from phi_lab.equations.binding import normalize_units
from phi_lab.equations.names import GREEK
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.syntax import Syntax
from phi_lab.equations.topology import Vertex, VertexKind, betti_numbers, build_complex
from phi_lab.equations.verdict import KINDS, ValidationResult
from phi_lab.errors import InputError

__all__ = [
    "ERROR_FLOOR",
    "MAX_VERTICES",
    "THEMES",
    "Theme",
    "draw_complex",
    "plot_distributions",
    "plot_hits",
    "plot_topology",
    "plot_verdicts",
    "vertex_text",
]

#: Largest graph :func:`draw_complex` draws; beyond it the picture is unreadable (and
#: networkx's layout would need scipy from 500 vertices on).
MAX_VERTICES = 200

#: Seed of the spring layout, so the same equation is always drawn the same way.
_LAYOUT_SEED = 7

#: Equations drawn as grouped bars by :func:`plot_topology`; more become a heatmap.
_MAX_BARS = 12

_COLUMNS = ("equation", "valid", "kind", "confidence", "phi_coherence", "betti", "chi")


@dataclass(frozen=True, slots=True)
class Theme:
    """The colours of a figure.

    Parameters
    ----------
    name:
        ``"light"`` or ``"dark"`` for the built-in themes (see :data:`THEMES`).
    background, text, muted:
        Figure and axes background, all text, and lines that carry no meaning (edges,
        spines, grid).
    symbol, operator, relation, number:
        Node fills by vertex kind (labels on them are drawn in :attr:`node_text`).
    node_text:
        Text on the node fills: dark, since the fills are light-to-mid tones.
    loop:
        The highlighted edges that close the unfilled loops (``b1``).
    triangle:
        The fill of the 2-simplices.
    valid, invalid:
        Verdict colours of the summaries.
    series:
        ``b0, b1, b2, χ`` in :func:`plot_topology`.
    """

    name: str
    background: str
    text: str
    muted: str
    symbol: str = "#56B4E9"
    operator: str = "#D9D9D9"
    relation: str = "#E69F00"
    number: str = "#7FD3B0"
    node_text: str = "#111111"
    loop: str = "#D55E00"
    triangle: str = "#CC79A7"
    valid: str = "#009E73"
    invalid: str = "#D55E00"
    series: tuple[str, str, str, str] = ("#56B4E9", "#E69F00", "#CC79A7", "#009E73")


#: The built-in themes by name.
THEMES: Mapping[str, Theme] = {
    "light": Theme("light", background="#FFFFFF", text="#1F2328", muted="#8C959F"),
    "dark": Theme("dark", background="#1E1E1E", text="#E6EDF3", muted="#8B949E"),
}

_MARKERS: dict[VertexKind, str] = {"symbol": "o", "operator": "s", "relation": "D", "number": "h"}
_KIND_NAMES: dict[VertexKind, str] = {
    "relation": "relation (=)",
    "operator": "operator",
    "symbol": "symbol",
    "number": "number",
}
_FUNCTION_GLYPHS = {"sqrt": "√", "cbrt": "∛", "root": "ⁿ√", "abs": "|·|", "log": "ln", "gamma": "Γ", "beta": "B"}
_SYMBOL_GLYPHS = {**GREEK, "hbar": "ħ", "pi": "π"}
_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def vertex_text(vertex: Vertex) -> str:
    """The label :func:`draw_complex` prints on a vertex.

    Greek names become their letters (``phi`` → ``φ``, ``theta_1`` → ``θ₁``), ``hbar`` is
    ``ħ``; a few functions get their sign (``sqrt`` → ``√``, ``log`` → ``ln``); a subscript
    of digits is set in subscript digits (``epsilon_0`` → ``ε₀``), one of letters as a
    mathtext subscript (``k_B`` → ``k$_{\\mathregular{B}}$``); numbers longer than seven
    characters are cut with ``…``; a ``$`` is escaped.  Everything else is
    :attr:`Vertex.label`.

    Parameters
    ----------
    vertex:
        A vertex of :func:`~phi_lab.equations.topology.build_complex`.

    Returns
    -------
    str
    """
    label = vertex.label
    if vertex.kind == "operator":
        return _escape(_FUNCTION_GLYPHS.get(label, label))
    if vertex.kind == "number":
        return _escape(_shorten(label, 7))
    if vertex.kind == "symbol":
        base, underscore, subscript = label.partition("_")
        base = _escape(_SYMBOL_GLYPHS.get(base, base))
        if underscore and subscript.isascii() and subscript.isdigit():
            return base + subscript.translate(_SUBSCRIPT_DIGITS)
        if underscore and subscript.isascii() and subscript.isalnum():  # set as a subscript with mathtext
            return f"{base}$_{{\\mathregular{{{_SYMBOL_GLYPHS.get(subscript, subscript)}}}}}$"
        return base + _escape(underscore + subscript)
    return _escape(label)


def draw_complex(
    equation: str | Syntax,
    *,
    units: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    theme: str | Theme = "light",
) -> Figure:
    """Draw the clique complex of an equation's graph (see docs/checks.md, "Topology").

    Vertices are marked by kind: symbols (circles), operators and functions (squares),
    each relation's ``=`` (diamonds), number literals (hexagons).  Filled triangles are
    shaded; the edges of :meth:`~phi_lab.equations.topology.Complex.loop_edges`, one per
    unfilled loop, are drawn thick in the theme's loop colour.  The title gives the text,
    ``β = [b0, b1, b2]``, ``χ`` and the simplex counts.  The layout is networkx's
    spring layout of the complex's edges with a fixed seed: the same equation is always
    drawn the same way.

    Parameters
    ----------
    equation:
        Equation text (parsed as :func:`phi_lab.validate` parses it) or a parsed
        :class:`~phi_lab.equations.syntax.Syntax`.
    units:
        As for :func:`phi_lab.validate`; its names are kept whole when letters are split.
    ax:
        Axes to draw into; by default a new 7 × 5.5 inch figure.  With an axes, the theme
        colours the axes and text, not the figure around it.
    theme:
        ``"light"``, ``"dark"`` or a :class:`Theme`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the drawing.  Its axes hold one text per vertex
        (``ax.texts``, in vertex order, see :func:`vertex_text`).

    Raises
    ------
    ParseError
        If the text does not parse.
    UnitError
        For unusable ``units``.
    InputError
        If the graph has more than :data:`MAX_VERTICES` vertices, or the theme is unknown.
    """
    colors = _theme(theme)
    if isinstance(equation, Syntax):
        syntax = equation
    else:
        syntax = parse_syntax(equation, frozenset(normalize_units(units)))
    complex_ = build_complex(syntax)
    count = len(complex_.vertices)
    if count > MAX_VERTICES:
        raise InputError(f"the graph has {count} vertices; draw_complex draws at most {MAX_VERTICES}")
    figure, ax = _figure_and_axes(ax, colors, (7.0, 5.5))

    xy = _layout(count, complex_.edges)

    loops = set(complex_.loop_edges())
    extras: list[Artist] = []
    if complex_.triangles:
        ax.add_collection(
            PolyCollection(
                [xy[list(triangle)] for triangle in complex_.triangles],
                facecolors=colors.triangle,
                edgecolors="none",
                alpha=0.45,
                zorder=1,
                gid="triangles",
            )
        )
        extras.append(Patch(facecolor=colors.triangle, alpha=0.45, label="filled triangle"))
    plain = [xy[list(edge)] for edge in complex_.edges if edge not in loops]
    ax.add_collection(LineCollection(plain, colors=colors.muted, linewidths=1.6, zorder=2, gid="edges"))
    if loops:
        ax.add_collection(
            LineCollection(
                [xy[list(edge)] for edge in sorted(loops)],
                colors=colors.loop,
                linewidths=3.6,
                zorder=3,
                gid="loop-edges",
            )
        )
        extras.append(Line2D([], [], color=colors.loop, linewidth=3.6, label="loop edge (one per b₁)"))

    texts = [vertex_text(vertex) for vertex in complex_.vertices]
    shown = [_visible_length(text) for text in texts]
    shrink = min(1.0, float(np.sqrt(24 / max(count, 1))))  # big graphs: smaller nodes and labels
    sizes = np.array([(720 if length <= 3 else 1150) * shrink**2 for length in shown])
    markers: list[Artist] = []
    for kind in ("relation", "operator", "symbol", "number"):
        members = [i for i, vertex in enumerate(complex_.vertices) if vertex.kind == kind]
        if not members:
            continue
        fill = getattr(colors, kind)
        ax.scatter(
            xy[members, 0],
            xy[members, 1],
            s=sizes[members],
            marker=_MARKERS[kind],
            c=fill,
            edgecolors=colors.text,
            linewidths=1.0,
            zorder=4,
            gid=f"vertices-{kind}",
        )
        markers.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=_MARKERS[kind],
                markersize=11,
                markerfacecolor=fill,
                markeredgecolor=colors.text,
                label=_KIND_NAMES[kind],
            )
        )
    for (x, y), text, length in zip(xy, texts, shown, strict=True):
        points = 12 if length <= 2 else 10 if length <= 3 else 8 if length <= 5 else 7
        ax.text(
            x, y, text, ha="center", va="center", fontsize=max(5.0, points * shrink), color=colors.node_text, zorder=5
        )

    b0, b1, b2 = betti_numbers(complex_)
    title = (
        f"{_escape(_shorten(syntax.text, 70))}\n"
        f"β = [{b0}, {b1}, {b2}],  χ = {complex_.euler_characteristic}"
        f"   (V = {count}, E = {len(complex_.edges)}, T = {len(complex_.triangles)})"
    )
    ax.set_title(title, color=colors.text, fontsize=12)
    # Equal scales (the box shrinks to fit), with room around the outer markers.
    low, high = (xy.min(axis=0), xy.max(axis=0)) if count else (np.zeros(2), np.zeros(2))
    pad = 0.12 * max(float((high - low).max()), 2.0)
    ax.set_xlim(low[0] - pad, high[0] + pad)
    ax.set_ylim(low[1] - pad, high[1] + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    if markers:
        _legend(ax, colors, markers + extras, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=3)
    return figure


def plot_topology(data: pd.DataFrame | Sequence[ValidationResult], *, theme: str | Theme = "light") -> Figure:
    """Betti numbers and Euler characteristic of each equation.

    Up to 12 equations: grouped horizontal bars (``b0``, ``b1``, ``b2``, ``χ``) per
    equation, top to bottom in input order.  More: a heatmap, one row per equation and one
    column per number, annotated while there are at most 40 rows.  Equation labels are cut
    at 28 characters; rows beyond 60 are not labelled.  ``b2`` (voids) is drawn only when
    some equation has one: the complex of a syntax graph has none
    (:mod:`phi_lab.equations.topology`), so it is usually left out, and the title says so.

    Parameters
    ----------
    data:
        The DataFrame of :func:`phi_lab.validate_many` (or ``WorkerClient.validate_many``),
        or a sequence of :class:`~phi_lab.ValidationResult`.
    theme:
        ``"light"``, ``"dark"`` or a :class:`Theme`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    colors = _theme(theme)
    rows = _rows(data)
    labels = [_escape(_shorten(str(row["equation"]), 28)) for row in rows]
    values = np.array([[*(int(b) for b in row["betti"]), int(row["chi"])] for row in rows], dtype=int)
    values = values.reshape(len(rows), 4)
    drawn = [0, 1, 2, 3] if values[:, 2].any() else [0, 1, 3]  # b₂: only when some equation has a void
    values = values[:, drawn]
    names = [("b₀ (pieces)", "b₁ (loops)", "b₂ (voids)", "χ = b₀ − b₁ + b₂")[j] for j in drawn]
    n = len(rows)
    if n <= _MAX_BARS:
        figure, ax = _figure_and_axes(None, colors, (7.5, max(3.2, 1.8 + 0.45 * n)))
        height = 0.84 / len(drawn)
        for position, (j, name) in enumerate(zip(drawn, names, strict=True)):
            bars = ax.barh(
                np.arange(n) - 0.42 + height * (position + 0.5),
                values[:, position],
                height=height,
                color=colors.series[j],
                label=name,
            )
            ax.bar_label(bars, padding=2, fontsize=7, color=colors.text)  # a zero is a visible "0"
        ax.set_yticks(np.arange(n), labels)
        ax.set_ylim(max(n, 1) - 0.5, -0.5)
        ax.axvline(0, color=colors.muted, linewidth=0.8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("value")
        ax.margins(x=0.08)
        ax.grid(axis="x", color=colors.muted, alpha=0.3)
        ax.set_axisbelow(True)
        _legend(ax, colors, None, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=len(drawn), fontsize=9)
    else:
        figure, ax = _figure_and_axes(None, colors, (7.0, min(12.0, max(4.0, 1.6 + 0.22 * n))))
        image = ax.imshow(values, aspect="auto", cmap="viridis", interpolation="nearest")
        ax.set_xticks(range(len(drawn)), [("b₀", "b₁", "b₂", "χ")[j] for j in drawn])
        ax.set_xlabel("number")
        if n <= 60:
            ax.set_yticks(range(n), labels, fontsize=8 if n > 30 else 9)
        else:
            ax.set_ylabel("equation (row)")
        if n <= 40:
            for (i, j), value in np.ndenumerate(values):
                cell = image.cmap(image.norm(value))
                ink = "black" if _luminance(cell) > 0.5 else "white"
                ax.text(j, i, str(value), ha="center", va="center", fontsize=8, color=ink)
        bar = figure.colorbar(image, ax=ax, fraction=0.05, pad=0.03)
        bar.ax.tick_params(colors=colors.text)
        bar.outline.set_edgecolor(colors.muted)
        bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    title = f"Topology of {n} equation{'s' if n != 1 else ''}: Betti numbers and χ"
    if 2 not in drawn and n:
        title += "\n(b₂, the voids, is 0 for every equation: not drawn)"
    ax.set_title(title, color=colors.text)
    return figure


def plot_distributions(
    data: pd.DataFrame | Sequence[ValidationResult], *, bins: int = 10, theme: str | Theme = "light"
) -> Figure:
    """Histograms of φ-coherence and of confidence, valid and invalid stacked.

    Both use ``bins`` equal bins over [0, 1] (the last bin includes 1).

    Parameters
    ----------
    data:
        As for :func:`plot_topology`.
    bins:
        Number of bins.
    theme:
        ``"light"``, ``"dark"`` or a :class:`Theme`.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: φ-coherence, then confidence.  Each holds two bar containers, valid
        (bottom) then invalid, whose heights are the counts.
    """
    colors = _theme(theme)
    rows = _rows(data)
    if bins < 1:
        raise InputError(f"bins must be at least 1, got {bins}")
    edges = np.linspace(0.0, 1.0, bins + 1)
    figure = Figure(figsize=(8.0, 3.6), layout="constrained", facecolor=colors.background)
    axes = figure.subplots(1, 2, sharey=True)
    valid = np.array([bool(row["valid"]) for row in rows], dtype=bool)
    for ax, column, title in zip(axes, ("phi_coherence", "confidence"), ("φ-coherence", "confidence"), strict=True):
        _style(ax, colors)
        values = np.array([float(row[column]) for row in rows], dtype=float)
        valid_counts, _ = np.histogram(values[valid], bins=edges)
        invalid_counts, _ = np.histogram(values[~valid], bins=edges)
        widths = np.diff(edges)
        ax.bar(edges[:-1], valid_counts, width=widths, align="edge", color=colors.valid, label="valid")
        stack = ax.bar(
            edges[:-1],
            invalid_counts,
            width=widths,
            bottom=valid_counts,
            align="edge",
            color=colors.invalid,
            label="invalid",
        )
        for patch in ax.patches:
            patch.set_edgecolor(colors.background)
            patch.set_linewidth(0.8)
        totals = valid_counts + invalid_counts
        ax.bar_label(stack, labels=[str(t) if t else "" for t in totals], color=colors.text, fontsize=8, padding=2)
        ax.set_xlim(0.0, 1.0)
        ax.set_title(f"{title} ({len(rows)} equations)", color=colors.text)
        ax.set_xlabel(title)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", color=colors.muted, alpha=0.3)
        ax.set_axisbelow(True)
        ax.margins(y=0.12)
    axes[0].set_ylabel("equations")
    _legend(axes[1], colors, None, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return figure


def plot_verdicts(data: pd.DataFrame | Sequence[ValidationResult], *, theme: str | Theme = "light") -> Figure:
    """Count the verdicts by kind, valid and invalid stacked, with the counts written on.

    Every kind of :data:`~phi_lab.equations.verdict.KINDS` has a bar, in that order, so
    figures of different runs line up.

    Parameters
    ----------
    data:
        As for :func:`plot_topology`.
    theme:
        ``"light"``, ``"dark"`` or a :class:`Theme`.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with two bar containers, valid (bottom) then invalid, one bar per kind.
    """
    colors = _theme(theme)
    rows = _rows(data)
    valid_counts = np.array([sum(1 for r in rows if r["kind"] == kind and bool(r["valid"])) for kind in KINDS])
    invalid_counts = np.array([sum(1 for r in rows if r["kind"] == kind and not bool(r["valid"])) for kind in KINDS])
    figure, ax = _figure_and_axes(None, colors, (7.0, 4.0))
    positions = np.arange(len(KINDS))
    lower = ax.bar(positions, valid_counts, width=0.65, color=colors.valid, label="valid")
    upper = ax.bar(positions, invalid_counts, width=0.65, bottom=valid_counts, color=colors.invalid, label="invalid")
    for container, counts in ((lower, valid_counts), (upper, invalid_counts)):
        ax.bar_label(
            container,
            labels=[str(c) if c else "" for c in counts],
            label_type="center",
            color=colors.node_text,
            fontsize=9,
            fontweight="bold",
        )
    totals = valid_counts + invalid_counts
    for x, total in zip(positions, totals, strict=True):
        ax.annotate(
            f"{total}",
            (x, total),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
            color=colors.text,
        )
    # Slanted: eight names side by side at 10 pt overlap ("relationcontradiction") on a 7 in figure.
    ax.set_xticks(
        positions, [kind.replace("_", " ") for kind in KINDS], rotation=30, ha="right", rotation_mode="anchor"
    )
    ax.set_ylabel("equations")
    ax.set_xlabel("verdict kind")
    ax.set_title(f"Verdicts of {len(rows):,} equations: {int(valid_counts.sum()):,} valid", color=colors.text)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(y=0.12)
    ax.grid(axis="y", color=colors.muted, alpha=0.3)
    ax.set_axisbelow(True)
    _legend(ax, colors, None, loc="best")
    return figure


#: Where :func:`plot_hits` draws a close (not exact) hit whose double-precision error is below
#: it: 0 means equal in double precision (relative resolution 2.2·10⁻¹⁶), yet not at 50 digits.
ERROR_FLOOR = 1e-17

#: The most decades :func:`plot_hits` labels on its error axis (more are thinned out).
_MAX_DECADES = 7


def plot_hits(
    frame: pd.DataFrame, *, target: str | None = None, labels: int = 8, theme: str | Theme = "light"
) -> Figure:
    """A search's hits: relative error (log scale) against complexity, exact hits in a band below.

    The error axis spans the close hits' errors, whole decades around them; the exact hits
    (equal at 50 digits: their double-precision errors, 0 or 10⁻⁵⁰, say nothing) sit in a band
    of their own under a dashed line, labelled "exact", so neither stretches the axis.

    Parameters
    ----------
    frame:
        From :func:`phi_lab.find_closed_forms` (column ``expression``) or
        :func:`phi_lab.find_equations` (column ``equation``), with ``complexity``, ``error``
        and ``exact``.
    target:
        The target's name for the title.
    labels:
        At most so many hits are labelled: the first of each complexity in the frame's order
        (the frames are ranked, so the best of each).
    theme:
        ``"light"``, ``"dark"`` or a :class:`Theme`.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with two scatter collections, exact then close.  Close hits are drawn at
        their error (at least :data:`ERROR_FLOOR`; rows with no finite error are left out);
        exact hits on the band's line, the y tick labelled ``exact``.  Hits of equal complexity
        are spread sideways so none hides another.  The title counts the rows as the searches
        group them ("12 relations, 3 exact", "20 forms, 5 exact").
    """
    colors = _theme(theme)
    text_column = "expression" if "expression" in frame.columns else "equation"
    missing = [column for column in (text_column, "complexity", "error", "exact") if column not in frame.columns]
    if missing:
        raise InputError(f"the frame lacks the column(s) {', '.join(missing)} of a phi_lab search")
    figure, ax = _figure_and_axes(None, colors, (7.5, 4.2))
    complexity = frame["complexity"].to_numpy(dtype=float)
    error = frame["error"].to_numpy(dtype=float)
    exact = frame["exact"].to_numpy(dtype=bool)
    close = ~exact & np.isfinite(error)
    rank = frame.groupby("complexity").cumcount().to_numpy(dtype=float)
    size = frame.groupby("complexity")["complexity"].transform("size").to_numpy(dtype=float)
    x = complexity + np.where(size > 1, (rank / np.maximum(size - 1, 1) - 0.5) * 0.6, 0.0)
    shown = np.maximum(np.where(close, error, 1.0), ERROR_FLOOR)
    if close.any():
        low = int(np.floor(np.log10(shown[close].min())))
        high = max(int(np.ceil(np.log10(shown[close].max()))), low + 1)
    else:
        low = high = 0  # no error axis: only the band
    band = 10.0 ** (low - 1.5)
    y = np.where(exact, band, shown)
    for chosen, color, marker, name in (
        (exact, colors.valid, "*", "exact (50 digits)"),
        (close, colors.invalid, "o", "close"),
    ):
        ax.scatter(
            x[chosen], y[chosen], s=70 if marker == "*" else 36, color=color, marker=marker, label=name, zorder=3
        )
    firsts = [int(index) for index in np.flatnonzero((rank == 0) & (exact | close))][:labels]  # the best of each
    for index in firsts:
        ax.annotate(
            _escape(_shorten(str(frame[text_column].iloc[index]), 28)),
            (x[index], y[index]),
            xytext=(2, 8),
            textcoords="offset points",
            rotation=30,
            fontsize=8,
            color=colors.text,
        )
    ax.set_yscale("log")
    bottom = low - 2.2 if exact.any() else low - 0.5  # the band only when there are exact hits
    ax.set_ylim(10.0**bottom, 10.0 ** (high + (0.9 if close.any() else -0.8)))
    step = max(1, -(-(high - low + 1) // _MAX_DECADES))
    decades = list(range(high, low - 1, -step))[::-1] if close.any() else []
    ticks, names = [10.0**d for d in decades], [f"$10^{{{d}}}$" for d in decades]
    if exact.any():
        ticks, names = [band, *ticks], ["exact", *names]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(FixedFormatter(names))
    ax.yaxis.set_minor_locator(NullLocator())
    if close.any() and exact.any():
        ax.axhline(10.0 ** (low - 0.75), color=colors.muted, linewidth=0.8, linestyle="--", zorder=1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("complexity (nodes)")
    ax.set_ylabel("relative error")
    row = "form" if text_column == "expression" else "relation"  # a row groups hits: counted as the table does
    title = f"{len(frame)} {row}{'' if len(frame) == 1 else 's'}, {int(exact.sum())} exact"
    ax.set_title(f"{_escape(target)}: {title}" if target else title, color=colors.text)
    ax.grid(color=colors.muted, alpha=0.3)
    ax.set_axisbelow(True)
    if len(frame):
        _legend(ax, colors, None, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return figure


# --- helpers -------------------------------------------------------------------------------


def _layout(count: int, edges: Sequence[tuple[int, int]]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Vertex positions: a seeded spring layout per connected piece, pieces side by side.

    Laid out together, the pieces of a system repel each other to the corners and crowd
    their own vertices; apart, each gets room in proportion to its size.
    """
    graph = nx.Graph()
    graph.add_nodes_from(range(count))
    graph.add_edges_from(edges)
    xy = np.zeros((count, 2), dtype=np.float64)
    left = 0.0
    for piece in sorted(nx.connected_components(graph), key=min):
        nodes = sorted(piece)
        layout = nx.spring_layout(
            graph.subgraph(nodes), seed=_LAYOUT_SEED, iterations=200, scale=0.4 * np.sqrt(len(nodes))
        )
        block = np.array([layout[node] for node in nodes], dtype=np.float64).reshape(len(nodes), 2)
        block[:, 0] += left - block[:, 0].min()
        xy[nodes] = block
        left = float(block[:, 0].max()) + 0.8
    return xy


def _theme(theme: str | Theme) -> Theme:
    if isinstance(theme, Theme):
        return theme
    found = THEMES.get(theme)
    if found is None:
        raise InputError(f"unknown theme {theme!r}; expected one of {', '.join(THEMES)} or a Theme")
    return found


def _rows(data: pd.DataFrame | Sequence[ValidationResult]) -> list[Mapping[str, Any]]:
    """One mapping per equation with at least the columns of :data:`_COLUMNS`."""
    if isinstance(data, pd.DataFrame):
        missing = [column for column in _COLUMNS if column not in data.columns]
        if missing:
            raise InputError(f"the frame lacks the column(s) {', '.join(missing)} of phi_lab.validate_many")
        records: list[Mapping[str, Any]] = data.to_dict("records")
        return records
    rows: list[Mapping[str, Any]] = []
    for item in data:
        if not isinstance(item, ValidationResult):
            raise InputError(f"expected a DataFrame or ValidationResults, got a {type(item).__name__}")
        rows.append(item.to_dict())
    return rows


def _figure_and_axes(ax: Axes | None, colors: Theme, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is None:
        figure = Figure(figsize=size, layout="constrained", facecolor=colors.background)
        ax = figure.add_subplot()
    else:
        root = ax.get_figure(root=True)
        if not isinstance(root, Figure):
            raise InputError("the axes given belong to no figure")
        figure = root
    _style(ax, colors)
    return figure, ax


def _style(ax: Axes, colors: Theme) -> None:
    """Set the colours a theme owns explicitly, so rcParams and notebook styles do not leak in."""
    ax.set_facecolor(colors.background)
    for spine in ax.spines.values():
        spine.set_edgecolor(colors.muted)
    ax.tick_params(colors=colors.text, which="both")
    ax.xaxis.label.set_color(colors.text)
    ax.yaxis.label.set_color(colors.text)
    ax.title.set_color(colors.text)


def _legend(ax: Axes, colors: Theme, handles: Sequence[Artist] | None, **kwargs: Any) -> None:
    if handles is None:
        legend = ax.legend(**kwargs)
    else:
        legend = ax.legend(handles=handles, **kwargs)
    legend.get_frame().set_facecolor(colors.background)
    legend.get_frame().set_edgecolor(colors.muted)
    for text in legend.get_texts():
        text.set_color(colors.text)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _visible_length(text: str) -> int:
    """Characters a label shows, not counting the mathtext and escapes of :func:`vertex_text`."""
    return len(text.replace("$_{\\mathregular{", "").replace("}}$", "").replace("\\$", "$"))


def _escape(text: str) -> str:
    """Keep user text literal: a ``$`` would start matplotlib's math mode."""
    return text.replace("$", r"\$")


def _luminance(color: Sequence[float] | np.ndarray[Any, Any]) -> float:
    red, green, blue = (float(channel) for channel in color[:3])
    return 0.299 * red + 0.587 * green + 0.114 * blue
