"""The access log's modes: buffered lines read as the root logger's would, sampling keeps every error."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from phi_lab.server.accesslog import LOGGER_NAME, SAMPLE_EVERY, AccessLog, BufferedHandler, configure_access_log

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@pytest.fixture
def root_stream() -> Iterator[io.StringIO]:
    """The root logger writes to a string at INFO (as ``configure_logging`` sets it up); restored after."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        configure_access_log("every", None)  # no buffered handler left behind


def _buffered(json_lines: bool = False) -> tuple[BufferedHandler, io.StringIO]:
    configure_access_log("buffered", logging.Formatter(FORMAT), json_lines)
    (handler,) = logging.getLogger(LOGGER_NAME).handlers
    assert isinstance(handler, BufferedHandler)
    stream = io.StringIO()
    handler.stream = stream
    return handler, stream


def test_buffered_lines_are_written_on_flush_in_the_root_format(root_stream: io.StringIO) -> None:
    handler, stream = _buffered()
    log = AccessLog("buffered", json_lines=False)
    log.record("POST", "/validate", 200, 0.00123, "abc")
    log.record("GET", "/health", 503, 0.0002, "def")
    assert stream.getvalue() == ""  # nothing written per request
    handler.flush()
    lines = stream.getvalue().splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == [
        "INFO phi_lab.server.access: POST /validate 200 1.230ms request_id=abc",
        "INFO phi_lab.server.access: GET /health 503 0.200ms request_id=def",
    ]
    # The same line as the root logger's formatter writes for an unbuffered record.
    configure_access_log("every", None)
    AccessLog("every", json_lines=False).record("POST", "/validate", 200, 0.00123, "abc")
    unbuffered = root_stream.getvalue().splitlines()[-1]
    assert unbuffered.split(" ", 2)[2] == lines[0].split(" ", 2)[2]
    assert len(unbuffered.split(" ", 2)[1]) == len(lines[0].split(" ", 2)[1])  # HH:MM:SS,mmm both


def test_buffered_lines_are_written_when_the_buffer_is_full(root_stream: io.StringIO) -> None:
    handler, stream = _buffered()
    log = AccessLog("buffered", json_lines=False)
    for index in range(handler.capacity):
        log.record("GET", "/health", 200, 0.0001, str(index))
    assert stream.getvalue().count("\n") == handler.capacity


def test_buffered_json_lines(root_stream: io.StringIO) -> None:
    handler, stream = _buffered(json_lines=True)
    AccessLog("buffered", json_lines=True).record("POST", "/validate", 422, 0.5, "abc")
    handler.flush()
    assert json.loads(stream.getvalue()) == {
        "method": "POST",
        "path": "/validate",
        "status": 422,
        "ms": 500.0,
        "request_id": "abc",
    }


def test_sampled_keeps_one_answer_in_a_hundred_and_every_error(root_stream: io.StringIO) -> None:
    configure_access_log("sampled", None)
    log = AccessLog("sampled", json_lines=False)
    for index in range(2 * SAMPLE_EVERY):
        log.record("POST", "/validate", 200, 0.001, f"ok{index}")
    for status in (413, 422, 503, 504):
        log.record("POST", "/validate", status, 0.001, f"error{status}")
    lines = root_stream.getvalue().splitlines()
    assert sum("sampled=1/100" in line for line in lines) == 2
    assert [line.rsplit("request_id=", 1)[1] for line in lines if " 200 " not in line] == [
        "error413",
        "error422",
        "error503",
        "error504",
    ]


def test_off_writes_nothing(root_stream: io.StringIO) -> None:
    configure_access_log("off", None)
    AccessLog("off", json_lines=False).record("POST", "/validate", 500, 0.001, "abc")
    assert root_stream.getvalue() == ""


def test_without_configuration_buffered_lines_go_to_the_root_logger(root_stream: io.StringIO) -> None:
    configure_access_log("every", None)  # as an app made by create_app in a notebook: no buffered handler
    AccessLog("buffered", json_lines=False).record("GET", "/info", 200, 0.001, "abc")
    assert "GET /info 200 1.000ms request_id=abc" in root_stream.getvalue()
