"""The engine on its own: its lifecycle (starting → ready → draining) and where it runs a validation."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

import phi_lab.server.engine as engine_module
from phi_lab.errors import BudgetExceededError, OverloadedError
from phi_lab.server import Settings
from phi_lab.server.engine import Engine, Job, Status

#: An equation longer than the inline limit used below, still quick to validate.
LONG = "y = " + " + ".join(f"{k}*x" for k in range(1, 12))


def run(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return asyncio.run(make())


def test_the_lifecycle_is_the_engines() -> None:
    async def life() -> list[Status]:
        engine = Engine.create(Settings(device="cpu"))
        seen = [engine.status]
        with pytest.raises(OverloadedError, match="starting"), engine.admit():
            pass
        await engine.start()
        seen.append(engine.status)
        assert engine.ready
        with engine.admit():
            assert engine.in_flight == 1
        assert (engine.in_flight, engine.served) == (0, 1)
        engine.drain()
        seen.append(engine.status)
        with pytest.raises(OverloadedError, match="draining before shutdown"), engine.admit():
            pass
        assert await engine.drained(0.1)
        await engine.stop()
        seen.append(engine.status)
        return seen

    assert run(life) == [Status.STARTING, Status.READY, Status.DRAINING, Status.DRAINING]


def test_a_drain_begun_while_starting_is_not_undone() -> None:
    async def life() -> Status:
        engine = Engine.create(Settings(device="cpu"))
        engine.drain()
        await engine.start()
        await engine.stop()
        return engine.status

    assert run(life) is Status.DRAINING


def test_drained_waits_for_requests_in_flight_within_the_grace() -> None:
    async def life() -> tuple[bool, bool]:
        engine = Engine.create(Settings(device="cpu"))
        await engine.start()
        with engine.admit():
            engine.drain()
            still_busy = await engine.drained(0.05)
        done = await engine.drained(0.05)
        await engine.stop()
        return still_busy, done

    assert run(life) == (False, True)


def _threads_used(settings: Settings, texts: list[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    names: list[str] = []
    score = Engine._score

    def recording(self: Engine, job: Job) -> dict[str, Any]:
        names.append(threading.current_thread().name)
        return score(self, job)

    monkeypatch.setattr(Engine, "_score", recording)

    async def life() -> None:
        engine = Engine.create(settings)
        await engine.start()
        names.clear()  # the warm-up runs in the pool
        for text in texts:
            assert (await engine.validate(Job(text)))["equation"] == text
        await engine.stop()

    run(life)
    return names


def test_short_equations_run_on_the_event_loop_long_ones_in_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    loop_thread = threading.current_thread().name  # asyncio.run runs the loop in this thread
    settings = Settings(device="cpu", inline_max_chars=20)
    names = _threads_used(settings, ["E = mc²", LONG, "F = ma"], monkeypatch)
    assert names[0] == loop_thread and names[2] == loop_thread
    assert names[1].startswith("phi-lab-compute")


def test_no_inline_validation_when_the_limit_is_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    names = _threads_used(Settings(device="cpu", inline_max_chars=0), ["E = mc²", "F = ma"], monkeypatch)
    assert all(name.startswith("phi-lab-compute") for name in names)


def test_a_slow_inline_validation_sends_the_next_ones_to_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "INLINE_SLOW_S", 0.0)  # every validation counts as slow
    names = _threads_used(Settings(device="cpu"), ["E = mc²", "F = ma", "PV = nRT"], monkeypatch)
    assert names[0] == threading.current_thread().name
    assert all(name.startswith("phi-lab-compute") for name in names[1:])


def test_a_lone_request_is_scored_on_the_loop_and_concurrent_ones_as_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Batching (the default): a request alone in the worker skips the thread hop; short requests
    that queue up together are scored as batches in the batch thread, each answered with its own
    verdict, in order; a long one goes to the pool alone."""
    assert Settings().batching and Settings().batch_wait_ms == 0
    batches: list[tuple[str, int]] = []
    score_many = Engine._score_many

    def recording(self: Engine, jobs: Any) -> list[Any]:
        batches.append((threading.current_thread().name, len(jobs)))
        return score_many(self, jobs)

    monkeypatch.setattr(Engine, "_score_many", recording)
    assert _threads_used(Settings(device="cpu"), ["E = mc²"], monkeypatch) == [threading.current_thread().name]
    assert batches == []

    texts = [f"x^2 = x + {n}" for n in range(1, 25)]

    async def life() -> list[dict[str, Any]]:
        engine = Engine.create(Settings(device="cpu", inline_max_chars=40))
        await engine.start()
        try:

            async def one(text: str) -> dict[str, Any]:
                with engine.admit():
                    return await engine.validate(Job(text))

            return list(await asyncio.gather(*(one(text) for text in [*texts, LONG])))
        finally:
            await engine.stop()

    answers = run(life)
    assert [answer["equation"] for answer in answers] == [*texts, LONG]
    assert all(name.startswith("phi-lab-batch") for name, _ in batches)
    assert sum(size for _, size in batches) == len(texts)  # all admitted together: none alone, LONG apart
    assert max(size for _, size in batches) > 1


def test_an_inline_validation_past_its_budget_is_a_504() -> None:
    async def life() -> None:
        engine = Engine.create(Settings(device="cpu", time_budget_s=1e-9))
        await engine.start()
        try:
            with pytest.raises(BudgetExceededError, match="time budget"):
                await engine.validate(Job("E = mc²"))
        finally:
            await engine.stop()

    run(life)


def test_a_stopped_engine_starts_again() -> None:
    """An app's lifespan may run twice (a test client opened twice): the second start is ready again."""

    async def life() -> list[Status]:
        engine = Engine.create(Settings(device="cpu", batching=True))
        seen = []
        for _ in range(2):
            await engine.start()
            seen.append(engine.status)
            assert (await engine.validate(Job("E = mc²")))["valid"] is True
            await engine.stop()
            seen.append(engine.status)
        return seen

    assert run(life) == [Status.READY, Status.DRAINING] * 2
