"""The widgets package as a whole: its public surface, and what each widget shows before a kernel runs."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets", reason="the notebook widgets need the 'notebook' extra (ipywidgets)")

import phi_lab.widgets as plw


def test_public_surface_is_exactly_all() -> None:
    public = {name for name in dir(plw) if not name.startswith("_") and name != "annotations"}
    assert public == set(plw.__all__)


def test_every_widget_says_what_it_is_without_a_kernel() -> None:
    from phi_lab.widgets import BatchWidget, ExplorerWidget, ValidatorWidget

    for widget in (ValidatorWidget(), BatchWidget(), ExplorerWidget()):
        bundle = widget._repr_mimebundle_()
        assert bundle is not None and "application/vnd.jupyter.widget-view+json" in bundle
        assert bundle["text/plain"].startswith(f"{type(widget).__name__}: run this cell")
