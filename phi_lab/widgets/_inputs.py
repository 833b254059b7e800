"""Reading what a user typed or uploaded: units text, equation lines, CSV and text files.

Only the shape of the input is checked here (``NAME=UNIT`` pairs, UTF-8, a CSV column);
whether pint can read a unit or the parser an equation is the pipeline's business.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from phi_lab.equations.unit_pairs import parse_unit_pairs
from phi_lab.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["equation_lines", "format_units", "frame_lines", "parse_units_text", "read_upload"]


def parse_units_text(text: str) -> dict[str, str]:
    """Turn ``"F=N, m=kg, a=m/s^2"`` into ``{"F": "N", "m": "kg", "a": "m/s^2"}``
    (see :func:`phi_lab.equations.unit_pairs.parse_unit_pairs`).

    Raises
    ------
    UnitError
        For a pair that is not ``NAME=UNIT`` or a name declared twice, naming the pair.
    """
    return parse_unit_pairs(text)


def format_units(units: Mapping[str, str] | None) -> str:
    """The inverse of :func:`parse_units_text`: ``{"F": "N", "m": "kg"}`` → ``"F=N, m=kg"``."""
    return ", ".join(f"{name}={unit}" for name, unit in (units or {}).items())


def equation_lines(text: str) -> list[str]:
    """The equations of a text, one per line, stripped, in order.

    Blank lines and lines starting with ``#`` are skipped, as in ``phi-lab validate --file``.
    """
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def frame_lines(frame: pd.DataFrame, column: str) -> list[str]:
    """The non-empty cells of ``frame[column]`` as stripped text, in row order.

    Raises
    ------
    InputError
        If the frame has no such column.
    """
    if column not in frame.columns:
        names = ", ".join(repr(str(name)) for name in frame.columns)
        raise InputError(f"the table has no column {column!r}; its columns are {names}")
    cells = (cell for cell in frame[column].tolist() if not (isinstance(cell, float) and math.isnan(cell)))
    return [text for text in (str(cell).strip() for cell in cells if cell is not None) if text]


def read_upload(name: str, content: bytes) -> str | pd.DataFrame:
    """An uploaded file: the text of a ``.txt`` file, or the table of a ``.csv`` file (header row first).

    Raises
    ------
    InputError
        If the file is not UTF-8, not a CSV table, or neither ``.csv`` nor ``.txt``.
    """
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ("csv", "txt"):
        raise InputError(f"{name!r}: upload a .csv table or a .txt file with one equation per line")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name!r} is not UTF-8 text (byte {exc.start})") from exc
    if suffix == "txt":
        return text
    import pandas as pd

    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{name!r} is not a CSV table: {exc}") from exc
