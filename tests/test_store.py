"""The master list (phi_lab.store): round trips, identity of relations, atomicity, and real
processes writing one file at once or being killed mid-batch."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pytest

import phi_lab as pl
from phi_lab.client import WorkerResult
from phi_lab.equations.verdict import RESULT_COLUMNS
from phi_lab.store import (
    COLUMNS,
    SCHEMA_VERSION,
    VERDICT_FIELDS,
    AddOutcome,
    Entry,
    MasterList,
    default_path,
    normal_form,
)

ROOT = Path(__file__).resolve().parents[1]
#: How long a helper process may take for anything (it imports torch first, ~2 s).
PROCESS_TIMEOUT_S = 60.0


def check(text: str) -> pl.ValidationResult:
    return pl.validate(text, device="cpu")


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def master(tmp_path: Path) -> Iterator[MasterList]:
    with MasterList(tmp_path / "master.sqlite3") as opened:
        yield opened


# -- where the file lives ----------------------------------------------------------------------


def test_default_path_reads_the_environment_once_in_order(tmp_path: Path) -> None:
    explicit = tmp_path / "mine.sqlite3"
    assert default_path({"PHI_LAB_MASTER_LIST": str(explicit), "XDG_DATA_HOME": "/x"}) == explicit
    assert default_path({"XDG_DATA_HOME": "/data"}) == Path("/data/phi_lab/master.sqlite3")
    fallback = Path.home() / ".local" / "share" / "phi_lab" / "master.sqlite3"
    assert default_path({}) == fallback
    assert default_path({"XDG_DATA_HOME": "relative/ignored", "PHI_LAB_MASTER_LIST": ""}) == fallback


def test_parent_directories_are_created_and_the_schema_is_versioned(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "master.sqlite3"
    with MasterList(path) as master:
        assert len(master) == 0
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = [row[1] for row in connection.execute("PRAGMA table_info(relations)")]
    finally:
        connection.close()
    assert tuple(columns) == COLUMNS
    with MasterList(path) as again:  # reopening an existing list
        assert len(again) == 0


def test_memory_list_works() -> None:
    with MasterList(":memory:") as master:
        assert master.add(check("E = mc²")).added
        assert len(master) == 1


# -- add, get, len, contains, frame, csv -------------------------------------------------------


def test_round_trip(master: MasterList, tmp_path: Path) -> None:
    result = check("E = mc²")
    outcome = master.add(result, note="Einstein 1905", tags=("relativity", "energy"))
    assert outcome == AddOutcome(outcome.id, True, "=(E,mul(m,pow(c,2)))")
    assert len(master) == 1
    assert "E = mc²" in master
    assert "x = 1" not in master
    entry = master.get(outcome.id)
    assert entry is not None
    assert entry == master.get(outcome.normal_form)
    assert (entry.equation, entry.valid, entry.kind) == ("E = mc²", True, "relation")
    assert entry.confidence == result.confidence
    assert (entry.betti, entry.chi, entry.phi_coherence) == (result.betti, result.chi, result.phi_coherence)
    assert (entry.explanation, entry.checks, entry.catalog) == (result.explanation, result.checks, result.catalog)
    assert (entry.mode, entry.source, entry.note) == ("auto", "local", "Einstein 1905")
    assert entry.tags == ("relativity", "energy")
    assert entry.units == {}
    assert entry.validated_at.utcoffset() is not None
    assert entry.validated_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert master.get(outcome.id + 1000) is None
    assert master.get("=(nothing)") is None

    frame = master.to_frame()
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["betti"] == (1, 0, 0)
    assert row["checks"] == [c.to_dict() for c in result.checks]
    assert row["tags"] == ("relativity", "energy")
    assert bool(row["valid"]) is True
    assert row["validated_at"] == pd.Timestamp(entry.validated_at)

    exported = master.export_csv(tmp_path / "master.csv")
    with exported.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 1
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["equation"] == "E = mc²"
    assert rows[0]["valid"] == "true"
    assert json.loads(rows[0]["betti"]) == [1, 0, 0]
    assert json.loads(rows[0]["checks"]) == [c.to_dict() for c in result.checks]
    assert json.loads(rows[0]["tags"]) == ["relativity", "energy"]
    assert pd.read_csv(exported)["id"].tolist() == [outcome.id]


def test_empty_frame_has_the_documented_columns(master: MasterList) -> None:
    frame = master.to_frame()
    assert list(frame.columns) == list(COLUMNS)
    assert frame.empty


def test_spellings_of_one_relation_are_one_row(master: MasterList) -> None:
    first = master.add(check("E = mc²"), note="first")
    for spelling in ("E = m*c**2", "m c^2 = E"):
        again = master.add(check(spelling), note="later", tags=("ignored",))
        assert again == AddOutcome(first.id, False, first.normal_form)
        assert spelling in master
    assert len(master) == 1
    entry = master.get(first.id)
    assert entry is not None
    assert (entry.equation, entry.note, entry.tags) == ("E = mc²", "first", ())  # the first row stays as it was
    other = master.add(check("E = mc³"))
    assert other.added
    assert other.id != first.id
    assert len(master) == 2
    assert normal_form("b = 2; a = 1") == normal_form("1 = a; b = 2")


def test_unparseable_text_is_refused(master: MasterList) -> None:
    result = check("E = = m")
    assert result.kind == "unparseable"
    with pytest.raises(pl.InputError, match="does not parse"):
        master.add(result)
    with pytest.raises(pl.InputError, match="does not parse"):
        normal_form("x = (")
    assert len(master) == 0
    assert "x = (" not in master


def test_worker_results_record_their_source(master: MasterList) -> None:
    answer = WorkerResult.from_dict(check("F = m*a").to_dict() | {"worker_id": "worker-7"})  # a worker's JSON
    outcome = master.add(answer)
    assert outcome.added
    entry = master.get(outcome.id)
    assert entry is not None
    assert entry.source == "worker-7"
    assert entry.checks == check("F = m*a").checks
    local = master.add(WorkerResult.answered(check("p = m*v"), "local"))
    overridden = master.add(WorkerResult.answered(check("W = F*s"), "worker-7"), source="notebook")
    mixed = master.add_many([WorkerResult.answered(check("a = 1"), "w1"), check("b = 2")])  # each its own
    sources = master.to_frame().set_index("id")["source"]
    assert sources[local.id] == "local"
    assert sources[overridden.id] == "notebook"
    assert [sources[outcome.id] for outcome in mixed] == ["w1", "local"]


def test_rows_of_a_validate_many_frame_are_added_as_records(master: MasterList) -> None:
    frame = pl.validate_many(["x = 1", "y = 2"], device="cpu")
    rows = frame.to_dict("records")
    with pytest.raises(pl.InputError, match=r"keeps ValidationResult records, not dict; .*ValidationResult.from_dict"):
        master.add_many(rows)
    outcomes = master.add_many([pl.ValidationResult.from_dict(row) for row in rows])
    assert [outcome.added for outcome in outcomes] == [True, True]


def test_units_decide_the_split_and_are_stored(master: MasterList) -> None:
    units = {"speed": "m/s", "t": "s", "d": "m"}
    outcome = master.add(pl.validate("d = speed*t", units, device="cpu"), units=units)
    entry = master.get(outcome.id)
    assert entry is not None
    assert entry.units == {"d": "m", "speed": "m/s", "t": "s"}
    assert "speed" in entry.normal_form


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tags": "relativity"}, "for one tag"),
        ({"tags": ("",)}, "non-empty string"),
        ({"source": ""}, "non-empty string"),
        ({"units": {"E": "not a unit"}}, "unusable"),
    ],
)
def test_bad_arguments_are_input_errors(master: MasterList, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(pl.InputError, match=message):
        master.add(check("E = mc²"), **kwargs)  # type: ignore[arg-type]
    assert len(master) == 0


def test_rows_with_a_reading_can_be_added(master: MasterList) -> None:
    record = pl.ValidationResult.from_dict
    row = check("v = sqrt(2gh)").to_dict()
    assert row["reading"] == {"g": "gravitational acceleration", "h": "a height (length)"}
    outcome = master.add(record(row))
    assert outcome.added
    stored = master.get(outcome.id)
    assert stored is not None and stored.reading == row["reading"]
    assert master.add(record(check("E = mc²").to_dict() | {"reading": None})).added  # NaN or None: no reading
    older = {key: value for key, value in check("F = ma").to_dict().items() if key != "reading"}
    assert master.add(record(older)).added  # rows from before the field existed
    with pytest.raises(pl.InputError, match="not a usable"):
        record(check("x = 1").to_dict() | {"reading": ["h"]})


def test_anything_but_a_record_is_an_input_error(master: MasterList) -> None:
    row = check("x = 1").to_dict()
    for thing in (row, "x = 1", None):
        with pytest.raises(pl.InputError, match="keeps ValidationResult records"):
            master.add(thing)  # type: ignore[arg-type]
    with pytest.raises(pl.InputError, match="needs the field 'betti'"):  # rows are checked where they are read
        pl.ValidationResult.from_dict({k: v for k, v in row.items() if k != "betti"})
    assert len(master) == 0


# -- the record and the schema ---------------------------------------------------------------------


def test_rows_derive_from_the_verdict_record() -> None:
    kept_elsewhere = {"equation", "hints"}  # hints: their Python wording ends the stored explanation
    per_run_or_recomputed = {"processing_time_ms", "device", "symbols", "error_column", "phi_reason"}
    # A field added to the record fails here until the store decides whether a row keeps it.
    assert set(RESULT_COLUMNS) == set(VERDICT_FIELDS) | kept_elsewhere | per_run_or_recomputed
    assert tuple(item.name for item in fields(Entry)) == COLUMNS


def test_witness_reading_and_method_are_kept(master: MasterList) -> None:
    fall = check("v = sqrt(2gh)")
    square = check("x**2 = 2")
    assert square.witness is not None and square.decided_by is not None
    for result in (fall, square):
        entry = master.get(master.add(result).id)
        assert entry is not None
        assert (entry.decided_by, entry.witness, entry.reading) == (
            result.decided_by,
            result.witness,
            dict(result.reading),
        )
    frame = master.to_frame()
    assert frame["reading"].tolist() == [dict(fall.reading), {}]
    assert frame["witness"].tolist()[1] == square.witness


#: The schema of version 1, as phi_lab wrote it before decided_by, witness and reading were kept.
_VERSION_1 = """
CREATE TABLE relations (
    id INTEGER PRIMARY KEY AUTOINCREMENT, equation TEXT NOT NULL, normal_form TEXT NOT NULL UNIQUE,
    valid INTEGER NOT NULL CHECK (valid IN (0, 1)), kind TEXT NOT NULL, confidence REAL NOT NULL,
    betti TEXT NOT NULL, chi INTEGER NOT NULL, phi_coherence REAL NOT NULL, explanation TEXT NOT NULL,
    checks TEXT NOT NULL, catalog TEXT, units TEXT NOT NULL, mode TEXT NOT NULL, source TEXT NOT NULL,
    validated_at TEXT NOT NULL, note TEXT, tags TEXT NOT NULL
);
INSERT INTO relations (equation, normal_form, valid, kind, confidence, betti, chi, phi_coherence,
    explanation, checks, catalog, units, mode, source, validated_at, note, tags)
VALUES ('x = 1', '=(x,1)', 1, 'relation', 0.9, '[1, 0, 0]', 1, 0.0, 'Valid.', '[]', NULL, '{}',
    'math', 'local', '2026-01-02T03:04:05.000+00:00', 'kept', '["old"]');
PRAGMA user_version = 1;
"""


def test_a_version_1_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path)
    connection.executescript(_VERSION_1)
    connection.close()
    with MasterList(path) as master:
        old = master.get("=(x,1)")
        assert old is not None
        assert (old.equation, old.note, old.tags, old.mode) == ("x = 1", "kept", ("old",), "math")
        assert (old.decided_by, old.witness, old.reading) == (None, None, {})
        added = master.add(check("x**2 = 2"))
        entry = master.get(added.id)
        assert entry is not None and entry.witness is not None
        assert list(master.to_frame().columns) == list(COLUMNS)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    finally:
        connection.close()
    assert integrity(path) == "ok"
    with MasterList(path) as again:  # reopening the upgraded file changes nothing
        assert len(again) == 2


def test_remove_and_set_note(master: MasterList) -> None:
    outcome = master.add(check("x = 1"))
    master.set_note(outcome.id, "checked by hand")
    entry = master.get(outcome.id)
    assert entry is not None
    assert entry.note == "checked by hand"
    master.set_note(outcome.id, None)
    assert master.get(outcome.id).note is None  # type: ignore[union-attr]
    master.remove(outcome.id)
    assert len(master) == 0
    with pytest.raises(KeyError):
        master.remove(outcome.id)
    with pytest.raises(KeyError):
        master.set_note(outcome.id, "gone")
    assert master.add(check("x = 1")).id != outcome.id  # ids are never reused


def test_add_many_is_all_or_nothing(master: MasterList) -> None:
    master.add(check("a = 1"))
    batch = [check("b = 2"), check("c = 3"), check("d = = 4"), check("f = 5")]
    with pytest.raises(pl.InputError, match="does not parse"):
        master.add_many(batch)
    assert len(master) == 1
    assert "b = 2" not in master
    outcomes = master.add_many([check("b = 2"), check("1 = a"), check("2 = b")])
    assert [outcome.added for outcome in outcomes] == [True, False, False]
    assert outcomes[0].id == outcomes[2].id
    assert len(master) == 2


def test_an_error_inside_the_transaction_rolls_it_back(master: MasterList) -> None:
    class Boom(Exception):
        pass

    def results() -> Iterator[pl.ValidationResult]:
        yield check("g = 1")
        raise Boom

    with pytest.raises(Boom):
        master.add_many(results())
    assert len(master) == 0


def test_closed_list_and_foreign_files_are_refused(tmp_path: Path) -> None:
    master = MasterList(tmp_path / "master.sqlite3")
    master.close()
    master.close()
    with pytest.raises(pl.InputError, match="closed"):
        len(master)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(pl.InputError, match="unusable"):
        MasterList(junk)
    foreign = tmp_path / "foreign.sqlite3"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE other (x)")
    connection.commit()
    connection.close()
    with pytest.raises(pl.InputError, match="other tables"):
        MasterList(foreign)


def test_a_held_write_lock_becomes_budget_exceeded(tmp_path: Path) -> None:
    path = tmp_path / "master.sqlite3"
    MasterList(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with MasterList(path, timeout=0.05) as master, pytest.raises(pl.BudgetExceededError):
            master.add(check("x = 1"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_threads_may_share_one_list(master: MasterList) -> None:
    results = {name: [check(f"{name}_{{{i}}} = {i}") for i in range(40)] for name in ("u", "w")}
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            for result in results[name]:
                master.add(result)
        except BaseException as exc:  # reported to the test's thread below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(name,)) for name in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=PROCESS_TIMEOUT_S)
    assert not errors
    assert len(master) == 80


# -- real processes --------------------------------------------------------------------------

WRITER = """
import sys
import phi_lab
from phi_lab.store import MasterList

path, name, own, shared = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
texts = [f"{name}_{{{i}}} = {i}" for i in range(own)]
texts[own // 2 : own // 2] = [f"s_{{{i}}} = {i}" for i in range(shared)]
results = [phi_lab.validate(text, device="cpu") for text in texts]
print("ready", flush=True)
sys.stdin.readline()
with MasterList(path) as master:
    for result in results:
        master.add(result, source=name)
print("done", flush=True)
"""

BATCHER = """
import sys
import phi_lab
from phi_lab.store import MasterList

path, size, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with MasterList(path) as master:
    for batch in range(limit):
        texts = [f"k_{{{batch * size + j}}} = {j}" for j in range(size)]
        master.add_many([phi_lab.validate(text, device="cpu") for text in texts], source="batcher")
        print(batch, flush=True)
"""


def spawn(script: str, *args: object, log: Path) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PHI_LAB_")}
    env["PHI_LAB_DEVICE"] = "cpu"
    with log.open("w") as stream:
        return subprocess.Popen(
            [sys.executable, "-c", script, *map(str, args)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stream,
            text=True,
        )


def expect_line(proc: subprocess.Popen[str], log: Path) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line, f"the helper process ended early:\n{log.read_text()[-3000:]}"
    return line.strip()


def finish(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=PROCESS_TIMEOUT_S)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()


@pytest.mark.timeout(120)
def test_two_writing_processes_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "master.sqlite3"
    MasterList(path).close()
    own, shared = 200, 50
    procs = [spawn(WRITER, path, name, own, shared, log=tmp_path / f"{name}.log") for name in ("x", "y")]
    try:
        for proc, name in zip(procs, ("x", "y"), strict=True):
            assert expect_line(proc, tmp_path / f"{name}.log") == "ready"
        for proc in procs:  # start both writers together
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for proc, name in zip(procs, ("x", "y"), strict=True):
            assert expect_line(proc, tmp_path / f"{name}.log") == "done"
            assert proc.wait(timeout=PROCESS_TIMEOUT_S) == 0
    finally:
        finish(procs)
    assert integrity(path) == "ok"
    with MasterList(path) as master:
        assert len(master) == 2 * own + shared
        for name in ("x", "y"):
            assert all(f"{name}_{{{i}}} = {i}" in master for i in range(own))
        assert all(f"s_{{{i}}} = {i}" in master for i in range(shared))
        sources = master.to_frame()["source"].value_counts().to_dict()
    assert sum(sources.values()) == 2 * own + shared
    assert set(sources) == {"x", "y"}
    assert min(sources.values()) >= own


@pytest.mark.timeout(120)
def test_a_killed_writer_leaves_committed_batches_intact(tmp_path: Path) -> None:
    path = tmp_path / "master.sqlite3"
    log = tmp_path / "batcher.log"
    size, commits, limit = 7, 40, 100_000
    proc = spawn(BATCHER, path, size, limit, log=log)
    try:
        reported = [int(expect_line(proc, log)) for _ in range(commits)]
        proc.kill()  # SIGKILL on POSIX: no cleanup, likely in the middle of a batch
        proc.wait(timeout=PROCESS_TIMEOUT_S)
    finally:
        finish([proc])
    assert reported == list(range(commits))
    assert integrity(path) == "ok"
    with MasterList(path) as master:
        count = len(master)
        assert count >= commits * size
        assert count % size == 0, "a partial batch is visible"
        assert all(f"k_{{{i}}} = {i % size}" in master for i in range(commits * size))
        frame = master.to_frame()
    assert set(frame["source"]) == {"batcher"}
    assert integrity(path) == "ok"


def test_the_frame_shows_no_catalog_as_empty_and_betti_as_tuples(master: MasterList) -> None:
    master.add_many([pl.validate("E = mc²"), pl.validate("x^2 = x + 1")])
    frame = master.to_frame()
    assert list(frame["catalog"]) == ["Mass–energy equivalence", ""]
    assert list(frame["betti"]) == [(1, 0, 0), (1, 1, 0)]
    assert "NaN" not in frame[["id", "equation", "kind", "confidence", "catalog", "source"]].to_string()
    again = MasterList(":memory:")
    rows = frame.to_dict(orient="records")
    again.add_many([pl.ValidationResult.from_dict(row) for row in rows])  # a frame's rows go back in: "" is no catalog
    assert list(again.to_frame()["catalog"]) == ["Mass–energy equivalence", ""]
