"""The friendly layer: frames built from the typed searches, discoveries validated, the façade's three searches."""

from __future__ import annotations

import pickle

import pandas
import pytest

import phi_lab as pl
from phi_lab.compute.enumeration import Progress
from phi_lab.equations.syntax import Symbol
from phi_lab.exploration import CLOSED_FORM_COLUMNS, EQUATION_COLUMNS, IDENTITY_COLUMNS, Verdicts

#: The attrs every enumerating search's frame holds, in order (tests, notebooks and the widget read them).
SEARCH_ATTRS = ["stopped", "levels", "candidates", "pruned", "pool", "pool_limit", "pool_bytes"]


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
    assert list(equations.attrs) == [
        *SEARCH_ATTRS, "pairs", "seconds", "device", "hits", "verified", "found_after_s", "reason", "search", "verdicts"
    ]  # fmt: skip


def test_every_equation_carries_its_whole_verdict(equations: pandas.DataFrame) -> None:
    verdicts = equations.attrs["verdicts"]
    assert equations.attrs["search"] == "equations" and isinstance(verdicts, Verdicts)
    assert list(verdicts) == list(equations.index)
    for label, row in equations.iterrows():
        verdict = verdicts[label]
        assert verdict.equation == row["equation"] and verdict.mode == "math" and verdict.device == "cpu"
        assert (verdict.valid, verdict.kind, verdict.confidence, verdict.betti) == (
            row["valid"], row["kind"], row["confidence"], row["betti"]
        )  # fmt: skip
        assert verdict.explanation and verdict.checks  # what the columns leave out is there too


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


def test_closed_forms_are_a_frame_with_verdicts_for_their_exact_rows() -> None:
    frame = pl.find_closed_forms(max_complexity=5, max_results=4, device="cpu")
    assert tuple(frame.columns) == CLOSED_FORM_COLUMNS
    assert {name: str(dtype) for name, dtype in frame.dtypes.items() if name in ("complexity", "digits", "exact")} == {
        "complexity": "int64", "digits": "int64", "exact": "bool"
    }  # fmt: skip
    assert list(frame.attrs) == [
        *SEARCH_ATTRS, "seconds", "device", "hits", "found_after_s", "reason", "search", "verdicts"
    ]  # fmt: skip
    assert frame.attrs["search"] == "closed forms" and frame.attrs["device"] == "cpu"
    assert set(frame.attrs["found_after_s"]) == set(frame["expression"])
    verdicts = frame.attrs["verdicts"]
    exact = frame.index[frame["exact"]]
    assert list(verdicts) == list(exact) and len(exact) >= 2
    for label in exact:  # the equation the row states, target = form, validated in math mode
        verdict = verdicts[label]
        assert verdict.equation == f"phi = {frame.loc[label, 'expression']}" and verdict.mode == "math"
        assert verdict.valid and verdict.kind == "identity"


def test_closed_form_verdicts_need_a_target_with_text() -> None:
    named = pl.find_closed_forms(" sqrt(2) ", max_complexity=3, device="cpu")
    assert [verdict.equation for verdict in named.attrs["verdicts"].values()] == ["sqrt(2) = sqrt(2)"]
    tree = pl.find_closed_forms(Symbol("phi"), max_complexity=5, device="cpu")  # exact, but no text to validate
    assert tree["exact"].any() and len(tree.attrs["verdicts"]) == 0
    digits = pl.find_closed_forms(1.618033988749895, max_complexity=5, device="cpu")  # a float is never exact
    assert not digits["exact"].any() and len(digits.attrs["verdicts"]) == 0
    nothing = pl.find_closed_forms("123456.789", constants=("1",), operations=("+",), max_complexity=3, device="cpu")
    assert nothing.empty and tuple(nothing.columns) == CLOSED_FORM_COLUMNS


def test_verdicts_stay_with_their_rows_and_are_shared_not_copied() -> None:
    frame = pl.find_closed_forms(max_complexity=5, device="cpu")
    verdicts = frame.attrs["verdicts"]
    derived = frame[frame["exact"]].sort_values("expression", ascending=False)
    assert derived.attrs["verdicts"] is verdicts  # pandas deep-copies attrs: a Verdicts is shared
    for label, row in derived.iterrows():
        assert verdicts[label].equation == f"phi = {row['expression']}"
    again = pickle.loads(pickle.dumps(frame))
    assert dict(again.attrs["verdicts"]) == dict(verdicts) and repr(verdicts) == f"Verdicts({len(verdicts)} rows)"


def test_identities_are_a_frame() -> None:
    frame = pl.find_identities(["lucas", "power"], max_exponent=3, device="cpu")
    assert tuple(frame.columns) == IDENTITY_COLUMNS and frame["proved"].all()
    assert list(frame["template"]) == sorted(frame["template"], key=["lucas", "power"].index)
    assert str(frame["exponent"].dtype) == "int64" and str(frame["proved"].dtype) == "bool"
    assert frame.attrs["refuted"] == [] and frame.attrs["undecided"] == []  # lists, as before
    assert list(frame.attrs) == [
        "stopped", "candidates", "proposed", "refuted", "undecided", "seconds", "device", "search"
    ]  # fmt: skip
    assert frame.attrs["search"] == "identities" and frame.attrs["stopped"] == "done"


@pytest.mark.parametrize("search", [pl.find_closed_forms, pl.find_equations, pl.find_identities])
def test_the_device_is_decided_at_the_edge(search: object) -> None:
    with pytest.raises(pl.DeviceError):
        search(device="tpu-of-dreams")  # type: ignore[operator]
