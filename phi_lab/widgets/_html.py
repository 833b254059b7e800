"""HTML for the widgets: the result card, messages and the results table.

Pure functions from values to strings, so tests read exactly what a notebook shows.
Every piece of text that came from a user or a result passes through :func:`html.escape`;
the only markup is the literal tags written here.  No JavaScript.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from phi_lab.hints import word_explanation

if TYPE_CHECKING:
    import pandas as pd

    from phi_lab.equations.verdict import ValidationResult

__all__ = [
    "EQUATION_SHOWN",
    "SORT_COLUMNS",
    "SYMBOLS_SHOWN",
    "hits_table",
    "marked_text",
    "message_card",
    "mimebundle",
    "natural_key",
    "result_card",
    "results_table",
    "shortened",
]

GREEN, RED, GREY = "#1a7f37", "#cf222e", "#6e7781"
_STATUS = {"pass": ("✓ pass", GREEN), "fail": ("✗ fail", RED), "skip": ("– skip", GREY)}
_CARD = "font-family:system-ui,sans-serif;font-size:13px;line-height:1.45;max-width:44em"
_CELL = "padding:2px 8px;text-align:left;vertical-align:top;border-bottom:1px solid #d0d7de"
#: Columns the results table can be sorted by (those present in the frame), with their labels.
SORT_COLUMNS = {
    "#": "input order",
    "equation": "equation",
    "valid": "verdict",
    "confidence": "confidence",
    "kind": "kind",
    "decided_by": "decided by",
    "chi": "χ",
    "phi_coherence": "φ-coherence",
    "catalog": "catalog",
    "processing_time_ms": "time (ms)",
    "worker_id": "worker",
}
#: Rows rendered at most; the rest are counted, not drawn.
MAX_ROWS = 500
#: Characters of an equation a card shows at its head; the whole text folds out below it.
EQUATION_SHOWN = 100
#: Symbols a card lists (in natural order); the rest fold out behind "and N more".
SYMBOLS_SHOWN = 24
_FOLDED = (
    "max-height:12em;overflow:auto;margin:4px 0;padding:4px;background:#f6f8fa;word-break:normal;overflow-wrap:anywhere"
)


#: How each numeric method reads on a card.
_DECIDED_BY = {
    "exact": "exact (a proof)",
    "interval": "interval arithmetic (a proof)",
    "high-precision": "confirmed at 50–80 digits",
    "sampled": "sampled in double precision (evidence, not proof)",
}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _badge(valid: bool) -> str:
    label, colour = ("VALID", GREEN) if valid else ("INVALID", RED)
    return (
        f'<span class="phi-lab-verdict" style="background:{colour};color:#fff;font-weight:bold;'
        f'padding:1px 8px;border-radius:4px">{label}</span>'
    )


def _bar(fraction: float, colour: str, width: str = "12em") -> str:
    percent = max(0.0, min(1.0, fraction)) * 100
    return (
        f'<span style="display:inline-block;width:{width};height:0.7em;background:#d0d7de;'
        f'border-radius:3px;vertical-align:middle"><span style="display:block;width:{percent:.1f}%;'
        f'height:100%;background:{colour};border-radius:3px"></span></span>'
    )


def message_card(title: str, message: str) -> str:
    """A card that shows a problem (bad units, an unknown mode, a missing module) in words."""
    return (
        f'<div class="phi-lab-card" style="{_CARD};border-left:4px solid {RED};padding-left:8px">'
        f"<b>{_e(title)}</b><br>{_e(message)}</div>"
    )


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders the digits in a name by value: ``x_2`` before ``x_10``, ``a`` before ``a1``."""
    return tuple((0, int(part)) if part.isdecimal() else (1, part) for part in re.split(r"(\d+)", name) if part)


def shortened(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with ``…`` where it was cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _equation(text: str) -> str:
    """The equation at a card's head: whole when short, else its start, its length and the whole text folded."""
    code = '<code style="font-size:14px;overflow-wrap:anywhere">{}</code>'
    if len(text) <= EQUATION_SHOWN:
        return code.format(_e(text))
    return (
        f"{code.format(_e(shortened(text, EQUATION_SHOWN)))} "
        f'<span style="color:{GREY}">({len(text):,} characters)</span>'
        f'<details class="phi-lab-equation"><summary style="cursor:pointer;color:{GREY}">show the whole equation'
        f'</summary><pre style="{_FOLDED};white-space:pre-wrap">{_e(text)}</pre></details>'
    )


def _symbols(names: Sequence[str]) -> str:
    """The first :data:`SYMBOLS_SHOWN` names in natural order, the rest folded behind "and N more"."""
    ordered = sorted(names, key=natural_key)
    shown, rest = ordered[:SYMBOLS_SHOWN], ordered[SYMBOLS_SHOWN:]
    listed = _e(", ".join(shown))
    if not rest:
        return listed
    return (
        f'{listed} <details class="phi-lab-symbols" style="display:inline"><summary style="cursor:pointer;'
        f'color:{GREY};display:inline">and {len(rest):,} more ▸</summary>'
        f'<div style="{_FOLDED}">{_e(", ".join(rest))}</div></details>'
    )


def marked_text(text: str, column: int, width: int = 80) -> str:
    """``text`` in a ``<pre>``, the character at 1-based ``column`` in ``<mark>``, a ``^`` below it.

    A column just past the end (the text ended too soon) marks a blank; long texts are cut
    to ``width`` characters around the column, with ``…`` where they were cut.
    """
    flat = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    index = max(0, column - 1)
    start = max(0, min(index - width // 2, len(flat) - width))
    end = start + width
    before, at, after = flat[start:index], flat[index : index + 1] or " ", flat[index + 1 : end]
    left = "…" if start > 0 else ""
    right = "…" if end < len(flat) else ""
    pointer = " " * (len(left) + len(before)) + "^"
    return (
        '<pre class="phi-lab-parse-error" style="margin:4px 0;padding:4px;background:#f6f8fa">'
        f'{_e(left + before)}<mark style="background:#ffd33d">{_e(at)}</mark>{_e(after + right)}\n'
        f"{pointer}</pre>"
    )


def result_card(result: ValidationResult) -> str:
    """Everything a :class:`~phi_lab.ValidationResult` says, as one card of bounded size.

    A long equation shows its first :data:`EQUATION_SHOWN` characters and its length, the
    whole text folded in a ``<details>`` below; the symbols, in natural order (``x_2``
    before ``x_10``), the first :data:`SYMBOLS_SHOWN`, then "and N more", folded too.  Hints
    are worded for the widget (its Units box and Mode menu, :mod:`phi_lab.hints`).
    """
    colour = GREEN if result.valid else RED
    rows = [
        ("confidence", f"{_bar(result.confidence, colour)} {result.confidence:.2f}"),
        ("kind", _e(result.kind.replace("_", " "))),
        ("catalog", _e(result.catalog) if result.catalog else f'<span style="color:{GREY}">not catalogued</span>'),
        ("topology", f"Betti numbers {_e(tuple(result.betti))}, χ = {_e(result.chi)}"),
        ("φ-coherence", f"{result.phi_coherence:.4g}" + (f": {_e(result.phi_reason)}" if result.phi_reason else "")),
    ]
    if result.decided_by:
        rows.insert(2, ("decided by", _e(_DECIDED_BY[result.decided_by])))
    if result.witness:
        rows.insert(3, ("solution", _e(result.witness)))
    if result.reading:
        rows.append(("reading", _e("; ".join(f"{name}: {meaning}" for name, meaning in result.reading.items()))))
    if result.symbols:
        rows.append(("symbols", _symbols(result.symbols)))
    facts = "".join(
        f'<tr><th style="{_CELL};white-space:nowrap">{name}</th><td style="{_CELL}">{value}</td></tr>'
        for name, value in rows
    )
    checks = "".join(
        f'<tr><td style="{_CELL}">{_e(check.name)}</td>'
        f'<td style="{_CELL};color:{_STATUS[check.status][1]};white-space:nowrap">{_STATUS[check.status][0]}</td>'
        f'<td style="{_CELL}">{_e(check.detail)}</td></tr>'
        for check in result.checks
    )
    parse_error = ""
    if result.kind == "unparseable":
        syntax = next((check for check in result.checks if check.name == "syntax"), None)
        reason = syntax.detail if syntax is not None else result.explanation
        where = marked_text(result.equation, result.error_column) if result.error_column else ""
        parse_error = f'<div style="margin-top:6px"><b>Parse error:</b> {_e(reason)}{where}</div>'
    return (
        f'<div class="phi-lab-card" style="{_CARD}">'
        f"<div>{_badge(result.valid)} {_equation(result.equation)}</div>"
        f"{parse_error}"
        f'<table style="border-collapse:collapse;margin-top:6px">{facts}</table>'
        f'<table style="border-collapse:collapse;margin-top:6px">'
        f'<tr><th style="{_CELL}">check</th><th style="{_CELL}">status</th><th style="{_CELL}">detail</th></tr>'
        f"{checks}</table>"
        f'<p style="margin:6px 0">{_e(word_explanation(result.explanation, result.hints, "widget"))}</p>'
        f'<div style="color:{GREY};font-size:11px">mode {_e(result.mode)} · device {_e(result.device)} · '
        f"{result.processing_time_ms:.1f} ms</div></div>"
    )


def _cell(column: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "" if column != "catalog" else f'<span style="color:{GREY}">—</span>'
    if column == "valid":
        return _badge(bool(value))
    if column == "betti":
        return _e(tuple(value))
    if column in ("confidence", "phi_coherence"):
        return f"{float(value):.3g}"
    return _e(value)


def results_table(frame: pd.DataFrame, *, max_rows: int = MAX_ROWS) -> str:
    """A results frame (rows in the order given) as an HTML table; ``#`` is the input position."""
    wanted = [
        "equation",
        "valid",
        "confidence",
        "kind",
        "decided_by",
        "betti",
        "chi",
        "phi_coherence",
        "catalog",
        "worker_id",
    ]
    columns = [name for name in wanted if name in frame.columns]
    labels = {**SORT_COLUMNS, "#": "#", "betti": "Betti", "phi_coherence": "φ"}
    head = "".join(f'<th style="{_CELL}">{_e(labels.get(name, name))}</th>' for name in ["#", *columns, "explanation"])
    body = []
    for position, (index, row) in enumerate(frame.iterrows()):
        if position == max_rows:
            break
        cells = [str(int(index) + 1), *(_cell(name, row[name]) for name in columns), _e(row.get("explanation", ""))]
        body.append("<tr>" + "".join(f'<td style="{_CELL}">{cell}</td>' for cell in cells) + "</tr>")
    more = ""
    if len(frame) > max_rows:
        more = f'<div style="color:{GREY}">showing {max_rows} of {len(frame)} rows</div>'
    return (
        f'<div class="phi-lab-table" style="{_CARD};max-width:none">'
        f'<table style="border-collapse:collapse"><tr>{head}</tr>{"".join(body)}</table>{more}</div>'
    )


#: The columns of a search's hits the table shows (those present), with their headings.
_HIT_COLUMNS = {
    "equation": "equation",
    "expression": "closed form",
    "complexity": "complexity",
    "error": "error",
    "digits": "digits",
    "exact": "exact",
    "valid": "verdict",
    "kind": "kind",
    "betti": "Betti",
    "phi_coherence": "φ",
    "group_size": "group",
    "variants": "variants",
}
_STICKY = "position:sticky;top:0;z-index:1;background:var(--jp-layout-color1,#fff)"


def _hit_cell(column: str, value: Any) -> str:
    if column == "error":
        error = float(value)
        return "0" if error == 0 else (f"{error:.1e}" if math.isfinite(error) else "—")
    if column == "exact":
        return f'<span style="color:{GREEN}">✓</span>' if bool(value) else ""
    if column == "variants":
        variants = [str(variant) for variant in value] if isinstance(value, list | tuple) else []
        if not variants:
            return ""
        listed = "".join(f"<div><code>{_e(variant)}</code></div>" for variant in variants)
        return (
            f'<details class="phi-lab-variants"><summary style="cursor:pointer;color:{GREY}">'
            f"{len(variants)} more</summary>{listed}</details>"
        )
    if column in ("equation", "expression"):
        return f"<code>{_e(value)}</code>"
    return _cell(column, value)


def hits_table(frame: pd.DataFrame, *, max_rows: int = MAX_ROWS) -> str:
    """A search's hits (rows in the order given, one ``tr.phi-lab-hit`` each) as an HTML table.

    The columns a reader needs first: the equation or closed form, complexity, error, digits,
    exact, the verdict of equations, ``group_size`` (``group``: the spellings of that row's
    form or relation found) and ``variants``: the other spellings, folded in a ``<details>``
    element that opens on a click.  The heading row stays in view when the table scrolls.
    """
    if not len(frame):
        return f'<span style="color:{GREY}">No hits.</span>'
    columns = [name for name in _HIT_COLUMNS if name in frame.columns]
    head = "".join(f'<th style="{_CELL};{_STICKY}">{_e(_HIT_COLUMNS.get(name, name))}</th>' for name in ["#", *columns])
    body = []
    for position, (_, row) in enumerate(frame.iterrows()):
        if position == max_rows:
            break
        cells = [str(position + 1), *(_hit_cell(name, row[name]) for name in columns)]
        body.append('<tr class="phi-lab-hit">' + "".join(f'<td style="{_CELL}">{c}</td>' for c in cells) + "</tr>")
    more = ""
    if len(frame) > max_rows:
        more = f'<div style="color:{GREY}">showing {max_rows} of {len(frame)} rows</div>'
    return (
        f'<div class="phi-lab-table" style="{_CARD};max-width:none">'
        f'<table style="border-collapse:collapse"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{more}</div>"
    )


def mimebundle(widget: Any, name: str, **kwargs: Any) -> dict[str, Any] | None:
    """``widget``'s display bundle, its plain-text part a sentence instead of ``VBox(children=…)``.

    A front end that has no live kernel (a notebook opened before it is run, a page that
    renders saved outputs) shows the plain text: say what is there and how to use it.
    """
    bundle = widget._repr_mimebundle_(**kwargs)
    if isinstance(bundle, dict) and "text/plain" in bundle:
        bundle = {**bundle, "text/plain": f"{name}: run this cell to use it (a widget needs a running kernel)"}
    return bundle if isinstance(bundle, dict) else None
