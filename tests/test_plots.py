"""Tests for phi_lab.plots: what each figure draws is read back from its artists."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

import phi_lab as pl
from phi_lab import plots
from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.topology import Vertex, build_complex
from phi_lab.equations.verdict import KINDS
from phi_lab.errors import InputError, ParseError

LIGHT = plots.THEMES["light"]

#: Ten equations covering every verdict kind, a loop, a filled triangle and a system.
EQUATIONS = [
    "E = mc²",
    "φ² = φ + 1",
    "x + x*y = 0",
    "sin(x)^2 + cos(x)^2 = 1",
    "F = m + a",
    "1 = 2",
    "x = x + 1",
    "a = 1; b = 2",
    "x +",
    "3 + 4",
]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pl.validate_many(EQUATIONS, device="cpu")


@pytest.fixture(scope="module")
def results() -> list[pl.ValidationResult]:
    return [pl.validate(text, device="cpu") for text in EQUATIONS]


def render(figure: Figure) -> bytes:
    """Draw the figure to PNG in memory; any warning (a missing glyph, a bad mathtext) fails."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure.savefig(buffer, format="png")
    data = buffer.getvalue()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return data


def only_axes(figure: Figure) -> Axes:
    (ax,) = [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]
    return ax


def segments_of_color(ax: Axes, color: str) -> list[np.ndarray]:
    """Segments of every LineCollection drawn in ``color``."""
    wanted = to_rgba(color)
    found: list[np.ndarray] = []
    for collection in ax.collections:
        if not isinstance(collection, LineCollection):
            continue
        colors = np.asarray(collection.get_colors())
        for index, segment in enumerate(collection.get_segments()):
            if tuple(colors[index % len(colors)]) == pytest.approx(wanted):
                found.append(segment)
    return found


def node_positions(figure: Figure) -> np.ndarray:
    return np.array([text.get_position() for text in only_axes(figure).texts])


def bar_values(ax: Axes) -> list[list[float]]:
    return [
        np.asarray(container.datavalues).tolist() for container in ax.containers if isinstance(container, BarContainer)
    ]


def is_dark(color: Any) -> bool:
    red, green, blue, _ = to_rgba(color)
    return 0.299 * red + 0.587 * green + 0.114 * blue < 0.3


# --- draw_complex --------------------------------------------------------------------------


def test_emc2_draws_one_label_per_vertex() -> None:
    figure = plots.draw_complex("E = mc²")
    ax = only_axes(figure)
    vertices = build_complex(parse_syntax("E = mc²")).vertices
    labels = [text.get_text() for text in ax.texts]
    assert len(vertices) == 7
    assert labels == [vertex.label for vertex in vertices] == ["=", "E", "×", "m", "^", "c", "2"]
    markers = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(np.asarray(c.get_offsets())) for c in markers) == 7
    assert {c.get_gid() for c in markers} == {
        "vertices-relation",
        "vertices-operator",
        "vertices-symbol",
        "vertices-number",
    }
    assert "E = mc²" in ax.get_title()
    assert "β = [1, 0, 0]" in ax.get_title() and "χ = 1" in ax.get_title()
    legend = ax.get_legend()
    assert legend is not None
    assert {text.get_text() for text in legend.get_texts()} == {"relation (=)", "operator", "symbol", "number"}
    render(figure)


def test_golden_equation_has_one_highlighted_loop_edge() -> None:
    figure = plots.draw_complex("φ² = φ + 1")
    ax = only_axes(figure)
    complex_ = build_complex(parse_syntax("φ² = φ + 1"))
    ((u, v),) = complex_.loop_edges()
    (segment,) = segments_of_color(ax, LIGHT.loop)
    positions = node_positions(figure)
    assert np.allclose(segment, positions[[u, v]])
    assert "φ" in [text.get_text() for text in ax.texts]
    assert "phi" not in [text.get_text() for text in ax.texts]
    assert "β = [1, 1, 0]" in ax.get_title() and "χ = 0" in ax.get_title()
    # Every edge is drawn once: the plain ones in the muted colour, the loop edge highlighted.
    assert len(segments_of_color(ax, LIGHT.muted)) + 1 == len(complex_.edges)
    render(figure)


def test_filled_triangle_is_shaded_and_no_edge_highlighted() -> None:
    figure = plots.draw_complex("x + x*y = 0")
    ax = only_axes(figure)
    polygons = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert sum(len(c.get_paths()) for c in polygons) == 1
    (triangle,) = build_complex(parse_syntax("x + x*y = 0")).triangles
    corners = np.asarray(polygons[0].get_paths()[0].vertices)[:3]
    assert np.allclose(corners, node_positions(figure)[list(triangle)])
    assert segments_of_color(ax, LIGHT.loop) == []
    render(figure)


def test_layout_is_deterministic() -> None:
    first = node_positions(plots.draw_complex("sin(x)^2 + cos(x)^2 = 1"))
    second = node_positions(plots.draw_complex("sin(x)^2 + cos(x)^2 = 1"))
    assert np.array_equal(first, second)


def test_system_pieces_are_laid_out_apart() -> None:
    figure = plots.draw_complex("a = 1; b = 2")
    positions = node_positions(figure)
    assert positions[:3, 0].max() < positions[3:, 0].min()
    assert "β = [2, 0, 0]" in only_axes(figure).get_title()


@pytest.mark.parametrize(
    ("vertex", "text"),
    [
        (Vertex("symbol", "phi"), "φ"),
        (Vertex("symbol", "theta_1"), "θ₁"),
        (Vertex("symbol", "hbar"), "ħ"),
        (Vertex("symbol", "epsilon_0"), "ε₀"),
        (Vertex("symbol", "k_B"), r"k$_{\mathregular{B}}$"),
        (Vertex("symbol", "Omega"), "Ω"),
        (Vertex("symbol", "x"), "x"),
        (Vertex("operator", "sqrt"), "√"),
        (Vertex("operator", "sin"), "sin"),
        (Vertex("number", "1.6180339887"), "1.6180…"),
        (Vertex("relation", "="), "="),
    ],
)
def test_vertex_text(vertex: Vertex, text: str) -> None:
    assert plots.vertex_text(vertex) == text


def test_names_glyphs_and_long_numbers_render() -> None:
    figure = plots.draw_complex("theta_1 = sqrt(k_B) + hbar*epsilon_0 - gamma(x); -y = 1.6180339887", theme="dark")
    render(figure)


def test_accepts_syntax_units_and_an_axes() -> None:
    syntax = parse_syntax("speed = d/t", frozenset({"speed"}))
    assert "speed" in [t.get_text() for t in only_axes(plots.draw_complex(syntax)).texts]
    with_units = plots.draw_complex("speed = d/t", units={"speed": "m/s", "d": "m", "t": "s"})
    assert "speed" in [t.get_text() for t in only_axes(with_units).texts]
    host = Figure(figsize=(10, 4))
    left, right = host.subplots(1, 2)
    assert plots.draw_complex("E = mc²", ax=right) is host
    assert len(right.texts) == 7 and len(left.texts) == 0


def test_bad_input_raises() -> None:
    with pytest.raises(ParseError):
        plots.draw_complex("x +* = ")
    with pytest.raises(InputError, match="theme"):
        plots.draw_complex("E = mc²", theme="solarized")
    huge = " + ".join(f"x_{i}" for i in range(plots.MAX_VERTICES)) + " = 0"
    with pytest.raises(InputError, match="vertices"):
        plots.draw_complex(huge)


# --- summaries -----------------------------------------------------------------------------


def test_topology_bars_equal_the_frame(frame: pd.DataFrame) -> None:
    figure = plots.plot_topology(frame)
    ax = only_axes(figure)
    betti = np.array(frame["betti"].tolist())
    assert not betti[:, 2].any()  # no voids in a syntax graph: b₂ is left out, and the title says so
    expected = [list(betti[:, 0]), list(betti[:, 1]), list(frame["chi"])]
    assert bar_values(ax) == expected
    assert [t.get_text() for t in ax.get_yticklabels()] == list(frame["equation"])
    legend = ax.get_legend()
    assert legend is not None and [t.get_text() for t in legend.get_texts()] == [
        "b₀ (pieces)",
        "b₁ (loops)",
        "χ = b₀ − b₁ + b₂",
    ]
    assert "b₂, the voids, is 0 for every equation: not drawn" in ax.get_title() and ax.get_xlabel()
    render(figure)


def test_topology_bar_labels_do_not_overlap(frame: pd.DataFrame) -> None:
    """Every bar has its value written beside it ("0" too); no two of those labels overlap."""
    figure = plots.plot_topology(frame)
    ax = only_axes(figure)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text in ax.texts]
    assert len(boxes) == 3 * len(frame)
    for index, box in enumerate(boxes):
        for other in boxes[index + 1 :]:
            assert not box.overlaps(other), (box, other)


def test_topology_draws_b2_when_an_equation_has_a_void() -> None:
    voids = [
        pl.ValidationResult(True, 0.9, (1, 0, 1), 2, 0.0, "", 0.0, equation="a void", kind="relation"),
        pl.ValidationResult(True, 0.9, (1, 1, 0), 0, 0.0, "", 0.0, equation="a loop", kind="relation"),
    ]
    ax = only_axes(plots.plot_topology(voids))
    assert bar_values(ax) == [[1, 1], [0, 1], [1, 0], [2, 0]]
    assert "not drawn" not in ax.get_title()
    heat = only_axes(plots.plot_topology(voids * 7))
    assert [t.get_text() for t in heat.get_xticklabels()] == ["b₀", "b₁", "b₂", "χ"]


def test_topology_heatmap_for_many_equations(frame: pd.DataFrame) -> None:
    many = pd.concat([frame, frame], ignore_index=True)
    figure = plots.plot_topology(many)
    ax = only_axes(figure)
    (image,) = [artist for artist in ax.get_images() if isinstance(artist, AxesImage)]
    betti = np.array(many["betti"].tolist())
    assert np.array_equal(np.asarray(image.get_array()), np.column_stack([betti[:, :2], many["chi"]]))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["b₀", "b₁", "χ"]
    assert len(ax.get_yticklabels()) == len(many)
    assert "not drawn" in ax.get_title()
    render(figure)


def test_topology_labels_are_cut_and_kept_literal() -> None:
    long = "x_1 + x_2 + x_3 + x_4 + x_5 + x_6 + x_7 = y"
    labels = [
        t.get_text()
        for t in only_axes(plots.plot_topology([pl.validate(long), pl.validate("$x = 1$")])).get_yticklabels()
    ]
    assert labels[0] == long[:27] + "…"
    assert labels[1] == r"\$x = 1\$"
    render(plots.plot_topology([pl.validate(long), pl.validate("$x = 1$ $")]))


def test_distributions_equal_the_frame(frame: pd.DataFrame) -> None:
    figure = plots.plot_distributions(frame)
    assert len(figure.axes) == 2
    edges = np.linspace(0.0, 1.0, 11)
    valid = frame["valid"].to_numpy(dtype=bool)
    for ax, column in zip(figure.axes, ("phi_coherence", "confidence"), strict=True):
        values = frame[column].to_numpy(dtype=float)
        drawn_valid, drawn_invalid = bar_values(ax)
        assert drawn_valid == list(np.histogram(values[valid], bins=edges)[0])
        assert drawn_invalid == list(np.histogram(values[~valid], bins=edges)[0])
        assert sum(drawn_valid) + sum(drawn_invalid) == len(frame)
        assert ax.get_title() and ax.get_xlabel()
        assert ax.get_xlim() == (0.0, 1.0)
    assert figure.axes[0].get_ylabel() == "equations"
    render(figure)


def test_verdicts_equal_the_frame(frame: pd.DataFrame) -> None:
    figure = plots.plot_verdicts(frame)
    ax = only_axes(figure)
    drawn_valid, drawn_invalid = bar_values(ax)
    counts = frame.groupby(["kind", "valid"]).size()
    assert drawn_valid == [counts.get((kind, True), 0) for kind in KINDS]
    assert drawn_invalid == [counts.get((kind, False), 0) for kind in KINDS]
    assert [t.get_text() for t in ax.get_xticklabels()] == [kind.replace("_", " ") for kind in KINDS]
    totals = frame["kind"].value_counts()
    annotated = [t.get_text() for t in ax.texts]
    for kind in totals.index:
        assert str(totals[kind]) in annotated
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    render(figure)


@pytest.mark.parametrize("plot", [plots.plot_topology, plots.plot_distributions, plots.plot_verdicts])
def test_results_and_worker_frames_draw_the_same(
    plot: Callable[..., Figure], frame: pd.DataFrame, results: list[pl.ValidationResult]
) -> None:
    from_frame = plot(frame)
    from_results = plot(results)
    from_worker = plot(frame.assign(worker_id="local"))
    for figure in (from_results, from_worker):
        assert [bar_values(a) for a in figure.axes] == [bar_values(a) for a in from_frame.axes]


def test_summaries_refuse_what_is_not_a_verdict(frame: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="betti"):
        plots.plot_topology(frame.drop(columns=["betti"]))
    with pytest.raises(InputError, match="ValidationResult"):
        plots.plot_verdicts(["E = mc²"])
    with pytest.raises(InputError, match="bins"):
        plots.plot_distributions(frame, bins=0)


# --- themes and figures --------------------------------------------------------------------


def each_figure(frame: pd.DataFrame, theme: str) -> Iterator[Figure]:
    yield plots.draw_complex("φ² = φ + 1", theme=theme)
    yield plots.plot_topology(frame, theme=theme)
    yield plots.plot_distributions(frame, theme=theme)
    yield plots.plot_verdicts(frame, theme=theme)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_theme_sets_the_background_and_text(frame: pd.DataFrame, theme: str) -> None:
    colors = plots.THEMES[theme]
    for figure in each_figure(frame, theme):
        assert is_dark(figure.get_facecolor()) == (theme == "dark")
        for ax in figure.axes:
            assert is_dark(ax.get_facecolor()) == (theme == "dark")
            if ax.get_title():
                assert to_rgba(ax.title.get_color()) == to_rgba(colors.text)
        assert 5.5 <= figure.get_figwidth() <= 8.5
        render(figure)


def test_figures_are_built_without_pyplot() -> None:
    code = (
        "import sys, io; from phi_lab import plots; "
        "plots.draw_complex('E = mc²').savefig(io.BytesIO(), format='png'); "
        "assert 'matplotlib.pyplot' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_save_one_png_per_function(frame: pd.DataFrame, tmp_path: Path) -> None:
    for name, figure in zip(
        ("complex", "topology", "distributions", "verdicts"), each_figure(frame, "light"), strict=True
    ):
        path = tmp_path / f"phi_plots_{name}.png"
        figure.savefig(path)
        assert path.stat().st_size > 10_000


def test_empty_inputs_draw_quietly(caplog: pytest.LogCaptureFixture) -> None:
    empty = pl.validate_many([], device="cpu")
    with caplog.at_level("WARNING", logger="matplotlib"):
        figures = [
            plots.draw_complex(""),
            plots.draw_complex("x"),
            plots.draw_complex("a = 1; b = 2; c = 3"),
            plots.plot_topology(empty),
            plots.plot_topology([]),
            plots.plot_distributions(empty),
            plots.plot_verdicts(empty),
        ]
        for figure in figures:
            render(figure)
    assert caplog.records == []
    assert bar_values(only_axes(plots.plot_verdicts(empty))) == [[0] * len(KINDS)] * 2


# ---------------------------------------------------------------- plot_hits


def hits_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "equation": ["x = sqrt(x + 1)", "x^2 = x + 1", "x - 1 = 1/x", "x = 1.618"],
            "complexity": [5, 6, 6, 4],
            "error": [0.0, 1e-52, 3e-51, 2e-5],
            "exact": [True, True, True, False],
        }
    )


def y_ticks(ax: Axes) -> dict[str, float]:
    return {label.get_text(): float(value) for label, value in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)}


def test_plot_hits_draws_exact_hits_in_a_band_below_the_close_ones() -> None:
    figure = plots.plot_hits(hits_frame(), target="φ")
    (ax,) = figure.axes
    exact, close = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(np.asarray(exact.get_offsets())) == 3 and len(np.asarray(close.get_offsets())) == 1
    band = y_ticks(ax)["exact"]
    assert set(np.asarray(exact.get_offsets())[:, 1]) == {band}  # 0, 1e-52 and 3e-51 alike
    assert np.asarray(close.get_offsets())[0, 1] == pytest.approx(2e-5)
    bottom, top = ax.get_ylim()
    assert 1e-9 < bottom < band < 1e-6 and 2e-4 < top < 1e-2  # the axis spans the close hit, not 10⁻⁵⁰
    (separator,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert band < np.asarray(separator.get_ydata())[0] < 2e-5
    xs = np.asarray(exact.get_offsets())[:, 0]
    assert len(set(xs)) == 3  # the two of complexity 6 are spread apart
    labels = [text.get_text() for text in ax.texts]
    assert labels == ["x = sqrt(x + 1)", "x^2 = x + 1", "x = 1.618"]  # the first of each complexity
    assert ax.get_title() == "φ: 4 relations, 3 exact" and ax.get_yscale() == "log"
    render(figure)


def test_plot_hits_axis_follows_the_close_hits() -> None:
    frame = pd.DataFrame(
        {
            "equation": ["a = 1", "b = 2", "c = 3", "d = 4"],
            "complexity": [3, 4, 5, 6],
            "error": [3e-9, 4e-4, 0.0, 1e-50],
            "exact": [False, False, True, True],
        }
    )
    ax = plots.plot_hits(frame).axes[0]
    bottom, top = ax.get_ylim()
    ticks = y_ticks(ax)
    assert 1e-13 < bottom < ticks["exact"] < 3e-9 < 4e-4 < top < 1e-1
    decades = [value for label, value in ticks.items() if label != "exact"]
    assert min(decades) <= 3e-9 and max(decades) >= 4e-4 and len(decades) <= 7
    close_only = plots.plot_hits(frame[~frame["exact"]]).axes[0]
    assert "exact" not in y_ticks(close_only) and close_only.get_ylim()[0] > 1e-10
    assert not [line for line in close_only.get_lines() if line.get_linestyle() == "--"]
    exact_only = plots.plot_hits(frame[frame["exact"]]).axes[0]
    assert list(y_ticks(exact_only)) == ["exact"]
    zero = plots.plot_hits(frame.assign(exact=False, error=[0.0, 1e-5, np.inf, 1e-6])).axes[0]
    close = [c for c in zero.collections if isinstance(c, PathCollection)][1]
    assert sorted(np.asarray(close.get_offsets())[:, 1]) == [plots.ERROR_FLOOR, 1e-6, 1e-5]  # inf left out
    for axes in (close_only, exact_only, zero):
        render(axes.get_figure())  # type: ignore[arg-type]


def test_plot_hits_reads_closed_forms_and_empty_frames() -> None:
    forms = hits_frame().rename(columns={"equation": "expression"})
    assert plots.plot_hits(forms, labels=1, theme="dark").axes[0].texts[0].get_text() == "x = sqrt(x + 1)"
    empty = plots.plot_hits(hits_frame().iloc[:0])
    assert empty.axes[0].get_title() == "0 relations, 0 exact"
    assert plots.plot_hits(forms.iloc[:1]).axes[0].get_title() == "1 form, 1 exact"
    with pytest.raises(pl.InputError, match="complexity"):
        plots.plot_hits(hits_frame().drop(columns=["complexity"]))
