"""The worker's access log: one line per request, cheap enough to stay on under load.

A line is ``METHOD PATH STATUS 0.123ms request_id=...`` (or the same fields as one JSON object
with ``PHI_LAB_LOG_JSON=1``), on the ``phi_lab.server.access`` logger, in the format of the
worker's other log lines.  ``PHI_LAB_ACCESS_LOG`` says how (:data:`ACCESS_LOG_MODES`):

``buffered`` (default)
    every request.  :func:`configure_access_log` gives the logger a :class:`BufferedHandler`,
    which keeps each request's fields (no ``LogRecord``, no formatting on the request's path)
    and writes the lines in one ``write`` per :data:`FLUSH_LINES` lines or
    :data:`FLUSH_INTERVAL_S` seconds; shutdown flushes it.  A worker killed by SIGKILL loses at
    most that last second of lines.  Measured: about 6 µs a request, against about 20 µs for
    ``every`` (a ``LogRecord``, a formatted line, a ``write`` and a ``flush`` per request).
``sampled``
    one answer in :data:`SAMPLE_EVERY` with a status below 400 (the line ends ``sampled=1/100``),
    and every error and refusal; written at once.  Under 1 µs a request.
``every``
    every request, written at once.
``off``
    none (the metrics still count every request).

Without :func:`configure_access_log` (an app made by ``create_app`` in a test or a notebook),
``buffered`` lines go to the root logger like any other.
"""

from __future__ import annotations

import itertools
import json
import logging
import sys
import threading
import time
from typing import Literal, TextIO

__all__ = [
    "ACCESS_LOG_MODES",
    "FLUSH_INTERVAL_S",
    "FLUSH_LINES",
    "LOGGER_NAME",
    "SAMPLE_EVERY",
    "AccessLog",
    "AccessLogMode",
    "BufferedHandler",
    "configure_access_log",
]

AccessLogMode = Literal["buffered", "sampled", "every", "off"]
ACCESS_LOG_MODES: tuple[AccessLogMode, ...] = ("buffered", "sampled", "every", "off")
#: A buffered handler writes when it holds this many lines ...
FLUSH_LINES = 256
#: ... or when its oldest line is this old (a background thread looks).
FLUSH_INTERVAL_S = 1.0
#: ``sampled``: one answer below 400 in this many is logged.
SAMPLE_EVERY = 100

LOGGER_NAME = "phi_lab.server.access"

#: One request's fields: (time.time(), method, path, status, milliseconds, request id, sampled).
Fields = tuple[float, str, str, int, float, str, str]


class AccessLog:
    """Records the access line of each request (``mode`` from the settings; see the module)."""

    __slots__ = ("_counter", "_json", "_logger", "_mode")

    def __init__(self, mode: AccessLogMode, json_lines: bool) -> None:
        self._mode = mode
        self._json = json_lines
        self._logger = logging.getLogger(LOGGER_NAME)
        self._counter = itertools.count()

    def record(self, method: str, path: str, status: int, elapsed_s: float, request_id: str) -> None:
        """Log one request, if the mode and the logger's level say so."""
        mode = self._mode
        logger = self._logger
        if mode == "off" or not logger.isEnabledFor(logging.INFO):
            return
        sampled = ""
        if mode == "sampled" and status < 400:
            if next(self._counter) % SAMPLE_EVERY:
                return
            sampled = f"1/{SAMPLE_EVERY}"
        milliseconds = round(elapsed_s * 1000, 3)
        handlers = logger.handlers
        if handlers and isinstance(handlers[0], BufferedHandler):
            handlers[0].add((time.time(), method, path, status, milliseconds, request_id, sampled))
            return
        # makeRecord + handle: logger.info without its caller lookup (a walk up the stack per line).
        message = access_message((0.0, method, path, status, milliseconds, request_id, sampled), self._json)
        logger.handle(logger.makeRecord(LOGGER_NAME, logging.INFO, "", 0, message, (), None))


def access_message(fields: Fields, json_lines: bool) -> str:
    """The message of an access line (without the time, level and logger name)."""
    _, method, path, status, milliseconds, request_id, sampled = fields
    if json_lines:
        data: dict[str, object] = {
            "method": method,
            "path": path,
            "status": status,
            "ms": milliseconds,
            "request_id": request_id,
        }
        if sampled:
            data["sampled"] = sampled
        return json.dumps(data)
    return f"{method} {path} {status} {milliseconds:.3f}ms request_id={request_id}" + (
        f" sampled={sampled}" if sampled else ""
    )


class BufferedHandler(logging.Handler):
    """Keeps access lines and writes them to ``stream`` in batches: every ``capacity`` lines,
    every ``interval_s`` seconds (a daemon thread), and on :meth:`flush` / :meth:`close`
    (logging's shutdown calls both).

    :meth:`add` takes a request's fields, formatted only when written, as
    ``%(asctime)s INFO phi_lab.server.access: %(message)s`` (``configure_logging``'s format) or,
    with ``json_lines``, the bare JSON message; records sent to it the usual way (:meth:`emit`)
    are formatted by its formatter as they come.
    """

    def __init__(
        self,
        json_lines: bool = False,
        stream: TextIO | None = None,
        capacity: int = FLUSH_LINES,
        interval_s: float = FLUSH_INTERVAL_S,
    ) -> None:
        super().__init__()
        self.json_lines = json_lines
        self.stream = stream if stream is not None else sys.stderr
        self.capacity = capacity
        self.interval_s = interval_s
        self._pending: list[Fields | str] = []
        self._second = -1
        self._asctime = ""
        self._stop = threading.Event()
        self._flusher: threading.Thread | None = None

    def add(self, fields: Fields) -> None:
        """Keep one request's fields (written with the next batch)."""
        self.acquire()
        try:
            self._pending.append(fields)
            full = len(self._pending) >= self.capacity
        finally:
            self.release()
        if full:
            self.flush()
        elif self._flusher is None:
            self._start_flusher()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except (TypeError, ValueError, KeyError):  # logging's contract: a broken record is reported, never raised
            self.handleError(record)
            return
        self._pending.append(line)  # emit runs under the handler's lock (Handler.handle)
        if len(self._pending) >= self.capacity or record.levelno >= logging.WARNING:
            self._write()
        elif self._flusher is None:
            self._start_flusher()

    def _start_flusher(self) -> None:
        self._flusher = threading.Thread(target=self._flush_periodically, name="phi-lab-access-log", daemon=True)
        self._flusher.start()

    def _flush_periodically(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.flush()

    def _line(self, item: Fields | str) -> str:
        if isinstance(item, str):
            return item
        message = access_message(item, self.json_lines)
        if self.json_lines:
            return message
        created = item[0]
        second = int(created)
        if second != self._second:  # one strftime a second, as logging.Formatter would write it
            self._second, self._asctime = second, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        return f"{self._asctime},{int((created - second) * 1000):03d} INFO {LOGGER_NAME}: {message}"

    def _write(self) -> None:
        """Write what is kept (the caller holds the handler's lock)."""
        if not self._pending:
            return
        items, self._pending = self._pending, []
        text = "".join(self._line(item) + "\n" for item in items)
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stream: the lines are lost, the worker goes on
            pass

    def flush(self) -> None:
        self.acquire()
        try:
            self._write()
        finally:
            self.release()

    def close(self) -> None:
        self._stop.set()
        self.flush()
        super().close()


def configure_access_log(mode: AccessLogMode, formatter: logging.Formatter | None, json_lines: bool = False) -> None:
    """Route the access logger: through a :class:`BufferedHandler` of its own for ``buffered``
    (``formatter`` for records logged to it the usual way), else to the root logger's handlers."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if isinstance(handler, BufferedHandler):
            logger.removeHandler(handler)
            handler.close()
    if mode == "buffered":
        handler = BufferedHandler(json_lines)
        handler.setFormatter(formatter)
        logger.addHandler(handler)
        logger.propagate = False
    else:
        logger.propagate = True
