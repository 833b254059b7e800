"""The compute side of a worker and its lifecycle: validations with budgets, a bounded
queue and optional dynamic batching.  No HTTP here: requests in, result dicts out.

* :class:`Engine` owns the worker's :class:`Status`: ``starting`` (warming up) → ``ready`` →
  ``draining`` (after SIGTERM, or at shutdown).  The routes, ``/health`` and the runner's
  drain all read and change it here, through typed methods (:meth:`Engine.start`,
  :meth:`Engine.drain`, :meth:`Engine.drained`, :meth:`Engine.stop`).
* A single equation of at most ``inline_max_chars`` characters is validated on the event loop
  itself: most take well under a millisecond, and a hop to a thread costs a worker on one core
  about a third of that again (two thread switches and the GIL handed over each way).  One that
  takes longer than :data:`INLINE_SLOW_S` of CPU sends the next :data:`INLINE_COOLDOWN_S` seconds of
  requests to the pool, so slow short equations can hold the loop once per cooldown at most.
  Longer equations, every ``/validate/batch`` and dynamic batches run in a small thread pool
  (``compute_threads``), so ``/health`` and ``/metrics`` answer while they are scored.
* :meth:`Engine.admit` bounds the requests admitted at once (``queue_limit``); past it, and
  while draining, callers get :class:`~phi_lab.errors.OverloadedError` (HTTP 503).
* Each request waits at most its budget (``time_budget_s``, per 1,000 equations for a batch);
  past it the caller gets :class:`~phi_lab.errors.BudgetExceededError` (HTTP 504).  A thread
  cannot be killed, so the computation finishes in the background; the core's input limits
  bound how long that can be (a few seconds at most for any accepted text).  An inline
  validation cannot be cut short: one that ran past its budget is answered with the same 504.
* Equation lengths are checked at the edge (the HTTP models' ``max_length``), not here.
* With ``batching`` on (the default), the short single requests (at most ``inline_max_chars``)
  that queued up together (up to ``batch_max``; ``batch_wait_ms`` more to wait for others, 0 by
  default) are scored as one job whose numeric checks run as one device batch
  (:func:`phi_lab.validation.validate_each`), in a thread of their own, so that no batch waits
  behind a long equation or a ``/validate/batch`` in the pool; a request alone in the worker
  is scored on the loop as above.  Under load this amortises the per-request work of torch and
  keeps the interpreter's caches warm: on one pinned core at 16 connections it served 1.3–1.5×
  the requests of one-at-a-time scoring (docs/performance.md).  ``/validate/batch``
  requests are always scored as one job, in the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import math
import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import torch

from phi_lab.compute.device import resolve_device
from phi_lab.errors import BudgetExceededError, InputError, OverloadedError
from phi_lab.options import Options
from phi_lab.server.metrics import Metrics
from phi_lab.server.settings import Settings
from phi_lab.validation import validate_checked, validate_each

__all__ = ["INLINE_COOLDOWN_S", "INLINE_SLOW_S", "INLINE_WAITED_S", "Engine", "Job", "Status", "worker_identity"]

T = TypeVar("T")

#: An inline validation that used more CPU than this (seconds), or waited longer than
#: INLINE_WAITED_S (seconds, wall clock) ...
INLINE_SLOW_S = 0.05
INLINE_WAITED_S = 0.25
#: ... sends single requests to the thread pool for this long (seconds).
INLINE_COOLDOWN_S = 5.0


class Status(enum.StrEnum):
    """Where a worker is in its life; ``/health`` is 200 only when :attr:`READY`."""

    STARTING = "starting"
    READY = "ready"
    DRAINING = "draining"


def worker_identity() -> str:
    """``hostname-pid``: unique per process and per container."""
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass(frozen=True, slots=True)
class Job:
    """One equation to validate, with its options as checked at the edge
    (:func:`~phi_lab.equations.binding.check_options`)."""

    equation: str
    options: Options = field(default_factory=Options)


@dataclass(slots=True)
class _Pending:
    job: Job
    future: asyncio.Future[dict[str, Any]]


@dataclass(slots=True, eq=False)
class Engine:
    """Runs validations for one worker and owns its lifecycle (one per app; see :meth:`create`)."""

    settings: Settings
    device: torch.device
    metrics: Metrics
    worker_id: str
    status: Status = Status.STARTING
    in_flight: int = 0
    served: int = 0
    started: float = field(default_factory=time.monotonic)
    _executor: ThreadPoolExecutor | None = None
    _batch_executor: ThreadPoolExecutor | None = None  # dynamic batches only: never behind a slow job
    _queue: asyncio.Queue[_Pending] | None = None
    _batcher: asyncio.Task[None] | None = None
    _waiting: int = 0
    _single: Any = field(default=None, init=False, repr=False)  # the batch-size child for "single"
    _inline_after: float = 0.0  # time.monotonic() from which short equations run inline again
    _stopped: bool = False

    def __post_init__(self) -> None:
        self._single = self.metrics.batch_size.labels("single")

    @classmethod
    def create(cls, settings: Settings) -> Engine:
        """An engine for ``settings``: its device resolved, fresh metrics, this process's worker id.

        Raises
        ------
        DeviceError
            When ``settings.device`` names a device this machine lacks.
        """
        return cls(settings, resolve_device(settings.device), Metrics.create(), worker_identity())

    # --- lifecycle ------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Whether the worker takes requests (warmed up, not draining)."""
        return self.status is Status.READY

    @property
    def uptime_s(self) -> float:
        return time.monotonic() - self.started

    async def start(self) -> None:
        """Create the thread pool, warm up (first call loads pint, catalog, device), start batching;
        then :attr:`Status.READY`, unless a drain began meanwhile.  An engine stopped by
        :meth:`stop` starts again from :attr:`Status.STARTING` (an app's lifespan may run twice)."""
        if self._stopped:
            self._stopped, self.status, self._queue, self._batcher = False, Status.STARTING, None, None
        self._executor = ThreadPoolExecutor(self.settings.compute_threads, thread_name_prefix="phi-lab-compute")
        await asyncio.get_running_loop().run_in_executor(self._executor, self._score, Job("E = mc²"))
        if self.settings.batching:
            self._batch_executor = ThreadPoolExecutor(1, thread_name_prefix="phi-lab-batch")
            self._queue = asyncio.Queue()
            self._batcher = asyncio.create_task(self._batch_loop(), name="phi-lab-batcher")
        if self.status is Status.STARTING:
            self.status = Status.READY

    def drain(self) -> None:
        """Refuse new requests from now on (503 with ``Retry-After``); those admitted finish."""
        self.status = Status.DRAINING

    async def drained(self, grace_s: float, poll_s: float = 0.02) -> bool:
        """Wait until no request is in flight, at most ``grace_s``; whether none is left."""
        deadline = time.monotonic() + grace_s
        while self.in_flight and time.monotonic() < deadline:
            await asyncio.sleep(poll_s)
        return not self.in_flight

    async def stop(self) -> None:
        """Drain, stop batching and the thread pool (after in-flight requests finished)."""
        self.drain()
        self._stopped = True
        if self._batcher is not None:
            self._batcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._batcher
        for executor in (self._executor, self._batch_executor):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)

    # --- requests -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def admit(self) -> Iterator[None]:
        """Count a request in; refuse it unless ready or at the queue limit.  Counted as served once answered."""
        if self.status is Status.DRAINING:
            raise OverloadedError("the worker is draining before shutdown; retry on another worker", 1.0)
        if self.status is Status.STARTING:
            raise OverloadedError("the worker is starting; retry", 1.0)
        if self.in_flight >= self.settings.queue_limit:
            raise OverloadedError(f"the worker's queue is full ({self.settings.queue_limit} requests); retry", 1.0)
        self.in_flight += 1
        self.metrics.in_flight.set(self.in_flight)
        try:
            yield
            self.served += 1
        finally:
            self.in_flight -= 1
            self.metrics.in_flight.set(self.in_flight)

    async def validate(self, job: Job) -> dict[str, Any]:
        """Validate one equation within the time budget.

        With batching, a short equation joins the dynamic batches; a long one (more than
        ``inline_max_chars``, the kind that can take seconds) runs alone in the pool, so no
        batch ever waits behind it."""
        if self._queue is not None and len(job.equation) <= self.settings.inline_max_chars:
            future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            self._waiting += 1
            self.metrics.queue_depth.set(self._waiting)
            self._queue.put_nowait(_Pending(job, future))
            return await self._within_budget(future, self.settings.time_budget_s)
        self._single.observe(1)
        if self._inline(job):
            return self._score_inline(job)
        return await self._off_loop(self._score, job, self.settings.time_budget_s)

    def _inline(self, job: Job) -> bool:
        """Whether ``job`` is scored on the event loop: a short equation, outside a cooldown."""
        return len(job.equation) <= self.settings.inline_max_chars and time.monotonic() >= self._inline_after

    @staticmethod
    def _attempt(score: Callable[[Job], dict[str, Any]], job: Job) -> dict[str, Any] | BaseException:
        """``score(job)``, or the error it raised (set on the job's future, raised by its request)."""
        try:
            return score(job)
        except Exception as error:
            return error

    def _score_inline(self, job: Job) -> dict[str, Any]:
        """:meth:`_score` on the event loop, timed: a slow one starts the cooldown, one past the budget is a 504.

        Slow is judged by this thread's CPU time (a worker descheduled by a busy machine is not
        slow), or by the wall clock past :data:`INLINE_WAITED_S` (a validation waiting on the
        prover process holds the loop without using the CPU).
        """
        began, began_cpu = time.perf_counter(), time.thread_time()
        result = self._score(job)
        took, took_cpu = time.perf_counter() - began, time.thread_time() - began_cpu
        if took_cpu > INLINE_SLOW_S or took > INLINE_WAITED_S:
            self._inline_after = time.monotonic() + INLINE_COOLDOWN_S
        budget = self.settings.time_budget_s
        if took > budget:
            raise BudgetExceededError(f"the request exceeded its time budget of {budget:g} s", budget)
        return result

    async def validate_batch(self, equations: Sequence[str], options: Options) -> list[Any]:
        """Validate a batch in one compute job; the budget scales per 1,000 equations."""
        if len(equations) > self.settings.max_batch:
            raise InputError(f"a batch holds at most {self.settings.max_batch:,} equations, got {len(equations):,}")
        jobs = [Job(equation, options) for equation in equations]
        self.metrics.batch_size.labels("batch_request").observe(len(jobs))
        self._waiting += len(jobs)
        self.metrics.queue_depth.set(self._waiting)
        budget = self.settings.time_budget_s * max(1, math.ceil(len(jobs) / 1000))
        try:
            return await self._off_loop(self._score_many, jobs, budget)
        finally:
            self._waiting -= len(jobs)
            self.metrics.queue_depth.set(self._waiting)

    async def _off_loop(self, function: Callable[[Any], T], argument: Any, budget: float) -> T:
        """``function(argument)`` in the thread pool, awaited at most ``budget`` seconds."""
        if self._executor is None:
            raise RuntimeError("Engine.start() was not awaited")
        loop = asyncio.get_running_loop()
        return await self._within_budget(loop.run_in_executor(self._executor, function, argument), budget)

    @staticmethod
    async def _within_budget(future: asyncio.Future[T], budget: float) -> T:
        """Await ``future`` at most ``budget`` seconds; past it, raise and leave it running."""
        if not future.done():
            done, _ = await asyncio.wait((future,), timeout=budget)
            if not done:
                raise BudgetExceededError(f"the request exceeded its time budget of {budget:g} s", budget)
        return future.result()

    def _score(self, job: Job) -> dict[str, Any]:
        result = validate_checked(job.equation, job.options, self.device).to_dict()
        result["worker_id"] = self.worker_id
        self.metrics.equations.inc()
        return result

    def _score_many(self, jobs: Sequence[Job]) -> list[Any]:
        """Score jobs in order, their numeric checks as one device batch per group of equal options.

        An input error of one group is returned in its jobs' places, not raised.
        """
        groups: dict[Options, list[int]] = {}
        for position, job in enumerate(jobs):
            groups.setdefault(job.options, []).append(position)
        results: list[Any] = [None] * len(jobs)
        for options, positions in groups.items():
            try:
                verdicts = validate_each([jobs[p].equation for p in positions], options, self.device)
            except InputError as error:
                for position in positions:
                    results[position] = error
                continue
            for position, verdict in zip(positions, verdicts, strict=True):
                result = verdict.to_dict()
                result["worker_id"] = self.worker_id
                results[position] = result
        self.metrics.equations.inc(len(jobs))
        return results

    async def _batch_loop(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        wait = self.settings.batch_wait_ms / 1000
        while True:
            pending = [await self._queue.get()]
            # Whatever queued up meanwhile (while the last batch was scored) joins at once ...
            while len(pending) < self.settings.batch_max and not self._queue.empty():
                pending.append(self._queue.get_nowait())
            # ... then, for batch_wait_ms at most, whatever comes next.
            deadline = time.monotonic() + wait
            while len(pending) < self.settings.batch_max:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    pending.append(await asyncio.wait_for(self._queue.get(), remaining))
                except TimeoutError:
                    break
            self.metrics.batch_size.labels("dynamic").observe(len(pending))
            if len(pending) == 1 and self.in_flight <= 1 and self._inline(pending[0].job):
                # The only request in the worker: scored here, on the loop, without a thread hop.
                outcomes: list[Any] = [self._attempt(self._score_inline, pending[0].job)]
            else:
                # Scored in the batch thread; meanwhile the loop reads the next requests, which
                # queue up and form the next batch.
                assert self._batch_executor is not None
                jobs = [item.job for item in pending]
                outcomes = await loop.run_in_executor(self._batch_executor, self._score_many, jobs)
            self._waiting -= len(pending)
            self.metrics.queue_depth.set(self._waiting)
            for item, outcome in zip(pending, outcomes, strict=True):
                if item.future.done():
                    continue
                if isinstance(outcome, BaseException):
                    item.future.set_exception(outcome)
                else:
                    item.future.set_result(outcome)
