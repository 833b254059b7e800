"""Complex arithmetic on tensors of sample values, for the one-tree-at-a-time walk.

:func:`phi_lab.equations.evaluate.evaluate` with :class:`TorchArithmetic` evaluates one syntax
tree over a tensor of samples.  The validator itself runs compiled programs
(:mod:`phi_lab.compute.program`), which follow the same conventions; this walk is their
reference in the tests and the per-expression baseline in ``bench/bench_evaluator.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import torch

from phi_lab.compute.device import complex_dtype
from phi_lab.compute.program import apply_function, complex_divide, complex_power
from phi_lab.equations.evaluate import ComplexArithmetic, Undefined

__all__ = ["TorchArithmetic"]

Value = Any  # a complex tensor of samples, or a Python complex scalar


class TorchArithmetic:
    """Complex arithmetic on tensors of sample values; undefined results become NaN."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.dtype = complex_dtype(device)
        self.scalar = ComplexArithmetic()

    def number(self, value: Fraction) -> Value:
        try:
            return self.scalar.number(value)
        except Undefined:
            return complex("nan")

    def constant(self, name: str) -> Value:
        return self.scalar.constant(name)

    def _both_scalar(self, *values: Value) -> bool:
        return not any(isinstance(value, torch.Tensor) for value in values)

    def _scalar(self, operation: str, *args: Any) -> Value:
        try:
            return getattr(self.scalar, operation)(*args)
        except Undefined:
            return complex("nan")

    def add(self, args: Sequence[Value]) -> Value:
        if self._both_scalar(*args):
            return self._scalar("add", args)
        result = args[0]
        for arg in args[1:]:
            result = result + arg
        return result

    def mul(self, args: Sequence[Value]) -> Value:
        if self._both_scalar(*args):
            return self._scalar("mul", args)
        result = args[0]
        for arg in args[1:]:
            result = result * arg
        return result

    def sub(self, left: Value, right: Value) -> Value:
        return self._scalar("sub", left, right) if self._both_scalar(left, right) else left - right

    def div(self, left: Value, right: Value) -> Value:
        if self._both_scalar(left, right):
            return self._scalar("div", left, right)
        return complex_divide(left, right)

    def neg(self, operand: Value) -> Value:
        return 0 - operand  # keeps +0 imaginary parts (see ComplexArithmetic.neg)

    def pow(self, base: Value, exponent: Value) -> Value:
        if self._both_scalar(base, exponent):
            return self._scalar("pow", base, exponent)
        if not isinstance(base, torch.Tensor):
            base = torch.full_like(exponent, base)
        return complex_power(base, exponent)

    def call(self, function: str, args: Sequence[Value]) -> Value:
        if self._both_scalar(*args):
            return self._scalar("call", function, args)
        like = next(arg for arg in args if isinstance(arg, torch.Tensor))
        tensors = [arg if isinstance(arg, torch.Tensor) else torch.full_like(like, arg) for arg in args]
        return apply_function(function, tensors)
