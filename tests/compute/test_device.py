"""Device resolution: auto prefers CUDA, then MPS, then CPU; explicit choices are checked."""

from __future__ import annotations

import pytest
import torch

from phi_lab.compute.device import DEVICE_VARIABLE, complex_dtype, resolve_device
from phi_lab.errors import DeviceError


def test_cpu_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    monkeypatch.setenv(DEVICE_VARIABLE, "cpu")
    assert resolve_device() == torch.device("cpu")
    monkeypatch.setenv(DEVICE_VARIABLE, "auto")
    expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    assert resolve_device().type == expected


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error on machines without CUDA")
def test_missing_cuda_is_a_clear_error() -> None:
    with pytest.raises(DeviceError, match="no CUDA device"):
        resolve_device("cuda")


def test_nonsense_devices() -> None:
    with pytest.raises(DeviceError):
        resolve_device("tpu-of-dreams")


def test_complex_dtype() -> None:
    assert complex_dtype(torch.device("cpu")) == torch.complex128
    assert complex_dtype(torch.device("mps")) == torch.complex64


@pytest.mark.requires_cuda
def test_cuda_resolves() -> None:
    assert resolve_device("cuda").type == "cuda"
