"""Tests for phi_lab.cli: the ``phi-lab`` command line, in-process through main() and once as a real process."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phi_lab.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main, parse_units
from phi_lab.errors import UnitError

PROPERTIES = settings(derandomize=True, database=None, deadline=None, max_examples=100)
ORIGINAL_FIELDS = ("valid", "confidence", "betti", "chi", "phi_coherence", "explanation", "processing_time_ms")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``phi-lab validate ARGS --device cpu`` in-process; return (status, stdout, stderr)."""
    status = main(["validate", *args, "--device", "cpu"])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert "Traceback" not in err
    assert err.count("\n") == 1
    assert err.startswith("phi-lab: error: ")
    for fragment in fragments:
        assert fragment in err


# --- one equation, readable output ---------------------------------------------------------------


def test_valid_catalogued_relation(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "E = mc²")
    assert status == EXIT_OK
    lines = out.splitlines()
    assert lines[0].startswith("VALID  relation  (confidence ")
    assert any(line.split()[:2] == ["dimensions", "pass"] for line in lines)
    assert "Catalog: Mass–energy equivalence" in lines
    assert any(line.startswith("Valid: ") for line in lines)
    assert "Betti numbers: b0=1 b1=0 b2=0  χ = 1" in lines
    assert any(line.startswith("φ-coherence: ") and "(" in line for line in lines)
    assert lines[-1].startswith("Processing time: ")
    assert lines[-1].endswith(" ms on cpu")
    assert err == ""


def test_dimension_mismatch_is_invalid(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "F = m + a")
    assert status == EXIT_INVALID
    lines = out.splitlines()
    assert lines[0].startswith("INVALID  relation  (confidence ")
    dimensions = next(line for line in lines if line.split()[:1] == ["dimensions"])
    assert dimensions.split()[1] == "fail"
    assert "cannot add mass and length/time² (acceleration)" in dimensions
    assert not any(line.startswith("Catalog:") for line in lines)


def test_hints_are_worded_for_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "E = m + c")
    assert "pass --units NAME=UNIT,... or --mode math" in out
    assert "units=" not in out and "mode='math'" not in out


def test_unparseable_text_gets_a_caret(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "E = (")
    assert status == EXIT_INVALID
    lines = out.splitlines()
    assert lines[0].startswith("INVALID  unparseable")
    text_row = next(i for i, line in enumerate(lines) if line.strip() == "E = (")
    caret_row = lines[text_row + 1]
    assert caret_row.strip() == "^"
    # error_column is 6 (1-based): one past the end of the five characters.
    assert caret_row.index("^") - lines[text_row].index("E") == 5
    assert any(line.split()[:2] == ["syntax", "fail"] for line in lines)


def test_not_an_equation(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "x + 1")
    assert status == EXIT_INVALID
    assert out.startswith("INVALID  not_an_equation")
    assert "^" not in out


# --- --json, --units, --mode -----------------------------------------------------------------------


def test_json_round_trips(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "E = mc²", "--json")
    assert status == EXIT_OK
    data = json.loads(out)
    assert list(data)[: len(ORIGINAL_FIELDS)] == list(ORIGINAL_FIELDS)
    assert data["valid"] is True
    assert data["betti"] == [1, 0, 0]
    assert isinstance(data["chi"], int)
    assert isinstance(data["confidence"], float)
    assert isinstance(data["processing_time_ms"], float)
    assert data["catalog"] == "Mass–energy equivalence"
    assert "Mass–energy" in out  # ensure_ascii=False: no \u escapes


def test_json_for_an_invalid_equation_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "E = (", "--json")
    assert status == EXIT_INVALID
    data = json.loads(out)
    assert (data["valid"], data["kind"], data["error_column"]) == (False, "unparseable", 6)


def test_units_and_physics_mode(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "F = m*a", "--units", "F=N, m=kg,a=m/s^2", "--mode", "physics", "--json")
    assert status == EXIT_OK
    data = json.loads(out)
    assert data["mode"] == "physics"
    assert data["valid"] is True
    assert {check["name"]: check["status"] for check in data["checks"]}["dimensions"] == "pass"


def test_units_may_be_repeated_and_contain_parentheses(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "F = m*a", "--units", "F=kg*m/s^2", "--units", "m=kg,a=m/(s*s)", "--json")
    assert status == EXIT_OK
    assert json.loads(out)["valid"] is True


def test_declared_units_can_make_an_equation_invalid(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "F = m*a", "--units", "F=N,m=kg,a=m/s")
    assert status == EXIT_INVALID
    assert out.startswith("INVALID")


# --- errors: exit 2, one line on stderr, no traceback --------------------------------------------------


@pytest.mark.parametrize("spec", ["Fkg", "=N", "F=", "F=N=kg"])
def test_malformed_units_pair(capsys: pytest.CaptureFixture[str], spec: str) -> None:
    status, out, err = run(capsys, "F = m*a", "--units", spec)
    assert status == EXIT_USAGE
    assert out == ""
    assert_one_line_error(err, "--units", "is not NAME=UNIT")


def test_empty_units_entries_are_skipped() -> None:
    assert parse_units(["F=N,,m=kg,"]) == {"F": "N", "m": "kg"}


def test_malformed_units_pair_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(capsys, "F = m*a", "--units", "F=N,mkg")
    assert_one_line_error(err, "'mkg'")


def test_unit_declared_twice(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "F = m*a", "--units", "F=N", "--units", "F=kg")
    assert status == EXIT_USAGE
    assert_one_line_error(err, "'F'", "twice")


def test_unit_pint_cannot_read(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "F = m*a", "--units", "F=blargh")
    assert status == EXIT_USAGE
    assert out == ""
    assert_one_line_error(err, "blargh")


def test_unknown_device(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["validate", "x = 1", "--device", "tpu"])
    assert status == EXIT_USAGE
    assert_one_line_error(capsys.readouterr().err, "tpu")


def test_unknown_mode_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "x = 1", "--mode", "chemistry")
    assert status == EXIT_USAGE
    assert "chemistry" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [[], ["validate"], ["frobnicate"], ["validate", "x = 1", "--file", "eqs.txt"]],
    ids=["no-command", "no-equation", "unknown-command", "equation-and-file"],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "usage: phi-lab" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["0", "-3", "two", "1.5"])
def test_serve_workers_must_be_at_least_one(capsys: pytest.CaptureFixture[str], value: str) -> None:
    assert main(["serve", "--workers", value]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "usage: phi-lab serve" in err
    assert f"argument --workers: must be a whole number of at least 1, not {value!r}" in err
    assert "Traceback" not in err


def test_serve_help_shows_workers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--help"]) == EXIT_OK
    assert "--workers N" in capsys.readouterr().out


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--help"]) == EXIT_OK
    assert "--units" in capsys.readouterr().out
    assert main(["--version"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("phi-lab ")


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "--file", str(tmp_path / "missing.txt"))
    assert status == EXIT_USAGE
    assert_one_line_error(err, "missing.txt")


def test_file_that_is_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("E = mc²\n".encode("latin-1"))
    status, _, err = run(capsys, "--file", str(path))
    assert status == EXIT_USAGE
    assert_one_line_error(err, "UTF-8")


# --- --file -----------------------------------------------------------------------------------------

FILE_TEXT = "# equations to check\nE = mc²\n\nF = m + a\n   # an indented comment\nx^2 = x*x\n"


def test_file_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "equations.txt"
    path.write_text(FILE_TEXT, encoding="utf-8")
    status, out, _ = run(capsys, "--file", str(path))
    assert status == EXIT_INVALID  # F = m + a
    header, *rows, summary = out.splitlines()
    assert header.split() == ["line", "equation", "valid", "kind", "confidence", "betti", "chi", "phi_coherence"]
    assert [row.split()[0] for row in rows] == ["2", "4", "6"]
    assert "E = mc²" in rows[0]
    assert "True" in rows[0]
    assert "(1, 0, 0)" in rows[0]
    assert "False" in rows[1]
    assert "identity" in rows[2]
    assert summary == "2 valid of 3"


def test_file_all_valid_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "equations.txt"
    path.write_text("E = mc²\nx^2 = x*x\n", encoding="utf-8")
    status, out, _ = run(capsys, "--file", str(path))
    assert status == EXIT_OK
    assert out.splitlines()[-1] == "2 valid of 2"


def test_file_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "equations.txt"
    path.write_text(FILE_TEXT, encoding="utf-8")
    status, out, _ = run(capsys, "--file", str(path), "--json")
    assert status == EXIT_INVALID
    data = json.loads(out)
    assert [(item["line"], item["equation"], item["valid"]) for item in data] == [
        (2, "E = mc²", True),
        (4, "F = m + a", False),
        (6, "x^2 = x*x", True),
    ]
    assert all(set(ORIGINAL_FIELDS) <= set(item) for item in data)


def test_file_from_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(FILE_TEXT))
    status, out, _ = run(capsys, "--file", "-")
    assert status == EXIT_INVALID
    assert out.splitlines()[-1] == "2 valid of 3"


def test_empty_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("# nothing yet\n\n", encoding="utf-8")
    status, out, _ = run(capsys, "--file", str(path))
    assert status == EXIT_OK
    assert out == "0 valid of 0\n"


def test_injected_streams() -> None:
    stdin, stdout, stderr = io.StringIO("E = mc²\n"), io.StringIO(), io.StringIO()
    status = main(["validate", "--file", "-", "--device", "cpu"], stdin=stdin, stdout=stdout, stderr=stderr)
    assert status == EXIT_OK
    assert stdout.getvalue().endswith("1 valid of 1\n")


# --- parse_units ------------------------------------------------------------------------------------


def test_parse_units() -> None:
    assert parse_units(["F = N, m=kg", "a=m/(s^2)", "E=kg*m^2/s^2"]) == {
        "F": "N",
        "m": "kg",
        "a": "m/(s^2)",
        "E": "kg*m^2/s^2",
    }
    assert parse_units([]) == {}


def test_parse_units_error_names_the_pair() -> None:
    with pytest.raises(UnitError, match="'m kg'"):
        parse_units(["F=N,m kg"])


NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,5}", fullmatch=True)
UNITS = st.from_regex(r"[a-zA-Z][a-zA-Z0-9/*^() ]{0,10}", fullmatch=True).map(str.strip)


@PROPERTIES
@given(st.dictionaries(NAMES, UNITS, max_size=6))
def test_parse_units_inverts_joining(units: dict[str, str]) -> None:
    assert parse_units([",".join(f"{name}={unit}" for name, unit in units.items())] if units else []) == units


# --- the installed console script -------------------------------------------------------------------


def test_console_script() -> None:
    script = shutil.which("phi-lab", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "phi_lab.cli"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    completed = subprocess.run(
        [*command, "validate", "E = mc²", "--json", "--device", "cpu"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=240,
        check=False,
    )
    assert completed.returncode == EXIT_OK, completed.stderr
    data = json.loads(completed.stdout)
    assert data["valid"] is True
    assert data["catalog"] == "Mass–energy equivalence"
