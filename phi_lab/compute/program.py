"""Compile many different syntax trees into one fixed-shape tensor program, and run it.

Each expression becomes postfix code: ``PUSH`` instructions (a variable's samples or a
constant) and operators that pop their operands and push the result.  A batch of B
expressions is padded with ``NOP`` into an instruction tensor of shape (B, L); running it is
L steps, each a handful of device operations over all B expressions and N sample points at
once: the rows whose instruction at that step is, say, ``SIN`` are gathered and computed
together.  So thousands of *different* expressions cost L steps, not B Python loops.

Undefined results (division by zero, log of 0, a pole, overflow) become NaN/inf in their own
sample and row only, and stay undefined through later operations (NaN⁰ is NaN, not 1);
callers mask them, or call :func:`evaluate_program`, which returns the values with that mask
(:class:`Evaluation`) and per-row counts of undefined samples.  Values are complex
(principal branches), as in :class:`phi_lab.compute.numeric.TorchArithmetic`, and follow
the same conventions (``0 − z`` for negation, Γ on the real axis only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import torch

from phi_lab.compute.device import complex_dtype
from phi_lab.equations.evaluate import ComplexArithmetic, Undefined, evaluate
from phi_lab.equations.names import BRANCHED_FUNCTIONS, FUNCTIONS
from phi_lab.equations.syntax import Call, Node, Number, Operation, Symbol

__all__ = [
    "MAX_INTEGER_POWER",
    "OPCODES",
    "Evaluation",
    "Program",
    "apply_function",
    "apply_operator",
    "compile_program",
    "complex_divide",
    "complex_log",
    "complex_power",
    "evaluate_program",
    "gamma_on_real_axis",
    "real_root",
    "run_program",
]

_UNARY = (
    "neg", "sqrt", "exp", "log", "log10", "log2", "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan",
    "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "abs", "gamma",
)  # fmt: skip
_BINARY = ("add", "sub", "mul", "div", "pow", "root", "beta")
#: Instruction codes: 0 pads, 1 pushes a variable, 2 pushes a constant, then the operators.
OPCODES: dict[str, int] = {"nop": 0, "var": 1, "const": 2}
OPCODES.update({name: 3 + index for index, name in enumerate(_UNARY + _BINARY)})
_UNARY_CODES = frozenset(OPCODES[name] for name in _UNARY)
_BINARY_CODES = frozenset(OPCODES[name] for name in _BINARY)


@dataclass(frozen=True, slots=True)
class Program:
    """B compiled expressions, padded to a common length.

    Attributes
    ----------
    code, argument:
        (B, L) instruction codes and their arguments (variable or constant index).
    constants:
        (B, C) complex constants referenced by ``const`` instructions.
    variables:
        Per expression, the variable names in the order of ``var`` arguments.
    outputs:
        How many values each expression leaves on its stack (1, or 2 for a relation's sides).
    depth:
        The deepest stack any expression needs.
    """

    code: torch.Tensor
    argument: torch.Tensor
    constants: torch.Tensor
    variables: tuple[tuple[str, ...], ...]
    outputs: int
    depth: int


def compile_program(
    expressions: Sequence[Sequence[Node]],
    constant_values: Sequence[Mapping[str, complex]],
    device: torch.device,
    variable_orders: Sequence[Sequence[str]] | None = None,
    *,
    fold_constants: bool = True,
) -> Program:
    """Compile B expressions, each a sequence of roots evaluated in order (e.g. ``(lhs, rhs)``).

    Parameters
    ----------
    expressions:
        For each expression, the trees whose values it leaves on the stack; all have the same count.
    constant_values:
        For each expression, values of the names that are constants (the rest are variables).
    device:
        Where the tensors live.
    variable_orders:
        For each expression, the order of its variables (the rows of its samples in
        :func:`run_program`); default: order of first appearance.
    fold_constants:
        Fold subtrees without variables in Python double arithmetic at compile time, as the
        tree walk does (so both agree bit for bit).  Searches over constant expressions turn
        it off so that the device, not Python, does their arithmetic.
    """
    outputs = {len(roots) for roots in expressions}
    if len(outputs) > 1:
        raise ValueError("every expression must leave the same number of values")
    orders: Sequence[Sequence[str]] = variable_orders if variable_orders is not None else [()] * len(expressions)
    compiled = [
        _Compiler(values, order, fold_constants=fold_constants).compile(roots)
        for roots, values, order in zip(expressions, constant_values, orders, strict=True)
    ]
    length = max((len(item.code) for item in compiled), default=1) or 1
    width = max((len(item.constants) for item in compiled), default=1) or 1
    # Padded Python lists, then one tensor each: a tensor per row costs ~60 µs apiece.
    code = [item.code + [0] * (length - len(item.code)) for item in compiled]
    argument = [item.arguments + [0] * (length - len(item.arguments)) for item in compiled]
    constants = [item.constants + [0j] * (width - len(item.constants)) for item in compiled]
    dtype = complex_dtype(device)
    return Program(
        code=torch.tensor(code, dtype=torch.int64, device=device).reshape(len(compiled), length),
        argument=torch.tensor(argument, dtype=torch.int64, device=device).reshape(len(compiled), length),
        constants=torch.tensor(constants, dtype=torch.complex128).reshape(len(compiled), width).to(device, dtype),
        variables=tuple(item.variables for item in compiled),
        outputs=outputs.pop() if outputs else 1,
        depth=max((item.depth for item in compiled), default=1),
    )


class _Compiler:
    """Postfix code for one expression (private)."""

    def __init__(
        self, constant_values: Mapping[str, complex], order: Sequence[str] = (), *, fold_constants: bool = True
    ) -> None:
        self.fold_constants = fold_constants
        self.constant_values = constant_values
        self.code: list[int] = []
        self.arguments: list[int] = []
        self.constants: list[complex] = []
        self.variables: tuple[str, ...] = ()
        self._variable_index: dict[str, int] = {name: index for index, name in enumerate(order)}
        self.depth = 0
        self._stack = 0
        self._constant_subtrees: set[int] = set()

    def compile(self, roots: Sequence[Node]) -> _Compiler:
        for root in roots:
            if self.fold_constants:
                self._constant_subtrees = _constant_subtrees(root, self.constant_values)
            self._emit(root)
        self.variables = tuple(self._variable_index)
        return self

    def _push(self, code: int, argument: int) -> None:
        self.code.append(code)
        self.arguments.append(argument)
        self._stack += 1
        self.depth = max(self.depth, self._stack)

    def _operator(self, name: str, arity: int) -> None:
        self.code.append(OPCODES[name])
        self.arguments.append(0)
        self._stack -= arity - 1

    def _constant(self, value: complex) -> None:
        self.constants.append(value)
        self._push(OPCODES["const"], len(self.constants) - 1)

    def _emit(self, node: Node) -> None:
        if isinstance(node, (Operation, Call)) and id(node) in self._constant_subtrees:
            # Fold a subtree without variables in double-precision Python arithmetic, exactly as
            # the tree walk (TorchArithmetic) does, so both give bit-identical constants.
            try:
                self._constant(evaluate(node, self.constant_values, ComplexArithmetic()))
            except Undefined:
                self._constant(complex("nan"))
            return
        if isinstance(node, Number):
            self._constant(_number(node.value))
        elif isinstance(node, Symbol):
            if node.name in self.constant_values:
                self._constant(self.constant_values[node.name])
            else:
                index = self._variable_index.setdefault(node.name, len(self._variable_index))
                self._push(OPCODES["var"], index)
        elif isinstance(node, Call):
            for child in node.args:
                self._emit(child)
            self._operator(node.function, len(node.args))
        else:
            self._emit(node.args[0])
            if node.op == "neg":
                self._operator("neg", 1)
                return
            for child in node.args[1:]:  # n-ary + and × become chains of binary operations
                self._emit(child)
                self._operator(node.op, 2)


def _constant_subtrees(root: Node, constant_values: Mapping[str, complex]) -> set[int]:
    """``id``s of the operation and call nodes under ``root`` whose subtree has no variable."""
    constant: set[int] = set()
    order: list[Node] = []
    stack: list[Node] = [root]
    while stack:  # pre-order, then visited in reverse: children before parents
        node = stack.pop()
        order.append(node)
        if isinstance(node, (Operation, Call)):
            stack.extend(node.args)
    has_variable: dict[int, bool] = {}
    for node in reversed(order):
        if isinstance(node, Symbol):
            has_variable[id(node)] = node.name not in constant_values
        elif isinstance(node, Number):
            has_variable[id(node)] = False
        else:
            has_variable[id(node)] = any(has_variable[id(child)] for child in node.args)
            if not has_variable[id(node)]:
                constant.add(id(node))
    return constant


def _number(value: Fraction) -> complex:
    try:
        return ComplexArithmetic().number(value)
    except Undefined:
        return complex("nan")


def run_program(program: Program, samples: Sequence[torch.Tensor]) -> torch.Tensor:
    """Run ``program`` on sample values and return (B, outputs, N) complex results.

    Parameters
    ----------
    program:
        From :func:`compile_program`.
    samples:
        For each expression, a (V_b, N) tensor of values of its variables (in the order of
        ``program.variables[b]``); V_b may be 0.
    """
    code, argument = program.code, program.argument
    batch, length = code.shape
    points = next((tensor.shape[1] for tensor in samples if tensor.numel()), 1)
    dtype = program.constants.dtype
    device = code.device
    width = max((tensor.shape[0] for tensor in samples), default=0) or 1
    variables = torch.zeros((batch, width, points), dtype=dtype, device=device)
    for row, tensor in enumerate(samples):
        if tensor.numel():
            variables[row, : tensor.shape[0]] = tensor
    depth = program.depth + 1
    stack = torch.zeros((batch * depth, points), dtype=dtype, device=device)  # row b, slot s at b·depth + s
    flat_variables = variables.reshape(batch * width, points)
    pointer = torch.zeros(batch, dtype=torch.int64, device=device)
    rows = torch.arange(batch, device=device)
    # index_select / index_copy_ on flat row indices: advanced indexing of a 3-D complex
    # tensor takes a slow path on the CPU (about 30× slower here).
    for step in range(length):
        instruction = code[:, step]
        present = set(torch.unique(instruction).tolist())
        present.discard(OPCODES["nop"])
        for opcode in present:
            selected = rows[instruction == opcode]
            slot = selected * depth + pointer[selected]
            if opcode == OPCODES["var"]:
                source = selected * width + argument[selected, step]
                stack.index_copy_(0, slot, flat_variables.index_select(0, source))
                pointer[selected] += 1
            elif opcode == OPCODES["const"]:
                value = program.constants[selected, argument[selected, step]]
                stack.index_copy_(0, slot, value[:, None].expand(-1, points))
                pointer[selected] += 1
            elif opcode in _UNARY_CODES:
                stack.index_copy_(0, slot - 1, _apply_unary(opcode, stack.index_select(0, slot - 1)))
            else:
                left, right = stack.index_select(0, slot - 2), stack.index_select(0, slot - 1)
                stack.index_copy_(0, slot - 2, _apply_binary(opcode, left, right))
                pointer[selected] -= 1
    stack = stack.reshape(batch, depth, points)
    return stack[:, : program.outputs]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The values of a compiled program and, per sample, whether each is defined.

    A value is *defined* when its real and imaginary parts are both finite.  Division by
    zero, the logarithm of 0, 0⁰, a pole of Γ, overflow and NaN are undefined; the logarithm
    or square root of a negative number is defined (complex principal branch, ``log(−1) = iπ``).
    An undefined value affects only its own sample of its own row.

    Attributes
    ----------
    values:
        (B, outputs, N) complex results, as :func:`run_program` returns them.
    defined:
        (B, outputs, N) bool, True where ``values`` is finite.
    """

    values: torch.Tensor
    defined: torch.Tensor

    def __post_init__(self) -> None:
        if self.values.dim() != 3 or self.defined.shape != self.values.shape:
            raise ValueError("values and defined must both have shape (B, outputs, N)")
        if self.defined.dtype != torch.bool:
            raise ValueError("defined must be a bool tensor")

    @property
    def defined_samples(self) -> torch.Tensor:
        """(B, N) bool: True where every output of the row is defined at that sample."""
        return self.defined.all(dim=1)

    @property
    def undefined_counts(self) -> torch.Tensor:
        """(B,) int64: per row, how many samples have at least one undefined output."""
        return (~self.defined_samples).sum(dim=1)


def evaluate_program(program: Program, samples: Sequence[torch.Tensor]) -> Evaluation:
    """Run ``program`` (see :func:`run_program`) and report which samples are defined.

    Parameters
    ----------
    program:
        From :func:`compile_program`.
    samples:
        For each expression, a (V_b, N) tensor of values of its variables.

    Returns
    -------
    Evaluation
        The (B, outputs, N) values, their ``defined`` mask, and per-row counts of
        undefined samples (:attr:`Evaluation.undefined_counts`).  Undefined samples are
        reported, never raised.
    """
    values = run_program(program, samples)
    defined = torch.isfinite(values.real) & torch.isfinite(values.imag)
    return Evaluation(values=values, defined=defined)


_NAMES = {code: name for name, code in OPCODES.items()}
_REAL_LOG = {"log10": 10.0, "log2": 2.0}


def apply_function(name: str, args: Sequence[torch.Tensor]) -> torch.Tensor:
    """A function of phi_lab's vocabulary (``sin``, ``log10``, ``root``, ``beta``…) on complex
    tensors: the one torch implementation, used by the compiled program and the tree walk alike."""
    x = args[0]
    if name in BRANCHED_FUNCTIONS:  # −0.0 imaginary parts → +0.0 (see names.BRANCHED_FUNCTIONS)
        x = x + 0
    if name == "log":
        return complex_log(x)
    if name in _REAL_LOG:
        return complex_log(x) / torch.log(torch.tensor(_REAL_LOG[name], dtype=x.real.dtype, device=x.device))
    if name == "abs":
        return torch.abs(x).to(x.dtype)
    if name == "gamma":
        return gamma_on_real_axis(x)
    if name in _RECIPROCALS:
        reciprocal: torch.Tensor = 1 / getattr(torch, _RECIPROCALS[name])(x)
        return reciprocal
    if name == "root":
        return real_root(x, args[1])
    if name == "beta":
        y = args[1]
        return gamma_on_real_axis(x) * gamma_on_real_axis(y) / gamma_on_real_axis(x + y)
    if name not in FUNCTIONS:
        raise ValueError(f"unknown function {name!r}")
    result: torch.Tensor = getattr(torch, name)(x)
    if name in _POLES:
        # torch gives ±inf at the poles atanh(±1) and atan(±i), which a later tanh or 1/x turns
        # back into a finite, made-up number; every scalar arithmetic calls them undefined.
        # (These functions are bounded by ~710 elsewhere, so an infinity here is always a pole.)
        result = torch.where(torch.isinf(result), torch.full_like(result, complex("nan")), result)
    return result


_POLES = frozenset({"atan", "atanh"})


_RECIPROCALS = {"cot": "tan", "sec": "cos", "csc": "sin"}


def _apply_unary(opcode: int, x: torch.Tensor) -> torch.Tensor:
    name = _NAMES[opcode]
    return 0 - x if name == "neg" else apply_function(name, [x])


def _apply_binary(opcode: int, left: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
    name = _NAMES[opcode]
    if name == "add":
        return left + right
    if name == "sub":
        return left - right
    if name == "mul":
        return left * right
    if name == "div":
        return complex_divide(left, right)
    if name == "pow":
        return complex_power(left, right)
    return apply_function(name, [left, right])  # root, beta


def apply_operator(name: str, operands: Sequence[torch.Tensor]) -> torch.Tensor:
    """One instruction of the program on complex tensors: ``neg``, ``add``, ``sub``, ``mul``,
    ``div``, ``pow`` or a function of the vocabulary, exactly as :func:`run_program` computes it.

    For callers that hold the operands' values already, such as the bottom-up searches, which
    compute each new candidate from its children's values.
    """
    if len(operands) == 1:
        return _apply_unary(OPCODES[name], operands[0])
    return _apply_binary(OPCODES[name], operands[0], operands[1])


#: Integer exponents up to this size are computed by repeated multiplication (exactly, as
#: Python's ``complex ** int`` does); other exponents by the principal branch, exp(b·log a).
MAX_INTEGER_POWER = 64


def complex_power(base: torch.Tensor, exponent: torch.Tensor | complex) -> torch.Tensor:
    """``base ** exponent`` element-wise, the same way for every caller.

    ``torch.pow`` takes exact shortcuts for a Python-number exponent but not for a tensor
    exponent, where (−1.3)² picks up a stray imaginary part of 1e-16 whose sign decides the
    branch of a later ``log`` or ``sqrt``.  So real integer exponents (up to
    :data:`MAX_INTEGER_POWER`) are computed by binary powering, the same sequence of
    multiplications whether the exponent is one number or a tensor of them; other exponents
    by ``torch.pow`` on tensors.  0⁰ and 0⁻ⁿ are undefined (NaN), as in every arithmetic, and
    so is any power of an undefined (NaN) base or with a NaN exponent.
    """
    if not isinstance(exponent, torch.Tensor):
        number = complex(exponent)
        if number.imag == 0 and number.real.is_integer() and abs(number.real) <= MAX_INTEGER_POWER:
            return _integer_power(base, int(number.real))
        exponent = torch.full_like(base, number)
    base = base + 0  # +0.0 imaginary parts: the general branch takes a logarithm
    # NaN⁰ is 1 in IEEE arithmetic (and torch), which would turn an undefined sample such as
    # (1/0)⁰ back into a finite, made-up value; undefined operands stay undefined instead.
    undefined = ((base == 0) & (exponent.real <= 0)) | torch.isnan(base) | torch.isnan(exponent)
    general = torch.where(undefined, torch.full_like(base, complex("nan")), torch.pow(base, exponent))
    real = exponent.real
    integer = (exponent.imag == 0) & (real == torch.round(real)) & (real.abs() <= MAX_INTEGER_POWER) & ~undefined
    if not bool(integer.any()):
        return general
    count = torch.where(integer, real, torch.zeros_like(real)).to(torch.int64)
    remaining = count.abs()
    result = torch.ones_like(base)
    factor = base
    for _ in range(int(remaining.max()).bit_length()):
        result = torch.where((remaining & 1).bool(), result * factor, result)
        factor = factor * factor
        remaining = remaining >> 1
    result = torch.where(count < 0, 1 / result, result)
    return torch.where(integer, result, general)


def _integer_power(base: torch.Tensor, count: int) -> torch.Tensor:
    """``base ** count`` by binary powering (multiplications in the same order as the tensor case)."""
    if count == 0:  # 0⁰ and NaN⁰ (an undefined base) are undefined, not 1 as in IEEE arithmetic
        undefined = (base == 0) | torch.isnan(base)
        return torch.where(undefined, torch.full_like(base, complex("nan")), torch.ones_like(base))
    result: torch.Tensor | None = None
    factor = base
    remaining = abs(count)
    while remaining:
        if remaining & 1:
            result = factor if result is None else result * factor
        remaining >>= 1
        if remaining:
            factor = factor * factor
    assert result is not None
    return complex_divide(1, result) if count < 0 else result


def real_root(x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """``ⁿ√x``: the real root where ``n`` is an odd integer and ``x`` real (∛−8 = −2), else the
    principal ``x^(1/n)``, as the radical sign is read in every arithmetic."""
    principal = complex_power(x, complex_divide(1, index))
    real_index = index.real
    odd = (index.imag == 0) & (real_index == torch.round(real_index)) & (torch.remainder(real_index, 2) == 1)
    negative_real = (x.imag == 0) & (x.real < 0)
    odd_real = odd & negative_real
    if not bool(odd_real.any()):
        return principal
    magnitude = torch.pow(-x.real, 1 / torch.where(odd, real_index, torch.ones_like(real_index)))
    return torch.where(odd_real, (-magnitude).to(x.dtype), principal)


def complex_log(x: torch.Tensor) -> torch.Tensor:
    """The principal logarithm, NaN (undefined) at 0 as in every arithmetic (torch gives −inf,
    which a later power could turn back into a finite number)."""
    return torch.where(x == 0, torch.full_like(x, complex("nan")), torch.log(x))


def complex_divide(left: torch.Tensor | complex, right: torch.Tensor | complex) -> torch.Tensor:
    """``left / right`` element-wise, NaN (undefined) wherever ``right`` is 0, in every arithmetic
    (torch alone would give ±inf or NaN depending on the numerator)."""
    quotient = torch.as_tensor(left / right)
    return torch.where(torch.as_tensor(right) == 0, torch.full_like(quotient, complex("nan")), quotient)


def gamma_on_real_axis(x: torch.Tensor) -> torch.Tensor:
    """Γ on the real axis (sign from the reflection pattern); NaN off it and at its poles 0, −1, −2, …

    (``exp(lgamma)`` gives +inf at a pole, which a later 1/x or tanh would turn into a finite
    number; every scalar arithmetic calls Γ undefined there.)
    """
    real = x.real
    magnitude = torch.exp(torch.lgamma(real))
    negative_odd = (real < 0) & (torch.floor(real).remainder(2) == 1)
    value = (torch.where(negative_odd, -magnitude, magnitude)).to(x.dtype)
    pole = (real <= 0) & (real == torch.floor(real))
    return torch.where((x.imag == 0) & ~pole, value, torch.full_like(value, complex("nan")))
