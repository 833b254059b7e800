"""WorkerClient: validate equations on phi_lab HTTP workers, from a script or a notebook.

::

    with WorkerClient("http://workers:8000", fallback="local") as client:
        client.health()                           # True when the worker answers /health with 200
        result = client.validate("E = mc²")       # a WorkerResult: the ValidationResult + .worker_id
        df = client.validate_many(texts, progress=True)   # a DataFrame, input order, + worker_id

This module owns the client side of the worker's HTTP contract (``GET /health``, ``GET /info``,
``POST /validate``, ``POST /validate/batch``): chunking, concurrency, retries and the local
fallback.  It never imports the server.

:meth:`WorkerClient.validate` returns the verdict record itself, as a :class:`WorkerResult`:
a :class:`~phi_lab.ValidationResult` (read back from the worker's JSON with its checked
``from_dict``) that also names the worker that answered, so it goes wherever a verdict goes
(``MasterList.add`` records that worker as the row's source).

Concurrency uses a :class:`~concurrent.futures.ThreadPoolExecutor` over one (thread-safe)
:class:`httpx.Client`, so it works where an event loop is already running (Jupyter).

Errors are translated in one place, :meth:`WorkerClient._exchange` and the decoding after it:

* connection errors, timeouts and HTTP 502/503/504 are retried (``Retry-After`` honoured up
  to :data:`MAX_RETRY_AFTER` seconds, else exponential backoff); when retries run out,
  :class:`~phi_lab.errors.WorkerError` names the URL, the last status or exception and the
  number of attempts;
* HTTP 400, 413 and 422 (the request itself is unusable) raise
  :class:`~phi_lab.errors.InputError` with the worker's explanation, never retried;
* any other answer the client cannot use raises :class:`~phi_lab.errors.WorkerError` at once.

With ``fallback="local"``, a worker that cannot be reached or fails with a 5xx is replaced by
:func:`phi_lab.validate` on this machine (results get ``worker_id == "local"`` and a
:class:`UserWarning` says so); a 4xx is still raised, since validating locally would not fix
the caller's request.  The local pipeline (torch) is imported only when a fallback happens.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import httpx

from phi_lab.equations.verdict import RESULT_COLUMNS, ValidationResult, frame_row, results_frame
from phi_lab.errors import InputError, WorkerError
from phi_lab.options import check_mode

if TYPE_CHECKING:
    from types import TracebackType

    import pandas as pd

__all__ = ["LOCAL_WORKER_ID", "MAX_RETRY_AFTER", "RETRY_STATUSES", "WorkerClient", "WorkerResult", "retry_after"]

#: ``worker_id`` of a result computed on this machine by the fallback.
LOCAL_WORKER_ID = "local"
#: HTTP statuses that mean "try again": bad gateway, unavailable (queue full, draining), timeout.
RETRY_STATUSES = frozenset({502, 503, 504})
#: The longest ``Retry-After`` (seconds) the client waits between two attempts.
MAX_RETRY_AFTER = 10.0
#: Statuses that mean the request itself is unusable: raised as InputError.
_REJECTED_STATUSES = frozenset({400, 413, 422})
#: Transport failures worth another attempt (an unusable URL or a protocol bug is not).
_RETRY_EXCEPTIONS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError)


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkerResult(ValidationResult):
    """A verdict as a worker answered it: every field of :class:`~phi_lab.ValidationResult`, and
    the ``worker_id`` of the worker that computed it (:data:`LOCAL_WORKER_ID` when the client's
    fallback validated it on this machine).

    It is a ``ValidationResult`` wherever one is expected (the master list, the widgets), and
    :meth:`to_dict` is the worker's JSON answer: ``ValidationResult.to_dict()`` plus ``worker_id``.
    """

    worker_id: str

    def __post_init__(self) -> None:
        ValidationResult.__post_init__(self)
        if not isinstance(self.worker_id, str) or not self.worker_id:
            raise ValueError(f"a worker id is a non-empty string, not {self.worker_id!r}")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle as the record and the worker's id (``worker_id`` is keyword-only)."""
        return (_worker_result, (self.record(), self.worker_id))

    @classmethod
    def answered(cls, result: ValidationResult, worker_id: str) -> WorkerResult:
        """``result`` as computed by the worker ``worker_id``."""
        values = {item.name: getattr(result, item.name) for item in fields(ValidationResult)}
        return cls(**values, worker_id=worker_id)

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> WorkerResult:
        """The record back from a worker's JSON answer (or a row of :meth:`WorkerClient.validate_many`'s
        frame), checked as :meth:`ValidationResult.from_dict` checks it, ``worker_id`` included.

        Raises
        ------
        InputError
            If a field is missing or unusable, or ``worker_id`` is not a non-empty string.
        """
        worker = row.get("worker_id")
        if not isinstance(worker, str) or not worker:
            raise InputError(f"a worker's answer names its worker: 'worker_id' is a non-empty string, not {worker!r}")
        return cls.answered(ValidationResult.from_dict(row), worker)

    def record(self) -> ValidationResult:
        """The verdict alone, a plain :class:`~phi_lab.ValidationResult`."""
        return ValidationResult(**{item.name: getattr(self, item.name) for item in fields(ValidationResult)})

    def to_dict(self) -> dict[str, Any]:
        """The worker's JSON answer: :meth:`ValidationResult.to_dict` plus ``worker_id``."""
        return ValidationResult.to_dict(self) | {"worker_id": self.worker_id}


def _worker_result(record: ValidationResult, worker_id: str) -> WorkerResult:
    return WorkerResult.answered(record, worker_id)


class _Reply(NamedTuple):
    """A response the client can interpret (status below 500), and the attempts it took."""

    response: httpx.Response
    attempts: int


@dataclass
class _Outage:
    """The first connection failure in one ``validate_many`` call: later chunks skip the fleet.

    Written by worker threads (one attribute assignment, atomic), read by the others.
    """

    error: WorkerError | None = None


class WorkerClient:
    """A client for a fleet of phi_lab workers (or one worker) behind ``base_url``.

    Parameters
    ----------
    base_url:
        The worker's (or its load balancer's) address, e.g. ``"http://localhost:8000"``.
    timeout:
        Seconds allowed for each HTTP request (connect, write, read, pool).
    retries:
        Extra attempts after the first for connection errors, timeouts and HTTP 502/503/504.
    chunk_size:
        Equations per ``POST /validate/batch`` request in :meth:`validate_many`; at most the
        worker's ``limits.max_batch``.  A chunk whose body is too large (HTTP 413) is split in
        halves and sent again.
    concurrency:
        Chunks in flight at once in :meth:`validate_many`.
    fallback:
        ``None`` (raise :class:`~phi_lab.errors.WorkerError`) or ``"local"`` (validate on this
        machine when the fleet cannot be reached or answers 5xx after retries).
    backoff:
        Seconds before the first retry when the worker gives no ``Retry-After``; doubles on
        each further retry.  ``0`` retries at once.
    transport:
        An :class:`httpx.BaseTransport` to send requests through (tests inject
        :class:`httpx.MockTransport`); default: the network.

    Raises
    ------
    InputError
        For unusable arguments (a chunk size below 1, an unknown fallback, ...).

    Notes
    -----
    Use it as a context manager, or call :meth:`close`, to release its connections.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        retries: int = 2,
        chunk_size: int = 256,
        concurrency: int = 4,
        fallback: Literal["local"] | None = None,
        backoff: float = 0.2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if fallback not in (None, LOCAL_WORKER_ID):
            raise InputError(f"fallback is None or 'local', not {fallback!r}")
        for name, value, least in (
            ("retries", retries, 0),
            ("chunk_size", chunk_size, 1),
            ("concurrency", concurrency, 1),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise InputError(f"{name} must be an integer of at least {least}, not {value!r}")
        if not timeout > 0:
            raise InputError(f"timeout must be a positive number of seconds, not {timeout!r}")
        if not backoff >= 0:
            raise InputError(f"backoff must be a number of seconds of at least 0, not {backoff!r}")
        try:
            self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)
        except httpx.InvalidURL as error:
            raise InputError(f"base_url {base_url!r} is not a usable URL: {error}") from error
        self.base_url = base_url
        self.retries = retries
        self.chunk_size = chunk_size
        self.concurrency = concurrency
        self.fallback = fallback
        self.backoff = backoff

    def __repr__(self) -> str:
        return f"WorkerClient({self.base_url!r}, fallback={self.fallback!r})"

    def __enter__(self) -> WorkerClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying :class:`httpx.Client` and its connections."""
        self._http.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called (requests then raise ``RuntimeError``)."""
        return self._http.is_closed

    def health(self) -> bool:
        """Whether the worker is ready: ``GET /health`` answers 200.

        A probe, so it is tried once and never raises for an unreachable, starting or
        draining worker: those are ``False``.
        """
        try:
            reply = self._exchange("GET", "/health", None, attempts=1)
        except WorkerError:
            return False
        return reply.response.status_code == 200

    def info(self) -> dict[str, Any]:
        """``GET /info``: the worker's id, device, status, version, uptime, counters and limits.

        Raises
        ------
        WorkerError
            If the worker cannot be reached after retries, or answers something else.
        """
        return self._decode(self._exchange("GET", "/info", None), [])

    def validate(self, equation: str, units: Mapping[str, str] | None = None, mode: str = "auto") -> WorkerResult:
        """Validate one equation on a worker.

        Parameters
        ----------
        equation:
            The text as typed.
        units:
            Symbol → unit string (pint syntax), as for :func:`phi_lab.validate`.
        mode:
            ``auto``, ``physics`` or ``math``.

        Returns
        -------
        WorkerResult
            The verdict (a :class:`~phi_lab.ValidationResult`) and the ``worker_id`` of the worker
            that answered (``"local"`` when the fallback validated it here).

        Raises
        ------
        InputError
            If the worker rejects the request (HTTP 400/413/422: too long, bad units or mode),
            or ``mode`` is unknown.
        WorkerError
            If no worker could be used and ``fallback`` is ``None``, or the answer is not a
            verdict (a field missing or unusable, no ``worker_id``).
        """
        check_mode(mode)
        try:
            reply = self._exchange("POST", "/validate", _payload("equation", equation, units, mode))
            return _verdict(reply, self._decode(reply, [equation]))
        except WorkerError as error:
            if not self._falls_back(error):
                raise
            _warn_fallback(error, 1, 1)
            return _validate_locally([equation], units, mode)[0]

    def validate_many(
        self,
        equations: Iterable[str],
        units: Mapping[str, str] | None = None,
        mode: str = "auto",
        progress: bool = False,
    ) -> pd.DataFrame:
        """Validate many equations on the fleet, ``chunk_size`` per request, concurrently.

        Parameters
        ----------
        equations:
            Texts to validate (order is kept).
        units, mode:
            As for :meth:`validate`, applied to every equation.
        progress:
            Show a tqdm progress bar counting equations.

        Returns
        -------
        pandas.DataFrame
            One row per input, in input order: the columns of :func:`phi_lab.validate_many`
            plus ``worker_id`` (``"local"`` for rows the fallback validated here).

        Raises
        ------
        InputError
            If a worker rejects a request (HTTP 400/413/422), or ``mode`` is unknown.
        WorkerError
            If a chunk cannot be validated on the fleet and ``fallback`` is ``None``.

        Notes
        -----
        With ``fallback="local"``, only the chunks that failed are validated here; once a
        connection to the fleet is refused, chunks not yet sent go local without trying.
        """
        from tqdm.auto import tqdm

        check_mode(mode)
        texts = list(equations)
        chunks = [(start, texts[start : start + self.chunk_size]) for start in range(0, len(texts), self.chunk_size)]
        results: list[list[dict[str, Any]]] = [[] for _ in chunks]
        outage = _Outage()
        fallen: list[WorkerError] = []
        local: set[int] = set()
        bar = tqdm(total=len(texts), desc="validating", unit="eq", disable=not progress)
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="phi-lab-client")
        try:
            futures: dict[Future[list[dict[str, Any]] | None], int] = {
                pool.submit(self._remote_chunk, chunk, start, units, mode, outage): index
                for index, (start, chunk) in enumerate(chunks)
            }
            for future in as_completed(futures):
                index = futures[future]
                chunk = chunks[index][1]
                try:
                    rows = future.result()
                except WorkerError as error:
                    if not self._falls_back(error):
                        raise
                    fallen.append(error)
                    rows = None
                if rows is None:  # failed, or skipped because the fleet refused connections
                    if outage.error is not None and not self._falls_back(outage.error):
                        raise outage.error
                    rows = [result.to_dict() for result in _validate_locally(chunk, units, mode)]
                    local.add(index)
                results[index] = rows
                bar.update(len(chunk))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            bar.close()
        reason = fallen[0] if fallen else outage.error  # rows only go local after a WorkerError
        if local and reason is not None:
            _warn_fallback(reason, sum(len(chunks[index][1]) for index in local), len(texts))
        columns = [*RESULT_COLUMNS, "worker_id"]
        return results_frame([frame_row(row) for rows in results for row in rows], columns)

    def _remote_chunk(
        self, texts: list[str], offset: int, units: Mapping[str, str] | None, mode: str, outage: _Outage
    ) -> list[dict[str, Any]] | None:
        """Validate one chunk on the fleet; ``None`` when an earlier chunk found it unreachable."""
        if outage.error is not None:
            return None
        try:
            return self._post_batch(texts, offset, units, mode)
        except WorkerError as error:
            if isinstance(error.__cause__, httpx.ConnectError):
                outage.error = error
            raise

    def _post_batch(
        self, texts: list[str], offset: int, units: Mapping[str, str] | None, mode: str
    ) -> list[dict[str, Any]]:
        reply = self._exchange("POST", "/validate/batch", _payload("equations", texts, units, mode))
        if reply.response.status_code == 413 and len(texts) > 1:  # body too large: halve the chunk
            half = len(texts) // 2
            return self._post_batch(texts[:half], offset, units, mode) + self._post_batch(
                texts[half:], offset + half, units, mode
            )
        body = self._decode(reply, texts, offset)
        results = body.get("results")
        if not isinstance(results, list) or len(results) != len(texts) or not all(isinstance(r, dict) for r in results):
            count = len(results) if isinstance(results, list) else "no"
            raise WorkerError(
                f"{_where(reply)} answered 200 with {count} results for {len(texts)} equations; "
                "expected {'results': [one object per equation, in order]}",
                str(reply.response.request.url),
                reply.attempts,
                reply.response.status_code,
            )
        return results

    def _falls_back(self, error: WorkerError) -> bool:
        """Whether ``error`` means "the fleet is unavailable" and the local fallback is on."""
        return self.fallback == LOCAL_WORKER_ID and (error.status is None or error.status >= 500)

    def _exchange(self, method: str, path: str, payload: dict[str, Any] | None, attempts: int | None = None) -> _Reply:
        """Send one request, retrying; return a response with a status below 500.

        The one place where httpx's errors become :class:`~phi_lab.errors.WorkerError`.
        """
        total = self.retries + 1 if attempts is None else attempts
        request = self._http.build_request(method, path, json=payload)
        url = str(request.url)
        failure = ""
        status: int | None = None
        cause: httpx.HTTPError | None = None
        for attempt in range(1, total + 1):
            delay = self.backoff * 2 ** (attempt - 1)
            try:
                response = self._http.send(request)
            except _RETRY_EXCEPTIONS as error:
                failure, status, cause = f"{type(error).__name__}: {error}", None, error
            except httpx.HTTPError as error:
                message = f"{method} {url} failed ({type(error).__name__}: {error}); not retried"
                raise WorkerError(message, url, attempt, None) from error
            else:
                code = response.status_code
                if code < 500:
                    return _Reply(response, attempt)
                failure, status, cause = f"HTTP {code} {response.reason_phrase}{_detail_suffix(response)}", code, None
                if code not in RETRY_STATUSES:
                    raise WorkerError(
                        f"{method} {url} failed: {failure} (attempt {attempt}; not retried)", url, attempt, code
                    )
                wait = retry_after(response.headers.get("Retry-After"))
                if wait is not None:
                    delay = wait
            if attempt < total:
                time.sleep(delay)
        tries = "attempt" if total == 1 else "attempts"
        raise WorkerError(
            f"{method} {url} failed after {total} {tries}; last: {failure}", url, total, status
        ) from cause

    def _decode(self, reply: _Reply, texts: Sequence[str], offset: int = 0) -> dict[str, Any]:
        """The JSON object of a 2xx reply; a 4xx becomes InputError (400/413/422) or WorkerError."""
        response = reply.response
        url = str(response.request.url)
        code = response.status_code
        if code in _REJECTED_STATUSES:
            explanation = _explain(_detail(response), texts, offset)
            if code == 413:
                explanation = f"request body too large for the worker ({explanation})"
            raise InputError(f"the worker at {url} rejected the request (HTTP {code}): {explanation}")
        if not 200 <= code < 300:
            hint = "; is base_url a phi_lab worker?" if code == 404 else ""
            message = f"{_where(reply)} answered HTTP {code} {response.reason_phrase}{_detail_suffix(response)}{hint}"
            raise WorkerError(message, url, reply.attempts, code)
        try:
            body = response.json()
        except ValueError as error:
            raise WorkerError(
                f"{_where(reply)} answered {code} with a body that is not JSON", url, reply.attempts, code
            ) from error
        if not isinstance(body, dict):
            raise WorkerError(
                f"{_where(reply)} answered {code} with JSON that is not an object", url, reply.attempts, code
            )
        return body


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, capped at :data:`MAX_RETRY_AFTER`.

    Parameters
    ----------
    value:
        The header: delay-seconds (``"3"``, ``"0.5"``) or an HTTP date.

    Returns
    -------
    float or None
        Seconds in ``[0, MAX_RETRY_AFTER]``, or ``None`` when absent or unreadable.
    """
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _verdict(reply: _Reply, body: dict[str, Any]) -> WorkerResult:
    """The record of a worker's 2xx answer to ``POST /validate``; an unusable one is a WorkerError."""
    try:
        return WorkerResult.from_dict(body)
    except InputError as error:
        response = reply.response
        raise WorkerError(
            f"{_where(reply)} answered {response.status_code} with something that is not a verdict: {error}",
            str(response.request.url),
            reply.attempts,
            response.status_code,
        ) from error


def _payload(field: str, value: str | list[str], units: Mapping[str, str] | None, mode: str) -> dict[str, Any]:
    payload: dict[str, Any] = {field: value, "mode": mode}
    if units is not None:
        payload["units"] = dict(units)
    return payload


def _validate_locally(texts: Sequence[str], units: Mapping[str, str] | None, mode: str) -> list[WorkerResult]:
    from phi_lab.validation import validate  # the torch pipeline: imported only when needed

    return [WorkerResult.answered(validate(text, units, mode), LOCAL_WORKER_ID) for text in texts]


def _warn_fallback(error: WorkerError, local: int, total: int) -> None:
    warnings.warn(f"validated {local} of {total} equations locally: {error}", UserWarning, stacklevel=3)


def _where(reply: _Reply) -> str:
    return f"{reply.response.request.method} {reply.response.request.url}"


def _detail(response: httpx.Response) -> object:
    """The worker's explanation: ``detail`` of a JSON body, else the (short) text."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300]
    if isinstance(body, dict) and "detail" in body:
        return body["detail"]
    return body


def _detail_suffix(response: httpx.Response) -> str:
    detail = _explain(_detail(response), [], 0)
    return f": {detail}" if detail else ""


def _explain(detail: object, texts: Sequence[str], offset: int) -> str:
    """Words for a ``detail``: a string as is, FastAPI's list of validation errors item by item."""
    if isinstance(detail, list):
        return "; ".join(_explain_item(item, texts, offset) for item in detail)
    if isinstance(detail, str):
        return detail
    return "" if detail is None else str(detail)


def _explain_item(item: object, texts: Sequence[str], offset: int) -> str:
    if not isinstance(item, dict):
        return str(item)
    loc = [part for part in item.get("loc", []) if part != "body"]
    message = str(item.get("msg", item))
    index = next((part for part in loc if isinstance(part, int)), None)
    where = ".".join(str(part) for part in loc)
    text: str | None = None
    if index is not None and 0 <= index < len(texts):
        where, text = f"equation {offset + index} of the input", texts[index]
    elif loc == ["equation"] and len(texts) == 1:
        where, text = "the equation", texts[0]
    if str(item.get("type", "")).endswith("too_long") and loc and str(loc[0]).startswith("equation"):
        context = item.get("ctx")
        limit = context.get("max_length") if isinstance(context, dict) else None
        size = f"{len(text)} characters" if text is not None else "too many characters"
        bound = f"; the worker's limit is {limit}" if limit is not None else ""
        return f"{where} exceeds the equation length limit ({size}{bound}): {message}"
    return f"{where}: {message}" if where else message
