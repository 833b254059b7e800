"""Where numeric work runs: the one place a torch device is chosen.

``auto`` resolves to CUDA when a GPU is visible, else Apple's MPS, else the CPU.
The ``PHI_LAB_DEVICE`` environment variable (``auto``, ``cpu``, ``cuda``, ``cuda:1``,
``mps``) overrides ``auto``; it is read here and nowhere else in the core.  Callers
resolve once, at the edge, and pass the :class:`torch.device` down.
"""

from __future__ import annotations

import os
from functools import lru_cache

import torch

from phi_lab.errors import DeviceError

__all__ = ["DEVICE_VARIABLE", "complex_dtype", "resolve_device"]

DEVICE_VARIABLE = "PHI_LAB_DEVICE"


def resolve_device(requested: str | torch.device | None = None) -> torch.device:
    """Return the torch device to compute on.

    Parameters
    ----------
    requested:
        ``None`` (use ``PHI_LAB_DEVICE``, default ``auto``), ``"auto"``, or an explicit
        device such as ``"cpu"`` or ``"cuda:0"``.

    Raises
    ------
    DeviceError
        If the requested device does not exist on this machine.
    """
    if isinstance(requested, torch.device):
        return _checked(requested)
    text = (requested if requested is not None else os.environ.get(DEVICE_VARIABLE, "auto")).strip().lower()
    if text in ("", "auto"):
        return _automatic()
    try:
        device = torch.device(text)
    except RuntimeError as exc:
        raise DeviceError(f"{text!r} is not a torch device (try auto, cpu, cuda or mps)") from exc
    return _checked(device)


@lru_cache(maxsize=1)
def _automatic() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda", torch.cuda.current_device())
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def _checked(device: torch.device) -> torch.device:
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError("CUDA was requested but no CUDA device is visible")
        index = device.index if device.index is not None else torch.cuda.current_device()
        if index >= torch.cuda.device_count():
            raise DeviceError(f"cuda:{index} was requested but only {torch.cuda.device_count()} CUDA device(s) exist")
        return torch.device("cuda", index)
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise DeviceError("MPS was requested but is not available on this machine")
    if device.type not in ("cpu", "cuda", "mps"):
        raise DeviceError(f"device type {device.type!r} is not supported (use cpu, cuda or mps)")
    return device


def complex_dtype(device: torch.device) -> torch.dtype:
    """complex128 where the device supports it; MPS has no float64, so complex64 there."""
    return torch.complex64 if device.type == "mps" else torch.complex128
