"""find_equations: discoveries go through validate(); the façade exposes the three searches."""

from __future__ import annotations

import pandas
import pytest

import phi_lab as pl
from phi_lab.compute.enumeration import Progress
from phi_lab.exploration import EQUATION_COLUMNS


@pytest.fixture(scope="module")
def equations() -> pandas.DataFrame:
    return pl.find_equations(max_complexity=8, max_results=200, device="cpu")


def test_phi_equations_are_validated(equations: pandas.DataFrame) -> None:
    assert tuple(equations.columns) == EQUATION_COLUMNS
    rows = equations.set_index("equation")
    for text in ("x^2 = x + 1", "x^3 = 2*x + 1", "x = sqrt(x + 1)"):
        row = rows.loc[text]
        assert bool(row["exact"]) and bool(row["valid"]) and row["kind"] == "relation"
        verdict = pl.validate(text, mode="math")
        assert (row["confidence"], row["betti"], row["chi"]) == (verdict.confidence, verdict.betti, verdict.chi)
        assert row["phi_coherence"] == verdict.phi_coherence
    assert rows.loc["x^2 = x + 1", "betti"] == (1, 1, 0)
    # Rewrites of one relation are one row, shown by its simplest member; other relations stay apart.
    assert {"x - 1 = 1/x", "x^2 - x = 1", "1/(x - 1) = x"} <= set(rows.loc["x^2 = x + 1", "variants"])
    assert rows.loc["x^2 = x + 1", "group_size"] == 1 + len(rows.loc["x^2 = x + 1", "variants"])
    shown_and_variants = [text for row in equations.itertuples() for text in (row.equation, *row.variants)]
    assert len(shown_and_variants) == len(set(shown_and_variants)) == equations["group_size"].sum()
    assert equations["valid"].all()
    assert set(equations.attrs["found_after_s"]) == set(equations["equation"])
    assert equations.attrs["stopped"] == "max_complexity"


def test_max_results_caps_the_rows(equations: pandas.DataFrame) -> None:
    frame = pl.find_equations(max_complexity=8, max_results=3, device="cpu")
    assert list(frame["equation"]) == list(equations["equation"][:3])


def test_facade_exports_the_searches() -> None:
    assert {"find_closed_forms", "find_equations", "find_identities"} <= set(pl.__all__)
    assert pl.find_closed_forms(max_complexity=5, device="cpu").iloc[0]["expression"] == "(1 + sqrt(5))/2"
    assert "phi^2 = phi + 1" in set(pl.find_identities(["power"], max_exponent=3, device="cpu")["identity"])


def test_the_live_hit_count_is_the_final_one() -> None:
    for search in (pl.find_equations, pl.find_closed_forms):
        reports: list[Progress] = []
        frame = search(max_complexity=6, device="cpu", time_budget_s=600, progress=reports.append)
        assert reports and reports[-1].hits == frame.attrs["hits"] >= frame["group_size"].sum()
        assert frame.attrs["reason"] is None and frame.attrs["pool_limit"] > frame.attrs["pool"]


def test_nothing_found_says_why() -> None:
    frame = pl.find_equations("pi", max_complexity=6, device="cpu", time_budget_s=600)
    assert not frame["exact"].any()
    assert frame.attrs["reason"].startswith("pi is transcendental")
    forms = pl.find_closed_forms("0.5772156649015329", max_complexity=5, device="cpu")
    assert "16 digits" in forms.attrs["reason"]


def test_an_equation_dressed_as_another_is_one_relation() -> None:
    frame = pl.find_equations(
        "pi", constants=("1", "2", "pi"), operations=("+", "-", "*", "/", "^", "exp"), max_complexity=6, device="cpu"
    )
    rows = frame.set_index("equation")
    variants = set(rows.loc["x = pi", "variants"])
    assert {"exp(pi - x) = 1", "x^2/pi = pi"} & variants  # the same real root, pi, only
    assert "x^2 = pi^2" in rows.index  # -pi as well: another relation
    assert "exp(x - pi) = 1" not in rows.index
