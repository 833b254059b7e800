"""The master list: validated equations kept in one SQLite file, one row per relation.

::

    with MasterList() as master:                     # the per-user file (see below)
        master.add(pl.validate("E = mc²"), tags=("relativity",))
        master.add(pl.validate("m c^2 = E")).added   # False: the same relation, already there
        master.add(client.validate("F = m*a"))       # a WorkerClient result: source = its worker_id
        df = master.to_frame()

This module owns the file's schema, the normal form that identifies a relation, the
translation of SQLite's errors into :mod:`phi_lab.errors`, and the one function that reads
the environment for the file's location.  What it keeps is the verdict record,
:class:`~phi_lab.ValidationResult`, and only that: a ``to_dict()`` row (JSON, a DataFrame row)
is read back with :meth:`~phi_lab.ValidationResult.from_dict` first.

Where the file lives
--------------------
:func:`default_path` is the only place the environment is read: ``$PHI_LAB_MASTER_LIST`` if
set (``~`` expanded), else ``$XDG_DATA_HOME/phi_lab/master.sqlite3``, with ``XDG_DATA_HOME``
defaulting to ``~/.local/share`` (a relative ``XDG_DATA_HOME`` is ignored, as the XDG spec
says).  ``MasterList(path)`` overrides it; ``":memory:"`` gives a private in-memory list.
Missing parent directories are created.

Identity of a relation
----------------------
A row's key is its *normal form*, :func:`normal_form`:
``canonical_form(parse_syntax(text, declared unit names))``.  Spellings that differ only in
notation, operand order of ``+``/``×``, the side of ``=`` or the order of the relations of a
system share one key: ``E = mc²``, ``E = m*c**2`` and ``m c^2 = E`` are one row; ``E = mc³``
is another.  Text that does not parse has no normal form and is refused
(:class:`~phi_lab.errors.InputError`): only verdicts on parseable text are kept.  Adding a
relation that is already there changes nothing: the first row stays as it was (verdict,
note, tags, source) and the outcome says ``added=False``; use :meth:`MasterList.set_note`
to change a note.

Schema (``PRAGMA user_version`` = :data:`SCHEMA_VERSION`; created when missing)
-------------------------------------------------------------------------------
One table, ``relations``, whose columns are :data:`COLUMNS`:

=================  ===================================================================
``id``             integer key, increasing and never reused (``AUTOINCREMENT``; may skip values)
``equation``       the text as typed (the first spelling added)
``normal_form``    the key (``UNIQUE``)
``valid`` …        the verdict's fields :data:`VERDICT_FIELDS`, as in ``to_dict()`` and in its
                   order: ``valid`` (0/1), ``confidence``, ``betti`` (JSON ``[b0, b1, b2]``),
                   ``chi``, ``phi_coherence``, ``explanation``, ``kind``, ``mode`` (``auto``,
                   ``physics`` or ``math``), ``checks`` (JSON list of ``{"name", "status",
                   "detail"}``), ``catalog``, ``decided_by``, ``witness``, ``reading`` (JSON object)
``units``          JSON object: the declared units (canonical symbol → unit string)
``source``         ``"local"``, or the ``worker_id`` of the worker that validated it (the
                   one a :class:`~phi_lab.client.WorkerResult` names), or as the caller says
``validated_at``   UTC ISO-8601 time the verdict was recorded (a verdict carries no time
                   of its own, so this is when it was added)
``note``           free text, or NULL
``tags``           JSON list of strings (JSON rather than comma text, so a tag may
                   contain a comma)
=================  ===================================================================

A version-1 file (written before ``decided_by``, ``witness`` and ``reading`` were kept) is
upgraded in place when it is opened: the three columns are added, empty (``reading`` ``{}``).

Concurrency and durability
--------------------------
WAL journal, ``synchronous=NORMAL``, a busy timeout (10 s by default), every write one
``BEGIN IMMEDIATE`` transaction, inserts as ``INSERT … ON CONFLICT(normal_form) DO
NOTHING``: several processes may add to one file at once and lose nothing, and a writer
killed mid-transaction leaves every committed row intact.  Each :class:`MasterList` holds
one connection, opened with ``check_same_thread=False`` and used under a lock, so one
instance may be shared by threads (their calls take turns); processes each open their own
(never share an instance across ``fork``).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from phi_lab.equations.parser import parse_syntax
from phi_lab.equations.syntax import canonical_form
from phi_lab.equations.verdict import RESULT_COLUMNS, Check, ValidationResult, frame_row, results_frame
from phi_lab.errors import BudgetExceededError, InputError, ParseError, PhiLabError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COLUMNS",
    "SCHEMA_VERSION",
    "VERDICT_FIELDS",
    "AddOutcome",
    "Entry",
    "MasterList",
    "default_path",
    "normal_form",
]

#: Version of the file's schema, kept in ``PRAGMA user_version``.
SCHEMA_VERSION = 2
#: The fields of a :class:`~phi_lab.ValidationResult` kept in a row, with their SQL types:
#: every field of the record except the per-run ones (``processing_time_ms``, ``device``),
#: those a row recomputes from its text (``symbols``, ``error_column``, ``phi_reason``) and
#: ``equation`` (a column of its own, before the key).
_VERDICT_SQL = {
    "valid": "INTEGER NOT NULL CHECK (valid IN (0, 1))",
    "kind": "TEXT    NOT NULL",
    "confidence": "REAL    NOT NULL",
    "betti": "TEXT    NOT NULL",
    "chi": "INTEGER NOT NULL",
    "phi_coherence": "REAL    NOT NULL",
    "explanation": "TEXT    NOT NULL",
    "checks": "TEXT    NOT NULL",
    "catalog": "TEXT",
    "decided_by": "TEXT",
    "witness": "TEXT",
    "reading": "TEXT    NOT NULL DEFAULT '{}'",
    "mode": "TEXT    NOT NULL",
}
#: The verdict's fields kept in a row, in the record's order (``RESULT_COLUMNS``).
VERDICT_FIELDS = tuple(name for name in RESULT_COLUMNS if name in _VERDICT_SQL)
#: Columns of the ``relations`` table, of :meth:`MasterList.to_frame` and of the CSV export, in order.
COLUMNS = ("id", "equation", "normal_form", *VERDICT_FIELDS, "units", "source", "validated_at", "note", "tags")
#: Columns held as JSON text in the file (and in the CSV export).
_JSON_COLUMNS = frozenset({"betti", "checks", "reading", "units", "tags"})
#: Columns added by each schema version after the first (the upgrade path; types as in ``_COLUMN_SQL``).
_ADDED_IN = {2: ("decided_by", "witness", "reading")}
#: ``source`` of a verdict computed on this machine (the same value as ``WorkerClient``'s fallback).
_LOCAL_SOURCE = "local"
_MEMORY = ":memory:"

_COLUMN_SQL = {
    "id": "INTEGER PRIMARY KEY AUTOINCREMENT",
    "equation": "TEXT    NOT NULL",
    "normal_form": "TEXT    NOT NULL UNIQUE",
    **_VERDICT_SQL,
    "units": "TEXT    NOT NULL",
    "source": "TEXT    NOT NULL",
    "validated_at": "TEXT    NOT NULL",
    "note": "TEXT",
    "tags": "TEXT    NOT NULL",
}
_CREATE = "CREATE TABLE relations (\n{}\n)".format(
    ",\n".join(f"    {name:<13} {_COLUMN_SQL[name]}" for name in COLUMNS)
)
_INSERT = (
    f"INSERT INTO relations ({', '.join(COLUMNS[1:])}) VALUES ({', '.join('?' * (len(COLUMNS) - 1))}) "
    "ON CONFLICT(normal_form) DO NOTHING"
)
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM relations"


@runtime_checkable
class _Answered(Protocol):
    """A verdict that names the worker that computed it (:class:`phi_lab.client.WorkerResult`).

    Read by its shape: the store and the client are siblings and never import each other.
    """

    @property
    def worker_id(self) -> str: ...


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the master list lives when no path is given: the one place the environment is read.

    Parameters
    ----------
    environ:
        The environment to read; :data:`os.environ` by default.

    Returns
    -------
    Path
        ``$PHI_LAB_MASTER_LIST`` if set and not empty, else
        ``$XDG_DATA_HOME/phi_lab/master.sqlite3`` (``XDG_DATA_HOME`` defaults to
        ``~/.local/share`` and is ignored unless absolute).
    """
    env = os.environ if environ is None else environ
    explicit = env.get("PHI_LAB_MASTER_LIST", "")
    if explicit:
        return Path(explicit).expanduser()
    data_home = env.get("XDG_DATA_HOME", "")
    base = Path(data_home) if data_home and Path(data_home).is_absolute() else Path.home() / ".local" / "share"
    return base / "phi_lab" / "master.sqlite3"


def normal_form(text: str, units: Mapping[str, str] | None = None) -> str:
    """The key of the relation ``text`` states: equal for spellings of the same relation.

    Parameters
    ----------
    text:
        Equation text, as for :func:`phi_lab.validate`.
    units:
        The units it was (or would be) validated with; their names are kept whole when
        letters are split, exactly as :func:`phi_lab.validate` reads the text.

    Returns
    -------
    str
        ``canonical_form(parse_syntax(text, declared))``, e.g. ``=(E,mul(m,pow(c,2)))``.

    Raises
    ------
    InputError
        If the text does not parse (it has no normal form), or a unit is unusable.
    """
    return _normal_form(text, _declared(units))


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """What :meth:`MasterList.add` did with one verdict.

    Attributes
    ----------
    id:
        The row's id (the existing row's when the relation was already there).
    added:
        True when a new row was written, False when the relation was already there.
    normal_form:
        The relation's key.
    """

    id: int
    added: bool
    normal_form: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the master list, decoded (JSON columns parsed, ``validated_at`` a UTC datetime)."""

    id: int
    equation: str
    normal_form: str
    valid: bool
    confidence: float
    betti: tuple[int, int, int]
    chi: int
    phi_coherence: float
    explanation: str
    kind: str
    mode: str
    checks: tuple[Check, ...]
    catalog: str | None
    decided_by: str | None
    witness: str | None
    reading: dict[str, str]
    units: dict[str, str]
    source: str
    validated_at: datetime
    note: str | None
    tags: tuple[str, ...]


class MasterList:
    """The master list of validated equations, in one SQLite file (see the module docstring).

    Parameters
    ----------
    path:
        The file; :func:`default_path` when ``None``; ``":memory:"`` for a private
        in-memory list.  Missing parent directories are created.
    timeout:
        Seconds a write waits for another writer before giving up (the busy timeout).

    Raises
    ------
    InputError
        If the file cannot be opened, is not a SQLite database, holds other tables, or was
        written by a newer schema.
    BudgetExceededError
        If another writer holds the file for longer than ``timeout`` while it is set up.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float = 10.0) -> None:
        if path is None:
            path = default_path()
        self.path = _MEMORY if os.fspath(path) == _MEMORY else Path(path)
        self.timeout = timeout
        self._lock = threading.Lock()
        with self._translated():
            if isinstance(self.path, Path):
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection: sqlite3.Connection | None = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        try:
            self._set_up()
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"MasterList({os.fspath(self.path)!r})"

    def __enter__(self) -> MasterList:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (again is a no-op); every later call raises ``InputError``."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def add(
        self,
        result: ValidationResult,
        *,
        units: Mapping[str, str] | None = None,
        note: str | None = None,
        tags: Iterable[str] = (),
        source: str | None = None,
    ) -> AddOutcome:
        """Add one verdict, unless its relation is already there.

        Parameters
        ----------
        result:
            A :class:`~phi_lab.ValidationResult`: :func:`phi_lab.validate`'s, or
            ``WorkerClient.validate``'s :class:`~phi_lab.client.WorkerResult` (its ``worker_id``
            becomes the source).  For a ``to_dict()`` row, add ``ValidationResult.from_dict(row)``.
        units:
            The units it was validated with: they decide how the text's letters split, and
            are stored with the row.
        note:
            Free text kept with the row.
        tags:
            Strings kept with the row (a bare string is refused: pass ``("tag",)``).
        source:
            Overrides the source: by default the result's ``worker_id``, else ``"local"``.

        Returns
        -------
        AddOutcome
            ``added`` is False when the relation was already there; the stored row is then
            left exactly as it was (the new verdict, note and tags are not kept).

        Raises
        ------
        InputError
            If the verdict's text does not parse, the result is not a ``ValidationResult``, or an
            argument is unusable.
        BudgetExceededError
            If another writer held the file for longer than the busy timeout.
        """
        return self.add_many([result], units=units, note=note, tags=tags, source=source)[0]

    def add_many(
        self,
        results: Iterable[ValidationResult],
        *,
        units: Mapping[str, str] | None = None,
        note: str | None = None,
        tags: Iterable[str] = (),
        source: str | None = None,
    ) -> list[AddOutcome]:
        """Add many verdicts in one transaction: all of them, or (on any error) none.

        Parameters are as for :meth:`add`, applied to every result (each result's own
        ``worker_id``, when it has one, is its source unless ``source`` is given).  Every result
        is checked before the file is touched; a relation repeated within ``results`` is added once.

        Returns
        -------
        list of AddOutcome
            One per result, in order.
        """
        declared = _declared(units)
        units_json = json.dumps(dict(sorted(declared.items())), ensure_ascii=False)
        checked_note, tags_json = _note(note), _tags(tags)
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        rows = [
            _row(
                result,
                declared=declared,
                now=now,
                units_json=units_json,
                note=checked_note,
                tags=tags_json,
                source=source,
            )
            for result in results
        ]
        outcomes: list[AddOutcome] = []
        with self._write() as connection:
            for row in rows:
                cursor = connection.execute(_INSERT, row)
                key = row[1]
                if cursor.rowcount == 1 and cursor.lastrowid is not None:
                    outcomes.append(AddOutcome(cursor.lastrowid, True, key))
                else:
                    found = connection.execute("SELECT id FROM relations WHERE normal_form = ?", (key,))
                    outcomes.append(AddOutcome(int(found.fetchone()[0]), False, key))
        return outcomes

    def get(self, key: int | str) -> Entry | None:
        """The row with id ``key`` (an int) or normal form ``key`` (a str), or ``None``.

        Use :func:`normal_form` to look up equation text: ``get(normal_form("E = mc²"))``.
        """
        if isinstance(key, bool) or not isinstance(key, int | str):
            raise InputError(f"look rows up by id (int) or normal form (str), not {type(key).__name__}")
        column = "id" if isinstance(key, int) else "normal_form"
        with self._read() as connection:
            row = connection.execute(f"{_SELECT} WHERE {column} = ?", (key,)).fetchone()
        return None if row is None else _entry(row)

    def __len__(self) -> int:
        with self._read() as connection:
            (count,) = connection.execute("SELECT count(*) FROM relations").fetchone()
        return int(count)

    def __contains__(self, text: object) -> bool:
        """True when the relation ``text`` states (read without units) is in the list.

        Text that does not parse, or anything that is not text, is never in the list.
        """
        if not isinstance(text, str):
            return False
        try:
            key = _normal_form(text, {})
        except InputError:
            return False
        with self._read() as connection:
            found = connection.execute("SELECT 1 FROM relations WHERE normal_form = ?", (key,)).fetchone()
        return found is not None

    def remove(self, id: int) -> None:
        """Delete the row with this id.

        Raises
        ------
        KeyError
            If there is no such row.
        """
        with self._write() as connection:
            if connection.execute("DELETE FROM relations WHERE id = ?", (id,)).rowcount != 1:
                raise KeyError(id)

    def set_note(self, id: int, note: str | None) -> None:
        """Replace the note of the row with this id (``None`` clears it).

        Raises
        ------
        KeyError
            If there is no such row.
        """
        value = _note(note)
        with self._write() as connection:
            if connection.execute("UPDATE relations SET note = ? WHERE id = ?", (value, id)).rowcount != 1:
                raise KeyError(id)

    def to_frame(self) -> pd.DataFrame:
        """Every row as a pandas DataFrame, in id order, with the columns :data:`COLUMNS`.

        ``betti`` and ``tags`` are tuples, ``checks`` a list of ``{"name", "status",
        "detail"}`` dicts (as in ``to_dict()``), ``units`` a dict, ``valid`` a bool and
        ``validated_at`` a UTC datetime; absent ``catalog``, ``decided_by`` and ``witness``
        are ``""`` (as in :func:`phi_lab.validate_many`'s frames), a missing ``note`` is
        pandas' missing value.
        """
        import pandas as pd

        with self._read() as connection:
            rows = connection.execute(f"{_SELECT} ORDER BY id").fetchall()
        records = []
        for row in rows:
            entry = _entry(row)
            record = {column: getattr(entry, column) for column in COLUMNS}
            record["checks"] = [check.to_dict() for check in entry.checks]
            records.append(frame_row(record))  # as validate_many's frames: no catalog match is ""
        frame: pd.DataFrame = results_frame(records, COLUMNS)
        frame["validated_at"] = pd.to_datetime(frame["validated_at"], utc=True)
        return frame

    def export_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write every row to a CSV file (UTF-8, header :data:`COLUMNS`, id order).

        Values are as stored: ``betti``, ``checks``, ``units`` and ``tags`` are JSON text,
        ``valid`` is ``true``/``false``, a missing ``catalog`` or ``note`` is empty.  The file
        is written beside its destination and moved into place, so it is never half-written.

        Returns
        -------
        Path
            The file written.
        """
        target = Path(path)
        with self._read() as connection:
            rows = connection.execute(f"{_SELECT} ORDER BY id").fetchall()
        partial = target.with_name(f".{target.name}.partial")
        with partial.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(COLUMNS)
            for row in rows:
                writer.writerow(_csv_value(column, value) for column, value in zip(COLUMNS, row, strict=True))
        partial.replace(target)
        return target

    # -- the connection --------------------------------------------------------------------

    def _set_up(self) -> None:
        """WAL, synchronous=NORMAL, and the schema: created when the file has none, upgraded when older."""
        with self._read() as connection:
            # WAL lets readers and one writer work at once; NORMAL syncs the WAL at checkpoints
            # rather than at every commit: a killed process loses no committed transaction and
            # the file never corrupts; only a power cut or OS crash may roll back the last few
            # commits.  That suits a list that can be re-validated, and keeps small adds cheap.
            connection.execute("PRAGMA journal_mode = WAL").fetchone()
            connection.execute("PRAGMA synchronous = NORMAL")
            (version,) = connection.execute("PRAGMA user_version").fetchone()
        if version == SCHEMA_VERSION:
            return
        with self._write() as connection:
            (version,) = connection.execute("PRAGMA user_version").fetchone()  # another process may have won
            if version > SCHEMA_VERSION:
                raise InputError(
                    f"{self!r} has schema version {version}, newer than this phi_lab's ({SCHEMA_VERSION}): "
                    "upgrade phi_lab"
                )
            if version == 0:
                others = connection.execute(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'table' AND name NOT IN ('relations', 'sqlite_sequence')"
                ).fetchall()
                if others:
                    names = ", ".join(sorted(name for (name,) in others))
                    raise InputError(f"{self!r} is a SQLite file with other tables ({names}), not a master list")
                connection.execute(_CREATE)
            else:
                for added in range(version + 1, SCHEMA_VERSION + 1):
                    for name in _ADDED_IN[added]:
                        connection.execute(f"ALTER TABLE relations ADD COLUMN {name} {_COLUMN_SQL[name]}")
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock, with SQLite's errors translated."""
        with self._lock, self._translated():
            if self._connection is None:
                raise InputError(f"{self!r} is closed")
            yield self._connection

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed when the block ends, rolled back if it raises."""
        with self._read() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        """The one place SQLite's errors become phi_lab errors."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _translate(exc, repr(self), self.timeout) from exc
        except OSError as exc:  # creating the parent directory
            raise InputError(f"cannot open {self!r}: {exc}") from exc


def _translate(exc: sqlite3.Error, where: str, timeout: float) -> PhiLabError:
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return BudgetExceededError(f"{where} stayed locked by another writer for over {timeout:g} s ({exc})", timeout)
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT", "SQLITE_CANTOPEN", "SQLITE_CONSTRAINT")):
        return InputError(f"{where} is unusable: {exc}")
    if isinstance(exc, sqlite3.ProgrammingError | sqlite3.InterfaceError):
        return InputError(f"{where} was misused: {exc}")
    # Disk full, read-only file, I/O errors: no leaf of phi_lab.errors names them yet.
    return PhiLabError(f"{where}: {exc}")


# -- rows in and out ------------------------------------------------------------------------


def _declared(units: Mapping[str, str] | None) -> dict[str, str]:
    if not units:
        return {}
    from phi_lab.equations.binding import normalize_units  # SymPy and pint: only when units are given

    return normalize_units(units)


def _normal_form(text: str, declared: Mapping[str, str]) -> str:
    try:
        return canonical_form(parse_syntax(text, frozenset(declared)))
    except ParseError as exc:
        raise InputError(
            f"{text!r} cannot go on the master list: it does not parse ({exc}), so it has no normal form"
        ) from exc


def _note(note: str | None) -> str | None:
    if note is not None and not isinstance(note, str):
        raise InputError(f"a note is text or None, not {type(note).__name__}")
    return note


def _tags(tags: Iterable[str]) -> str:
    if isinstance(tags, str):
        raise InputError(f"tags are a collection of strings; for one tag pass ({tags!r},)")
    kept: list[str] = []
    for tag in tags:
        if not isinstance(tag, str) or not tag:
            raise InputError(f"a tag is a non-empty string, not {tag!r}")
        if tag not in kept:
            kept.append(tag)
    return json.dumps(kept, ensure_ascii=False)


def _row(
    result: ValidationResult,
    *,
    declared: Mapping[str, str],
    now: str,
    units_json: str,
    note: str | None,
    tags: str,
    source: str | None,
) -> tuple[Any, ...]:
    """The values of one insert (every column but ``id``), after checking the verdict."""
    if not isinstance(result, ValidationResult):  # the edge: a caller's object, checked once
        row = "; for a to_dict() row, add ValidationResult.from_dict(row)" if isinstance(result, Mapping) else ""
        raise InputError(f"the master list keeps ValidationResult records, not {type(result).__name__}{row}")
    verdict = result
    worker = result.worker_id if isinstance(result, _Answered) else None
    origin = source if source is not None else worker if worker is not None else _LOCAL_SOURCE
    if not isinstance(origin, str) or not origin:
        raise InputError(f"a source is a non-empty string (a worker id or 'local'), not {origin!r}")
    key = _normal_form(verdict.equation, declared)
    if verdict.kind == "unparseable":  # the text parses here, but not as it was validated (other units?)
        raise InputError(f"{verdict.equation!r} cannot go on the master list: its verdict says it does not parse")
    record = verdict.to_dict()
    stored = {name: _stored(name, record[name]) for name in VERDICT_FIELDS}
    values = {"equation": verdict.equation, "normal_form": key, **stored, "units": units_json, "source": origin}
    values |= {"validated_at": now, "note": note, "tags": tags}
    return tuple(values[column] for column in COLUMNS[1:])


def _stored(column: str, value: Any) -> Any:
    """A value as the file keeps it: JSON text for the JSON columns, 0/1 for ``valid``."""
    if column in _JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False)
    return int(value) if column == "valid" else value


def _entry(row: tuple[Any, ...]) -> Entry:
    values = {
        column: json.loads(value) if column in _JSON_COLUMNS else value
        for column, value in zip(COLUMNS, row, strict=True)
    }
    b0, b1, b2 = values["betti"]
    values |= {
        "valid": bool(values["valid"]),
        "betti": (b0, b1, b2),
        "checks": tuple(Check(**check) for check in values["checks"]),
        "validated_at": datetime.fromisoformat(values["validated_at"]),
        "tags": tuple(values["tags"]),
    }
    return Entry(**values)


def _csv_value(column: str, value: object) -> object:
    if column == "valid":
        return "true" if value else "false"
    return "" if value is None else value
