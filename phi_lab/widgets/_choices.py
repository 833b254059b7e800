"""A multi-select drawn as a row of toggle buttons: one click adds or removes one choice.

ipywidgets' ``SelectMultiple`` needs Ctrl-click to keep what is already chosen, and a plain
click silently drops it; a row of :class:`ipywidgets.ToggleButton` chips shows every choice at
once and changes one at a time.  :class:`MultiToggle` is that row, with one ``value`` (a tuple,
in the order of the options) that code may read, set and observe like any widget's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets  # type: ignore[import-untyped]
import traitlets

__all__ = ["MultiToggle"]

_CHIP = {"width": "auto", "min_width": "2.6em", "margin": "1px", "padding": "0 6px"}


class MultiToggle(widgets.HBox):  # type: ignore[misc]  # ipywidgets is untyped
    """A labelled row of toggle buttons, one per option; ``value`` is the tuple of those pressed.

    Parameters
    ----------
    options:
        ``(label, value)`` pairs: the label is shown on the button (``"π"``), the value is what
        :attr:`value` holds (``"pi"``) and the button's tooltip.
    value:
        The options pressed at first.
    description:
        The row's label.

    Attributes
    ----------
    value : tuple of str
        The pressed options' values, in the order of ``options``.  Setting it presses exactly
        those buttons; an unknown value raises :class:`traitlets.TraitError`.  Observable
        (``names="value"``), as any widget's value.
    options : tuple of str
        Every value offered, in order.
    buttons : dict
        The :class:`ipywidgets.ToggleButton` of each value (``buttons["pi"].value = True``
        is a click).
    """

    value = traitlets.Tuple()

    def __init__(self, options: Sequence[tuple[str, str]], value: Sequence[str] = (), *, description: str = "") -> None:
        self.buttons = {
            name: widgets.ToggleButton(description=label, tooltip=name, layout=dict(_CHIP)) for label, name in options
        }
        label = widgets.Label(description, layout={"width": "6.5em"})
        super().__init__([label, *self.buttons.values()], layout={"flex_flow": "row wrap", "align_items": "center"})
        self.options = tuple(self.buttons)
        self._showing = False
        for button in self.buttons.values():
            button.observe(self._pressed, names="value")
        self.value = tuple(value)

    @traitlets.validate("value")
    def _known_values_in_order(self, proposal: Any) -> tuple[str, ...]:
        chosen = set(proposal["value"])
        unknown = sorted(str(name) for name in chosen - set(self.options))
        if unknown:
            raise traitlets.TraitError(f"not offered: {', '.join(unknown)} (offered: {', '.join(self.options)})")
        return tuple(name for name in self.options if name in chosen)

    @traitlets.observe("value")
    def _show(self, change: Any) -> None:
        self._showing = True  # the buttons follow the value; their own observers must not answer back
        try:
            for name, button in self.buttons.items():
                button.value = name in change["new"]
                button.button_style = "info" if button.value else ""
        finally:
            self._showing = False

    def _pressed(self, change: Any) -> None:
        if self._showing:
            return
        change["owner"].button_style = "info" if change["new"] else ""
        self.value = tuple(name for name, button in self.buttons.items() if button.value)
