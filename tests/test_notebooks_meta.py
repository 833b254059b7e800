"""The notebooks as files: valid, executed, with checked outputs, and nothing private saved in them.

The notebooks under ``notebooks/`` are committed with their outputs; ``pytest --nbval-lax notebooks/``
re-runs them and compares the cells marked ``# NBVAL_CHECK_OUTPUT``.  These tests only read the
files (no kernel): they fail fast when a notebook was saved unexecuted, half-executed, with an error,
with another kernel, or with outputs that show a local path (a temporary folder, a home, a checkout).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = ("01_validate.ipynb", "02_topology.ipynb", "03_batch.ipynb", "04_workers.ipynb", "05_explore.ipynb")
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"

#: An absolute path under /tmp, /root or /work (not the tail of a longer word or path such as ``a/tmp``).
LOCAL_PATH = re.compile(r"(?<![\w.~/-])/(?:tmp|root|work)(?![\w.-])")


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def _code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _texts(output: dict[str, Any]) -> Iterator[str]:
    """Every piece of text an output holds: a stream, an error, and each non-image MIME value."""
    if output.get("output_type") == "stream":
        yield str(output.get("text", ""))
    if output.get("output_type") == "error":
        yield str(output.get("evalue", ""))
        yield "\n".join(output.get("traceback", []))
    for mime, value in output.get("data", {}).items():
        if mime.startswith("image/") and mime != "image/svg+xml":
            continue  # base64 bytes: '/tmp' can occur in them by chance
        yield value if isinstance(value, str) else str(value)


@pytest.fixture(params=NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def notebook(request: pytest.FixtureRequest) -> nbformat.NotebookNode:
    return _read(request.param)


def test_the_five_notebooks_are_there() -> None:
    assert {path.name for path in NOTEBOOKS} >= set(EXPECTED)


def test_is_valid_nbformat_4(notebook: nbformat.NotebookNode) -> None:
    assert notebook.nbformat == 4
    nbformat.validate(notebook)


def test_kernel_is_python3(notebook: nbformat.NotebookNode) -> None:
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert notebook.metadata["kernelspec"].get("language", "python") == "python"


def test_outputs_are_saved(notebook: nbformat.NotebookNode) -> None:
    assert any(cell.outputs for cell in _code_cells(notebook)), "saved without outputs: execute it before committing"


def test_every_code_cell_ran_once_in_order(notebook: nbformat.NotebookNode) -> None:
    counts = [cell.execution_count for cell in _code_cells(notebook)]
    assert counts == list(range(1, len(counts) + 1)), f"not one top-to-bottom run: execution counts {counts}"


def test_has_checked_cells(notebook: nbformat.NotebookNode) -> None:
    checked = [cell for cell in _code_cells(notebook) if cell.source.lstrip().startswith(CHECK_MARKER)]
    assert checked, f"no cell starts with {CHECK_MARKER!r}: nbval --nbval-lax would compare nothing"
    assert all(cell.outputs for cell in checked), "a checked cell has no saved output to compare"


def test_no_error_outputs(notebook: nbformat.NotebookNode) -> None:
    errors = [
        (index, output.get("ename"))
        for index, cell in enumerate(notebook.cells)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors, f"error outputs saved (cell index, exception): {errors}"


def test_no_local_paths_in_outputs(notebook: nbformat.NotebookNode) -> None:
    found = [
        (index, match.group(0), text[max(0, match.start() - 40) : match.end() + 40])
        for index, cell in enumerate(notebook.cells)
        for output in cell.get("outputs", [])
        for text in _texts(output)
        for match in LOCAL_PATH.finditer(text)
    ]
    assert not found, f"outputs show local paths (cell index, path, context): {found}"


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("/tmp/phi_lab_x/master.sqlite3", True),
        ("see /root/.local/share", True),
        ("File /work/main/phi_lab/client.py:470", True),
        ("'/tmp'", True),
        ("network/workers and a/tmp/b", False),
        ("http://127.0.0.1:8000/validate", False),
        ("mass·length²/time²", False),
    ],
)
def test_local_path_pattern(text: str, local: bool) -> None:
    assert bool(LOCAL_PATH.search(text)) is local


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_outputs_make_sense_before_the_notebook_runs(path: Path) -> None:
    """A notebook opened without a kernel shows each widget's plain text: a sentence, not a
    ``VBox(children=…`` dump, and no progress bar frozen at its start."""
    for cell in _code_cells(_read(path)):
        for output in cell.get("outputs", []):
            plain = str(output.get("data", {}).get("text/plain", ""))
            assert "children=" not in plain, plain[:120]
            assert not re.search(r"\b0%\|", plain), plain[:120]
