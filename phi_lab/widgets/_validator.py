"""ValidatorWidget: type one equation, read its verdict, see its complex, keep it.

Every verdict comes from the injected ``validate`` (default :func:`phi_lab.validate`);
the widget only reads the controls, calls it, and shows the result.  The last few
equations validated can be put back in the box from the *Recent* menu.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import ipywidgets as widgets  # type: ignore[import-untyped]

from phi_lab.errors import DeviceError, InputError, PhiLabError, UnitError
from phi_lab.options import MODES, check_mode
from phi_lab.widgets._html import message_card, mimebundle, result_card, shortened
from phi_lab.widgets._inputs import format_units, parse_units_text
from phi_lab.widgets._ports import (
    Draw,
    MasterListLike,
    SaveOutcome,
    Validate,
    default_draw,
    default_validate,
    figure_png,
    open_master_list,
)

if TYPE_CHECKING:
    from phi_lab.equations.verdict import ValidationResult

__all__ = ["ValidatorWidget"]

_HINT = (
    '<div class="phi-lab-card" style="color:#6e7781">'
    "Type an equation, e.g. <code>E = mc²</code>, and press Enter.</div>"
)
#: Equations the Recent menu keeps, newest first.
RECENT = 10
#: Characters of an equation the Recent menu shows (the whole text is put back).
_RECENT_LABEL = 60


class ValidatorWidget:
    """One equation in, its verdict out: a card with every check, and a drawing of its complex.

    Enter in the equation box (or the Validate button, or a change of mode or units)
    validates; valid results can be saved to the master list, by a button or automatically.

    Parameters
    ----------
    mode:
        Initial mode: ``auto``, ``physics`` or ``math``.
    units:
        Initial units, ``{"F": "N", "m": "kg"}``; shown (and edited) as ``F=N, m=kg``.
    master_list:
        Where saved results go (an object with ``add(result, *, units)``, as
        :class:`phi_lab.store.MasterList`); default: ``MasterList()`` opened on first save.
    auto_save:
        Initial state of the "auto-save valid results" box.
    validate:
        ``validate(equation, units, mode) -> ValidationResult``; default :func:`phi_lab.validate`.
    draw:
        ``draw(equation, units=...) -> matplotlib Figure``; default
        :func:`phi_lab.plots.draw_complex`.  The figure is shown as PNG bytes in :attr:`image`.

    Attributes
    ----------
    result : ValidationResult or None
        The last verdict (``None`` before the first, or after an argument error).
    error : str or None
        The last argument error (bad units, unknown mode), or ``None``.
    saved : list
        What ``master_list.add`` returned for each save (``AddOutcome``), in order.
    recent : list of str
        The last :data:`RECENT` equations validated, newest first, each once: the options
        of :attr:`history` after its prompt ("3 equations"); choosing one puts it back in the
        box and validates it (:meth:`restore`).
    html : str
        The result card's HTML; :attr:`png`, the drawing's PNG bytes.
    equation, mode, units, history, auto_save, validate_button, save_button : ipywidgets controls
        Set ``.value`` / call ``.click()`` to drive the widget from code (tests do).
    card, image, figure_note, status : ipywidgets outputs
        The card (HTML), the drawing (Image; hidden while there is nothing to draw), why
        there is no drawing, the save messages.
    widget : ipywidgets.VBox
        The whole widget; the object itself also displays as it in a notebook.

    Raises
    ------
    ModeError
        If ``mode`` is unknown.
    """

    def __init__(
        self,
        *,
        mode: str = "auto",
        units: Mapping[str, str] | None = None,
        master_list: MasterListLike | None = None,
        auto_save: bool = False,
        validate: Validate | None = None,
        draw: Draw | None = None,
    ) -> None:
        check_mode(mode)
        self._validate = validate
        self._draw = draw
        self._master_list = master_list
        self._units_used: dict[str, str] = {}
        self.result: ValidationResult | None = None
        self.error: str | None = None
        self.saved: list[SaveOutcome] = []
        self.recent: list[str] = []
        self._recalling = False

        wide = {"width": "32em"}
        self.equation = widgets.Text(
            placeholder="E = mc²", description="Equation", continuous_update=False, layout=wide
        )
        self.mode = widgets.Dropdown(options=list(MODES), value=mode, description="Mode", layout={"width": "16em"})
        self.units = widgets.Text(
            value=format_units(units),
            placeholder="F=N, m=kg, a=m/s^2",
            description="Units",
            continuous_update=False,
            layout=wide,
        )
        self.history = widgets.Dropdown(
            options=[(_recent_prompt(0), "")],
            value="",
            description="Recent",
            disabled=True,
            tooltip="equations validated here, newest first: choose one to put it back",
            layout={"width": "16em"},
        )
        fit = {"width": "auto"}  # the whole label, never cut off
        self.validate_button = widgets.Button(description="Validate", button_style="primary", icon="check", layout=fit)
        self.auto_save = widgets.Checkbox(
            value=auto_save, description="auto-save valid results", indent=False, layout=fit
        )
        self.save_button = widgets.Button(description="Save to master list", icon="save", disabled=True, layout=fit)
        self.status = widgets.HTML()
        self.card = widgets.HTML(value=_HINT, layout={"width": "46em"})
        self.image = widgets.Image(format="png", layout={"max_width": "420px", "display": "none"})
        self.figure_note = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.equation, self.mode, self.validate_button]),
                widgets.HBox([self.units, self.history]),
                widgets.HBox([self.save_button, self.auto_save, self.status], layout={"align_items": "center"}),
                widgets.HBox([self.card, widgets.VBox([self.image, self.figure_note])]),
            ]
        )
        self.equation.observe(lambda _change: self.submit(), names="value")
        self.units.observe(lambda _change: self.submit(), names="value")
        self.mode.observe(lambda _change: self.submit() if self.equation.value.strip() else None, names="value")
        self.history.observe(self._recall, names="value")
        self.validate_button.on_click(lambda _button: self.submit())
        self.save_button.on_click(lambda _button: self.save())

    @property
    def html(self) -> str:
        """The result card's HTML, exactly as shown."""
        return cast(str, self.card.value)

    @property
    def png(self) -> bytes:
        """The drawing of the last equation's complex as PNG bytes (``b""`` when there is none)."""
        return bytes(self.image.value)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        return mimebundle(self.widget, "ValidatorWidget", **kwargs)

    def submit(self) -> ValidationResult | None:
        """Validate the equation box's text with the chosen mode and units, and show the verdict.

        Returns
        -------
        ValidationResult or None
            The verdict; ``None`` for an empty box or an argument error (shown in the card
            and kept in :attr:`error`; nothing is raised).
        """
        self.error = None
        self.result = None
        self.save_button.disabled = True
        self.status.value = ""
        try:
            units = parse_units_text(self.units.value)
        except UnitError as exc:
            self._refuse(str(exc))
            return None
        text: str = self.equation.value
        if not text.strip():
            self.card.value = _HINT
            self._show_figure(None)
            return None
        validate = self._validate if self._validate is not None else default_validate()
        try:
            result = validate(text, units or None, self.mode.value)
        except (InputError, DeviceError) as exc:  # arguments, not text: the text's problems are verdicts
            self._refuse(str(exc))
            return None
        self.result = result
        self._units_used = units
        self._remember(text)
        self.card.value = result_card(result)
        self._show_figure(text if result.kind != "unparseable" else None, units)
        self.save_button.disabled = not result.valid
        if result.valid and self.auto_save.value:
            self.save()
        return result

    def save(self) -> SaveOutcome | None:
        """Add the last result to the master list, if it is valid; return the store's outcome."""
        result = self.result
        if result is None or not result.valid:
            self.status.value = "Only a valid result can be saved."
            return None
        if self._master_list is None:
            try:
                self._master_list = open_master_list()
            except InputError as exc:
                self.status.value = f'<span style="color:#cf222e">{_escape(exc)}</span>'
                return None
        outcome = self._master_list.add(result, units=self._units_used or None)
        self.saved.append(outcome)
        self.save_button.disabled = True
        said = "Saved to the master list" if outcome.added else "Already in the master list"
        self.status.value = f"{said} (id {_escape(outcome.id)})."
        return outcome

    def restore(self, equation: str) -> ValidationResult | None:
        """Put ``equation`` back in the box and validate it (what choosing it under *Recent* does)."""
        if self.equation.value == equation:  # no change event: validate it again explicitly
            return self.submit()
        self.equation.value = equation  # its observer validates
        return self.result

    def _recall(self, change: dict[str, Any]) -> None:
        chosen = change["new"]
        if self._recalling or not isinstance(chosen, str) or not chosen:  # "": the prompt, not an equation
            return
        self.restore(chosen)

    def _remember(self, text: str) -> None:
        """Put ``text`` first in :attr:`recent` and the Recent menu (which shows its prompt, not a choice)."""
        self.recent = [text, *(kept for kept in self.recent if kept != text)][:RECENT]
        self._recalling = True  # new options select their first: that is no choice of the user's
        try:
            prompt = [(_recent_prompt(len(self.recent)), "")]
            self.history.options = prompt + [(_recent_label(kept), kept) for kept in self.recent]
            self.history.value = ""
        finally:
            self._recalling = False
        self.history.disabled = False

    def _refuse(self, message: str) -> None:
        self.error = message
        self.card.value = message_card("Cannot validate", message)
        self._show_figure(None)

    def _show_figure(self, text: str | None, units: Mapping[str, str] | None = None) -> None:
        """Draw the complex of ``text`` into :attr:`image` (hidden when there is none), or say why not."""
        self.image.value = b""
        self.image.layout.display = "none"  # an empty Image shows a broken-image icon
        self.figure_note.value = ""
        if text is None:
            return
        draw = self._draw
        if draw is None:
            draw, why = default_draw()
            if draw is None:
                self.figure_note.value = f'<span style="color:#6e7781">{_escape(why)}</span>'
                return
            self._draw = draw
        try:
            figure = draw(text, units=dict(units) if units else None)
        except PhiLabError as exc:
            self.figure_note.value = f'<span style="color:#6e7781">no drawing: {_escape(exc)}</span>'
            return
        self.image.value = figure_png(figure)
        self.image.layout.display = None


def _recent_prompt(count: int) -> str:
    """The Recent menu's first line, shown while nothing is chosen."""
    return f"{count} equation{'' if count == 1 else 's'}" if count else "none yet"


def _recent_label(text: str) -> str:
    """How the Recent menu shows an equation: on one line, cut, with its length when cut."""
    label = shortened(text, _RECENT_LABEL)
    return label if len(text) <= _RECENT_LABEL else f"{label} ({len(text):,} characters)"


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)
