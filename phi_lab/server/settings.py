"""The worker's settings, read from the environment in this one place.

=============================  ===============  ==============================================
variable                       default          meaning
=============================  ===============  ==============================================
``PORT``                       8000             port ``phi-lab serve`` listens on
``PHI_LAB_HOST``               127.0.0.1        address it binds (0.0.0.0 in containers)
``PHI_LAB_DEVICE``             auto             torch device (read by phi_lab.compute.device)
``PHI_LAB_MAX_BODY_BYTES``     1048576          request body limit (413 above it)
``PHI_LAB_MAX_BATCH``          10000            equations per /validate/batch request
``PHI_LAB_TIME_BUDGET_S``      2.0              per request (per 1,000 equations of a batch)
``PHI_LAB_QUEUE_LIMIT``        256              requests admitted at once (503 above it)
``PHI_LAB_BATCHING``           on               score the short /validate requests that queued up
                                                together as one batch, in a thread of its own
``PHI_LAB_BATCH_WAIT_MS``      0                how long a batch waits for more requests
                                                (0: it takes what queued up, never waits)
``PHI_LAB_BATCH_MAX``          64               largest batch
``PHI_LAB_COMPUTE_THREADS``    1                threads that run validations
``PHI_LAB_INLINE_MAX_CHARS``   200              longest equation validated on the event loop
                                                (0: every validation in the threads)
``PHI_LAB_GRACE_S``            20.0             drain time after SIGTERM before exiting
``PHI_LAB_LOG_LEVEL``          info             debug, info, warning, error
``PHI_LAB_LOG_JSON``           0                1 for JSON log lines
``PHI_LAB_ACCESS_LOG``         buffered         access log: buffered, sampled, every or off
``PHI_LAB_CORS_ORIGINS``       \\*               comma-separated allowed origins
=============================  ===============  ==============================================

The equation length limit is not a setting: it is :data:`phi_lab.options.MAX_EQUATION_CHARS`
everywhere (the HTTP models, the page, the library), and ``/info`` reports it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from phi_lab.errors import InputError
from phi_lab.options import MAX_EQUATION_CHARS
from phi_lab.server.accesslog import ACCESS_LOG_MODES, AccessLogMode

__all__ = ["Settings"]

T = TypeVar("T")
_LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a worker is configured with; immutable, validated on construction."""

    host: str = "127.0.0.1"
    port: int = 8000
    device: str | None = None
    max_body_bytes: int = 1_048_576
    max_batch: int = 10_000
    time_budget_s: float = 2.0
    queue_limit: int = 256
    batching: bool = True
    batch_wait_ms: float = 0.0
    batch_max: int = 64
    compute_threads: int = 1
    inline_max_chars: int = 200
    grace_period_s: float = 20.0
    log_level: str = "info"
    log_json: bool = False
    access_log: AccessLogMode = "buffered"
    cors_origins: tuple[str, ...] = field(default=("*",))

    def __post_init__(self) -> None:
        positive = {
            "port": self.port,
            "max_body_bytes": self.max_body_bytes,
            "max_batch": self.max_batch,
            "time_budget_s": self.time_budget_s,
            "queue_limit": self.queue_limit,
            "batch_max": self.batch_max,
            "compute_threads": self.compute_threads,
        }
        for name, value in positive.items():
            if value <= 0:
                raise InputError(f"setting {name} must be positive, got {value}")
        if self.batch_wait_ms < 0 or self.grace_period_s < 0 or self.inline_max_chars < 0:
            raise InputError("batch_wait_ms, grace_period_s and inline_max_chars cannot be negative")
        if self.log_level not in _LOG_LEVELS:
            raise InputError(f"log_level must be one of {', '.join(_LOG_LEVELS)}, got {self.log_level!r}")
        if self.access_log not in ACCESS_LOG_MODES:
            raise InputError(
                f"access_log must be one of {', '.join(ACCESS_LOG_MODES)}, got {self.access_log!r} (PHI_LAB_ACCESS_LOG)"
            )

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read the variables of the module's table; ``overrides`` (e.g. CLI flags) win.

        Raises
        ------
        InputError
            Naming the variable whose value cannot be read.
        """
        env = os.environ if environ is None else environ
        if "PHI_LAB_MAX_EQUATION_LENGTH" in env:
            raise InputError(
                "PHI_LAB_MAX_EQUATION_LENGTH is no longer read: the equation length limit is "
                f"{MAX_EQUATION_CHARS:,} characters on every surface (phi_lab.options.MAX_EQUATION_CHARS)"
            )
        default = cls()
        values: dict[str, Any] = {
            "host": env.get("PHI_LAB_HOST", default.host),
            "port": _read(env, "PORT", int, default.port),
            "device": env.get("PHI_LAB_DEVICE") or None,
            "max_body_bytes": _read(env, "PHI_LAB_MAX_BODY_BYTES", int, default.max_body_bytes),
            "max_batch": _read(env, "PHI_LAB_MAX_BATCH", int, default.max_batch),
            "time_budget_s": _read(env, "PHI_LAB_TIME_BUDGET_S", float, default.time_budget_s),
            "queue_limit": _read(env, "PHI_LAB_QUEUE_LIMIT", int, default.queue_limit),
            "batching": _read(env, "PHI_LAB_BATCHING", _flag, default.batching),
            "batch_wait_ms": _read(env, "PHI_LAB_BATCH_WAIT_MS", float, default.batch_wait_ms),
            "batch_max": _read(env, "PHI_LAB_BATCH_MAX", int, default.batch_max),
            "compute_threads": _read(env, "PHI_LAB_COMPUTE_THREADS", int, default.compute_threads),
            "inline_max_chars": _read(env, "PHI_LAB_INLINE_MAX_CHARS", int, default.inline_max_chars),
            "grace_period_s": _read(env, "PHI_LAB_GRACE_S", float, default.grace_period_s),
            "log_level": env.get("PHI_LAB_LOG_LEVEL", default.log_level).lower(),
            "log_json": _read(env, "PHI_LAB_LOG_JSON", _flag, default.log_json),
            "access_log": env.get("PHI_LAB_ACCESS_LOG", default.access_log).strip().lower(),
            "cors_origins": tuple(
                origin.strip() for origin in env.get("PHI_LAB_CORS_ORIGINS", "*").split(",") if origin.strip()
            ),
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)

    def limits(self) -> dict[str, Any]:
        """The settings as a JSON-ready dict, with the equation length limit (shown by ``/info``)."""
        data = asdict(self)
        data["cors_origins"] = list(self.cors_origins)
        data["max_equation_length"] = MAX_EQUATION_CHARS
        return data


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected on/off, got {text!r}")


def _read(env: Mapping[str, str], name: str, convert: Callable[[str], T], default: T) -> T:
    text = env.get(name)
    if text is None:
        return default
    try:
        return convert(text)
    except ValueError as exc:
        raise InputError(f"environment variable {name}={text!r} cannot be read: {exc}") from exc
