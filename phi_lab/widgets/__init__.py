"""The notebook layer's widgets: validate one equation, or a batch; explore a number; keep the valid ones.

::

    from phi_lab.widgets import ValidatorWidget, BatchWidget, ExplorerWidget
    ValidatorWidget(units={"F": "N", "m": "kg", "a": "m/s^2"})   # last expression of a cell: shown
    BatchWidget()
    ExplorerWidget(target="phi")                                  # equations φ satisfies; Stop button

The widgets have no science of their own: every verdict comes from :func:`phi_lab.validate`,
:func:`phi_lab.validate_many` or a :class:`~phi_lab.client.WorkerClient`, every picture from
:mod:`phi_lab.plots`, every save goes to :class:`phi_lab.store.MasterList`.  Each of those is a
constructor argument, so tests drive the widgets with fakes: set a control's ``.value``, call
a button's ``.click()``, read ``.result`` / ``.html`` / ``.frame`` / ``.table_html``.

Modules: ``_validator``, ``_batch`` and ``_explorer`` (the widgets), ``_choices`` (a multi-select
as a row of toggle buttons), ``_html`` (the card and the tables, pure functions), ``_inputs``
(reading units text, lines and uploads) and ``_ports`` (what the widgets take from outside, and
the defaults).
"""

from __future__ import annotations

from phi_lab.widgets._batch import BatchWidget
from phi_lab.widgets._explorer import ExplorerWidget
from phi_lab.widgets._inputs import parse_units_text
from phi_lab.widgets._validator import ValidatorWidget

__all__ = ["BatchWidget", "ExplorerWidget", "ValidatorWidget", "parse_units_text"]
