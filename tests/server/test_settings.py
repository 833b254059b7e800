"""The worker's settings (phi_lab/server/settings.py): defaults, the environment, checks."""

from __future__ import annotations

import pytest

import phi_lab as pl
from phi_lab.server import Settings


def test_settings_from_environment() -> None:
    settings = Settings.from_environment({"PORT": "9000", "PHI_LAB_BATCHING": "on", "PHI_LAB_CORS_ORIGINS": "a, b"})
    assert (settings.port, settings.batching, settings.cors_origins) == (9000, True, ("a", "b"))
    with pytest.raises(pl.InputError, match="PHI_LAB_MAX_BATCH"):
        Settings.from_environment({"PHI_LAB_MAX_BATCH": "many"})
    with pytest.raises(pl.InputError, match="positive"):
        Settings(queue_limit=0)


def test_settings_for_the_access_log_and_inline_validation() -> None:
    settings = Settings.from_environment({"PHI_LAB_ACCESS_LOG": "Sampled", "PHI_LAB_INLINE_MAX_CHARS": "0"})
    assert (settings.access_log, settings.inline_max_chars) == ("sampled", 0)
    assert Settings().access_log == "buffered"
    with pytest.raises(pl.InputError, match="PHI_LAB_ACCESS_LOG"):
        Settings.from_environment({"PHI_LAB_ACCESS_LOG": "loud"})
    with pytest.raises(pl.InputError, match="cannot be negative"):
        Settings(inline_max_chars=-1)


def test_batching_is_on_by_default_and_takes_what_queued_up() -> None:
    settings = Settings()
    assert (settings.batching, settings.batch_wait_ms, settings.batch_max) == (True, 0.0, 64)
    off = Settings.from_environment({"PHI_LAB_BATCHING": "off", "PHI_LAB_BATCH_WAIT_MS": "2"})
    assert (off.batching, off.batch_wait_ms) == (False, 2.0)
    with pytest.raises(pl.InputError, match="cannot be negative"):
        Settings(batch_wait_ms=-1)
