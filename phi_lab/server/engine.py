"""The compute side of a worker: validations off the event loop, with budgets, a bounded
queue and optional dynamic batching.  No HTTP here: requests in, result dicts out.

* Every validation runs in a small thread pool (``compute_threads``), never on the event loop.
* :meth:`Engine.admit` bounds the requests admitted at once (``queue_limit``); past it, and
  while draining, callers get :class:`~phi_lab.errors.OverloadedError` (HTTP 503).
* Each request waits at most its budget (``time_budget_s``, per 1,000 equations for a batch);
  past it the caller gets :class:`~phi_lab.errors.BudgetExceededError` (HTTP 504).  A thread
  cannot be killed, so the computation finishes in the background; the core's input limits
  bound how long that can be (a few seconds at most for any accepted text).
* Equation lengths are checked at the edge (the HTTP models' ``max_length``), not here.
* With ``batching`` on, single requests that arrive together (within ``batch_wait_ms``, up
  to ``batch_max``) are scored in one compute job whose numeric checks run as one device
  batch (:func:`phi_lab.validation.validate_each`), recorded in the batch-size histogram.
  ``/validate/batch`` requests are always scored that way.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import torch

from phi_lab.equations.binding import normalize_units
from phi_lab.errors import BudgetExceededError, InputError, OverloadedError
from phi_lab.options import check_mode
from phi_lab.server.metrics import Metrics
from phi_lab.server.settings import Settings
from phi_lab.validation import validate, validate_each

__all__ = ["Engine", "Job"]


@dataclass(frozen=True, slots=True)
class Job:
    """One equation to validate, with its options."""

    equation: str
    mode: str = "auto"
    units: Mapping[str, str] | None = None


@dataclass(slots=True)
class _Pending:
    job: Job
    future: asyncio.Future[dict[str, Any]]


@dataclass(slots=True)
class Engine:
    """Runs validations for one worker (create one per app; see :meth:`start`)."""

    settings: Settings
    device: torch.device
    metrics: Metrics
    worker_id: str
    in_flight: int = 0
    draining: bool = False
    _executor: ThreadPoolExecutor | None = None
    _queue: asyncio.Queue[_Pending] | None = None
    _batcher: asyncio.Task[None] | None = None
    _waiting: int = field(default=0)

    async def start(self) -> None:
        """Create the thread pool, warm up (first call loads pint, catalog, device), start batching."""
        self._executor = ThreadPoolExecutor(self.settings.compute_threads, thread_name_prefix="phi-lab-compute")
        await asyncio.get_running_loop().run_in_executor(self._executor, self._score, Job("E = mc²"))
        if self.settings.batching:
            self._queue = asyncio.Queue()
            self._batcher = asyncio.create_task(self._batch_loop(), name="phi-lab-batcher")

    async def stop(self) -> None:
        """Stop batching and the thread pool (after in-flight requests finished)."""
        if self._batcher is not None:
            self._batcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._batcher
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    @contextlib.contextmanager
    def admit(self) -> Iterator[None]:
        """Count a request in; refuse it when draining or at the queue limit."""
        if self.draining:
            raise OverloadedError("the worker is draining before shutdown; retry on another worker", 1.0)
        if self.in_flight >= self.settings.queue_limit:
            raise OverloadedError(f"the worker's queue is full ({self.settings.queue_limit} requests); retry", 1.0)
        self.in_flight += 1
        self.metrics.in_flight.set(self.in_flight)
        try:
            yield
        finally:
            self.in_flight -= 1
            self.metrics.in_flight.set(self.in_flight)

    async def validate(self, job: Job) -> dict[str, Any]:
        """Validate one equation within the time budget."""
        if self._queue is not None:
            future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            self._waiting += 1
            self.metrics.queue_depth.set(self._waiting)
            await self._queue.put(_Pending(job, future))
        else:
            self.metrics.batch_size.labels("single").observe(1)
            future = asyncio.wrap_future(self._pool().submit(self._score, job))
        result: dict[str, Any] = await self._within_budget(future, self.settings.time_budget_s)
        return result

    async def validate_batch(self, equations: Sequence[str], mode: str, units: Mapping[str, str] | None) -> list[Any]:
        """Validate a batch in one compute job; the budget scales per 1,000 equations."""
        if len(equations) > self.settings.max_batch:
            raise InputError(f"a batch holds at most {self.settings.max_batch:,} equations, got {len(equations):,}")
        jobs = [Job(equation, mode, units) for equation in equations]
        self.metrics.batch_size.labels("batch_request").observe(len(jobs))
        self._waiting += len(jobs)
        self.metrics.queue_depth.set(self._waiting)
        future = asyncio.wrap_future(self._pool().submit(self._score_many, jobs))
        budget = self.settings.time_budget_s * max(1, math.ceil(len(jobs) / 1000))
        try:
            results: list[Any] = await self._within_budget(future, budget)
        finally:
            self._waiting -= len(jobs)
            self.metrics.queue_depth.set(self._waiting)
        return results

    async def _within_budget(self, future: asyncio.Future[Any], budget: float) -> Any:
        try:
            return await asyncio.wait_for(asyncio.shield(future), budget)
        except TimeoutError as exc:
            raise BudgetExceededError(f"the request exceeded its time budget of {budget:g} s", budget) from exc

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            raise RuntimeError("Engine.start() was not awaited")
        return self._executor

    def _score(self, job: Job) -> dict[str, Any]:
        result = validate(job.equation, job.units, job.mode, device=self.device).to_dict()
        result["worker_id"] = self.worker_id
        self.metrics.equations.inc()
        return result

    def _score_many(self, jobs: Sequence[Job]) -> list[Any]:
        """Score jobs in order, their numeric checks as one device batch per (mode, units) group.

        An input error of one group is returned in its jobs' places, not raised.
        """
        groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[int]] = {}
        for position, job in enumerate(jobs):
            groups.setdefault((job.mode, tuple(sorted((job.units or {}).items()))), []).append(position)
        results: list[Any] = [None] * len(jobs)
        for (mode, units), positions in groups.items():
            try:
                check_mode(mode)
                declared = normalize_units(dict(units))
                verdicts = validate_each([jobs[p].equation for p in positions], declared, mode, self.device)
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
            outcomes = await loop.run_in_executor(self._pool(), self._score_many, [item.job for item in pending])
            self._waiting -= len(pending)
            self.metrics.queue_depth.set(self._waiting)
            for item, outcome in zip(pending, outcomes, strict=True):
                if item.future.done():
                    continue
                if isinstance(outcome, BaseException):
                    item.future.set_exception(outcome)
                else:
                    item.future.set_result(outcome)
