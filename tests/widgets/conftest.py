"""Fixtures of the widget tests (the fakes themselves are in ``tests/widgets/fakes.py``)."""

from __future__ import annotations

import pytest

from tests.widgets.fakes import FakeMasterList


@pytest.fixture
def master() -> FakeMasterList:
    return FakeMasterList()
