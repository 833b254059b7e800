"""Names as physicists and benchmarks write them: subscripts, trailing underscores, ``units`` keys.

``AI_FEYNMAN_NAMES`` is every distinct variable name of the AI Feynman benchmark
(Udrescu & Tegmark, SJ001/AI-Feynman): the input variables (``v1_name`` … ``v10_name``)
and the outputs of FeynmanEquations.csv (100 equations) and BonusEquations.csv
(20 equations), read from the copies in the public repository
edfink234/Alpha-Zero-Symbolic-Regression.

The lexer's :func:`~phi_lab.equations.lexer.read_name` and binding's
:func:`~phi_lab.equations.binding.normalize_units` on their own: ``test_lexer.py``, ``test_binding.py``.
"""

from __future__ import annotations

import re

import pytest

import phi_lab as pl
from phi_lab.equations.lexer import read_name

AI_FEYNMAN_NAMES = (
    "A", "A_vec", "B", "Bx", "By", "Bz", "C", "D", "E_den", "E_n", "Ef", "F", "G", "H", "H_G",
    "I", "I1", "I2", "I_0", "Int", "Int_0", "Jz", "K", "L", "L_rad", "M", "Nn", "Pol", "Pwr",
    "T", "T1", "T2", "U", "V", "V1", "V2", "Volt", "Y", "Z_1", "Z_2", "a", "alpha", "beta", "c",
    "chi", "d", "d1", "d2", "delta", "epsilon", "f", "flux", "foc", "g", "g_", "gamma", "h",
    "hbar", "j", "k", "k_G", "k_f", "k_spring", "kappa", "kb", "lambd", "m", "m1", "m2", "m_0",
    "mob", "mom", "mu", "mu_S", "mu_drift", "n", "n_0", "n_rho", "omega", "omega_0", "p", "p_d",
    "pr", "prob", "q", "q1", "q2", "r", "r1", "r2", "rho", "rho_0", "rho_c", "rho_c_0", "sigma",
    "sigma_den", "t", "t1", "tau", "theta", "theta1", "theta2", "u", "v", "v1", "w", "x", "x1",
    "x2", "x3", "y", "y1", "y2", "y3", "z", "z1", "z2",
)  # fmt: skip

#: A canonical name: a letter, then letters and digits, parts joined by '_', perhaps a trailing '_'.
CANONICAL = re.compile(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*_?")


def canonical(name: str) -> str:
    """The documented spelling of a name: digits ending a name without '_' are its subscript (q1 → q_1)."""
    return re.sub(r"^([A-Za-z]+)([0-9]+)$", r"\1_\2", name)


def test_the_list_is_the_whole_database() -> None:
    assert len(AI_FEYNMAN_NAMES) == len(set(AI_FEYNMAN_NAMES)) == 117


@pytest.mark.parametrize("name", AI_FEYNMAN_NAMES)
def test_ai_feynman_names_stay_whole_in_text_and_units(name: str) -> None:
    equation = pl.parse(f"{name} = 2*{name}", units={name: "m"})
    assert equation.syntax.names == {canonical(name)}
    assert dict(equation.units) == {canonical(name): "m"}
    assert CANONICAL.fullmatch(canonical(name))


@pytest.mark.parametrize("name", AI_FEYNMAN_NAMES)
def test_ai_feynman_names_validate_in_physics_mode(name: str) -> None:
    output = "y" if name != "y" else "x"
    result = pl.validate(f"{output} = {name}", units={name: "m", output: "m"}, mode="physics")
    assert result.kind == "relation"
    assert result.check("dimensions").status == "pass"


@pytest.mark.parametrize(
    ("formula", "names"),
    [
        ("j = -rho_c_0*q*A_vec/m", {"j", "rho_c_0", "q", "A_vec", "m"}),
        ("omega = g_*q*B/(2*m)", {"omega", "g_", "q", "B", "m"}),
        ("Int = Int_0*sin(n*theta/2)**2/sin(theta/2)**2", {"Int", "Int_0", "n", "theta"}),
        ("v = mu_drift*q*Volt/d", {"v", "mu_drift", "q", "Volt", "d"}),
        ("E_n = mom*sqrt(Bx**2+By**2+Bz**2)", {"E_n", "mom", "Bx", "By", "Bz"}),
        ("theta = arcsin(lambd/(n*d))", {"theta", "lambd", "n", "d"}),
        ("E_n = 1/(gamma-1)*pr*V", {"E_n", "gamma", "pr", "V"}),
        ("f = beta*(1+alpha*cos(theta))", {"f", "beta", "alpha", "theta"}),
        ("Ef = sigma_den/epsilon*1/(1+chi)", {"Ef", "sigma_den", "epsilon", "chi"}),
        ("Pol = n_rho*p_d**2*Ef/(3*kb*T)", {"Pol", "n_rho", "p_d", "Ef", "kb", "T"}),
        ("Int = I1+I2+2*sqrt(I1*I2)*cos(delta)", {"Int", "I_1", "I_2", "delta"}),
        ("E_n = (h/(2*pi))*omega", {"E_n", "h", "pi", "omega"}),
    ],
)
def test_ai_feynman_formulas_keep_their_declared_names(formula: str, names: set[str]) -> None:
    declared = {name: "1" for name in names - {"pi"}}
    assert pl.parse(formula, units=declared).syntax.names == names


def test_declared_names_beat_functions_and_constants() -> None:
    declared = dict.fromkeys(("gamma", "c", "hbar", "lambd", "e"), "1")
    equation = pl.parse("y = gamma(x + 1) + beta + lambd + hbar + c + e", units=declared)
    assert equation.syntax.names == {"y", "gamma", "x", "beta", "lambd", "hbar", "c", "e"}
    assert set(declared).isdisjoint(equation.constants)
    assert pl.parse("y = lambd").syntax.names == {"y", "l", "a", "m", "b", "d"}
    assert pl.parse("y = Int_0").syntax.names == {"y", "I", "n", "t_0"}


@pytest.mark.parametrize(
    ("key", "text", "name"),
    [
        ("rho_c_0", "rho_{c,0}", "rho_c_0"),
        ("rho_{c,0}", "ρ_c_0", "rho_c_0"),
        ("ρ_c_0", r"\rho_c_0", "rho_c_0"),
        (r"\rho_c_0", "ρ_c₀", "rho_c_0"),
        ("v_esc", r"v_\text{esc}", "v_esc"),
        (r"v_\text{esc}", r"v_{\mathrm{esc}}", "v_esc"),
        (r"v_{\mathrm{esc}}", "v_esc", "v_esc"),
        ("t_{1/2}", "t_1over2", "t_1over2"),
        ("t_1over2", "t_{1/2}", "t_1over2"),
        ("E_{k,max}", "E_k_max", "E_k_max"),
        ("Int_{0}", "Int_0", "Int_0"),
        (r"\mathrm{Volt}", "Volt", "Volt"),
        ("q1", "q₁", "q_1"),
        ("g_", "g_", "g_"),
        ("lambda_", r"\lambda_", "lambda_"),
        ("x_", "x_", "x_"),
        ("n_ρ", "n_rho", "n_rho"),
    ],
)
def test_a_units_key_written_any_way_matches_the_text(key: str, text: str, name: str) -> None:
    assert read_name(key) == name
    equation = pl.parse(f"{text} = 1", units={key: "s"})
    assert equation.syntax.names == {name}
    assert dict(equation.units) == {name: "s"}


def test_a_trailing_underscore_is_a_name_of_its_own() -> None:
    equation = pl.parse("g_ = 2*g", units={"g_": "1", "g": "m/s^2"})
    assert equation.syntax.names == {"g_", "g"}
    assert pl.parse("g_ = 2*g").syntax.names == {"g_", "g"}  # declared or not


def test_canonical_names_are_sympy_symbols_of_the_same_name() -> None:
    names = {"rho_c_0", "t_1over2", "g_", "E_k_max", "A_vec"}
    equation = pl.parse("rho_c_0 = t_{1/2} g_ E_{k,max} A_vec", units=dict.fromkeys(names, "1"))
    (relation,) = equation.as_sympy()
    assert {symbol.name for symbol in relation.free_symbols} == names
