"""Prometheus metrics of one worker, in a registry of its own (one per app, so tests and
several apps in one process never collide)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["Metrics"]

_LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096, 10_000)


@dataclass(frozen=True, slots=True)
class Metrics:
    """The worker's instruments (see :meth:`create`)."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    batch_size: Histogram
    equations: Counter
    in_flight: Gauge
    queue_depth: Gauge
    device_memory: Gauge

    @classmethod
    def create(cls) -> Metrics:
        """Make a fresh registry with every instrument registered."""
        registry = CollectorRegistry()
        return cls(
            registry=registry,
            requests=Counter(
                "phi_lab_requests", "HTTP requests by route and status", ["route", "method", "status"],
                registry=registry,
            ),
            latency=Histogram(
                "phi_lab_request_seconds", "Request latency by route", ["route"], buckets=_LATENCY_BUCKETS,
                registry=registry,
            ),
            batch_size=Histogram(
                "phi_lab_batch_size", "Equations scored together in one compute job", ["source"],
                buckets=_BATCH_BUCKETS, registry=registry,
            ),
            equations=Counter("phi_lab_equations_validated", "Equations validated", registry=registry),
            in_flight=Gauge("phi_lab_in_flight_requests", "Requests being served", registry=registry),
            queue_depth=Gauge("phi_lab_queue_depth", "Equations waiting for or in a compute job", registry=registry),
            device_memory=Gauge(
                "phi_lab_device_memory_bytes", "Memory allocated by torch on the CUDA device", registry=registry
            ),
        )  # fmt: skip
