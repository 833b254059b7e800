"""The ``phi-lab`` command line: argument parsing, reading input files, printing verdicts.

::

    phi-lab validate "E = mc²" [--units F=N,m=kg] [--mode auto|physics|math] [--json] [--device cpu]
    phi-lab validate --file equations.txt [--json]      (``--file -`` reads standard input)
    phi-lab serve [--host 0.0.0.0] [--port 8000] [--workers 4]  (HTTP workers; settings from the environment)
    phi-lab health [--url http://127.0.0.1:8000/health] (exit 0 when the worker answers "healthy")

Each subcommand has one parser builder and one function that runs it; both take what they
need as arguments and write only to the streams they are given, so they test without a
subprocess.  All the science happens in :func:`phi_lab.validate`; this module only turns
text into arguments and results into text.

Exit codes: 0 when every equation validated is valid, 1 when any is invalid, 2 for usage
errors and for :class:`~phi_lab.InputError` / :class:`~phi_lab.DeviceError` (bad units,
mode, device, an unreadable file), reported as one ``phi-lab: error: ...`` line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from phi_lab import __version__
from phi_lab.equations.unit_pairs import parse_unit_pairs
from phi_lab.errors import DeviceError, InputError, ParseError
from phi_lab.hints import word_explanation
from phi_lab.options import MODES

if TYPE_CHECKING:
    from phi_lab.equations.verdict import ValidationResult

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "NumberedEquation",
    "Streams",
    "build_parser",
    "format_result",
    "format_table",
    "main",
    "parse_units",
    "read_equations",
    "run_health",
    "run_serve",
    "run_validate",
]

PROG = "phi-lab"
#: Every equation validated is valid.
EXIT_OK = 0
#: At least one equation is invalid.
EXIT_INVALID = 1
#: Bad command line or bad arguments (units, mode, device, an unreadable file).
EXIT_USAGE = 2
#: Interrupted with Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130

#: Columns of the ``--file`` table, in order.
TABLE_COLUMNS = ("line", "equation", "valid", "kind", "confidence", "betti", "chi", "phi_coherence")


@dataclass(frozen=True, slots=True)
class Streams:
    """The text streams a command reads from and writes to."""

    stdin: TextIO
    stdout: TextIO
    stderr: TextIO


@dataclass(frozen=True, slots=True)
class NumberedEquation:
    """One equation read from a file, with its 1-based line number there."""

    line: int
    text: str


Command = Callable[[argparse.Namespace, Streams], int]


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the ``phi-lab`` command line and return its exit status.

    Parameters
    ----------
    argv:
        The arguments after the program name; default ``sys.argv[1:]``.
    stdin, stdout, stderr:
        Streams to use instead of ``sys.stdin``, ``sys.stdout`` and ``sys.stderr``
        (looked up at call time, so pytest's capturing sees the output).  Messages from
        argparse itself (usage errors, ``--help``) always go to ``sys.stdout``/``sys.stderr``.

    Returns
    -------
    int
        0 when every equation is valid, 1 when any is invalid, 2 for usage and input
        errors, 130 when interrupted.
    """
    streams = Streams(
        stdin=stdin if stdin is not None else sys.stdin,
        stdout=stdout if stdout is not None else sys.stdout,
        stderr=stderr if stderr is not None else sys.stderr,
    )
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    command: Command = args.command
    try:
        return command(args, streams)
    except (InputError, DeviceError) as error:
        message = str(error).replace("\n", " ")
        print(f"{PROG}: error: {message}", file=streams.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=streams.stderr)
        return EXIT_INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for ``phi-lab`` with one subparser per command."""
    parser = argparse.ArgumentParser(prog=PROG, description="Validate equations typed by researchers.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    _add_validate(commands)
    _add_serve(commands)
    _add_health(commands)
    return parser


# --- serve and health -----------------------------------------------------------------------


def _add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "serve",
        help="run the HTTP worker",
        description="Serve /health, /info, /validate, /validate/batch and /metrics (settings: PHI_LAB_* variables).",
    )
    parser.add_argument("--host", help="address to bind (default $PHI_LAB_HOST, else 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default $PORT, else 8000)")
    parser.add_argument(
        "--workers",
        type=_at_least_one,
        default=1,
        metavar="N",
        help="processes serving the port, each with its own worker_id (default 1)",
    )
    parser.set_defaults(command=run_serve)


def _at_least_one(text: str) -> int:
    """argparse type of ``--workers``: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def run_serve(args: argparse.Namespace, streams: Streams) -> int:
    """Run ``phi-lab serve`` until SIGTERM (drains first) or SIGINT.

    With ``--workers N`` above 1, this process supervises N worker processes on the port
    (:mod:`phi_lab.server.supervisor`) and returns their exit status.
    """
    from phi_lab.server import Settings, serve  # imported here: validate needs no web framework

    settings = Settings.from_environment(host=args.host, port=args.port)
    if args.workers == 1:
        serve(settings)
        return EXIT_OK
    from phi_lab.server.supervisor import supervise

    return supervise(settings, args.workers)


def _add_health(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "health",
        help="check a worker's /health (for container health checks)",
        description="Exit 0 when the worker answers 200 'healthy', else 1.",
    )
    parser.add_argument("--url", help="health URL (default http://127.0.0.1:$PORT/health)")
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds to wait (default 3)")
    parser.set_defaults(command=run_health)


def run_health(args: argparse.Namespace, streams: Streams) -> int:
    """Run ``phi-lab health``: GET the health URL with the standard library (no curl needed)."""
    import os
    import urllib.error
    import urllib.request

    url = args.url or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health"
    try:
        with urllib.request.urlopen(url, timeout=args.timeout) as response:  # a URL we build or are given
            body = response.read(64).decode("utf-8", "replace").strip()
            healthy = response.status == 200 and body == "healthy"
    except urllib.error.HTTPError as error:
        body, healthy = f"HTTP {error.code}", False
    except (urllib.error.URLError, OSError) as error:
        body, healthy = f"unreachable: {error}", False
    print(body if healthy else f"{PROG}: unhealthy: {url}: {body}", file=streams.stdout if healthy else streams.stderr)
    return EXIT_OK if healthy else EXIT_INVALID


# --- validate -------------------------------------------------------------------------------


def _add_validate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "validate",
        help="validate one equation, or a file of them",
        description="Validate an equation and explain the verdict: checks, topology and φ-coherence.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("equation", nargs="?", help='the equation, e.g. "E = mc²" (quote it)')
    source.add_argument(
        "--file",
        metavar="PATH",
        help="validate one equation per line of PATH ('-' for stdin); blank lines and # comments are skipped",
    )
    parser.add_argument(
        "--units",
        metavar="NAME=UNIT,...",
        action="append",
        default=[],
        help="declare units, e.g. F=N,m=kg,a=m/s^2 (pint syntax; may be repeated)",
    )
    parser.add_argument("--mode", choices=MODES, default="auto", help="auto (default), physics or math")
    parser.add_argument(
        "--device", help="torch device: auto, cpu, cuda, cuda:1 or mps (default: $PHI_LAB_DEVICE, else auto)"
    )
    parser.add_argument("--json", action="store_true", help="print the result(s) as JSON")
    parser.set_defaults(command=run_validate)


def run_validate(args: argparse.Namespace, streams: Streams) -> int:
    """Run ``phi-lab validate`` with parsed ``args``.

    Parameters
    ----------
    args:
        ``equation`` or ``file``, ``units`` (a list of ``NAME=UNIT,...`` strings),
        ``mode``, ``device`` and ``json``.
    streams:
        Where to read ``--file -`` from and where to write.

    Returns
    -------
    int
        :data:`EXIT_OK` when every equation is valid, else :data:`EXIT_INVALID`.

    Raises
    ------
    InputError
        For malformed ``--units``, an unknown mode or an unreadable file.
    DeviceError
        For a device that does not exist here.
    """
    from phi_lab.compute.device import resolve_device
    from phi_lab.validation import validate

    units = parse_units(args.units)
    device = resolve_device(args.device)  # decided once, at the edge
    if args.file is None:
        result = validate(args.equation, units, args.mode, device=device)
        if args.json:
            _write_json(result.to_dict(), streams.stdout)
        else:
            streams.stdout.write(format_result(result))
        return EXIT_OK if result.valid else EXIT_INVALID

    from tqdm import tqdm

    equations = read_equations(args.file, streams.stdin)
    progress = tqdm(equations, desc="validating", unit="eq", file=streams.stderr, disable=None)
    results = [(item.line, validate(item.text, units, args.mode, device=device)) for item in progress]
    if args.json:
        _write_json([{"line": line, **result.to_dict()} for line, result in results], streams.stdout)
    else:
        streams.stdout.write(format_table(results))
    return EXIT_OK if all(result.valid for _, result in results) else EXIT_INVALID


def parse_units(specs: Iterable[str]) -> dict[str, str]:
    """Turn ``["F=N,m=kg", "a=m/s^2"]`` into ``{"F": "N", "m": "kg", "a": "m/s^2"}``.

    Units may contain ``/``, ``*``, ``^``, spaces and parentheses, but not commas (which
    separate the pairs).  Whether pint can read a unit is checked later, by validation.

    Raises
    ------
    UnitError
        For a pair that is not ``NAME=UNIT`` or a name declared twice, naming the pair.
    """
    units: dict[str, str] = {}
    for spec in specs:
        parse_unit_pairs(spec, source="--units", into=units)
    return units


def read_equations(path: str, stdin: TextIO) -> list[NumberedEquation]:
    """Read one equation per line from ``path`` (``-`` for ``stdin``).

    Blank lines and lines whose first non-blank character is ``#`` are skipped; line
    numbers count every line, so they match an editor's.

    Raises
    ------
    InputError
        If the file cannot be read or is not UTF-8 text.
    """
    if path == "-":
        text = stdin.read()
    else:
        try:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
        except OSError as exc:
            raise InputError(f"cannot read {path!r}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"{path!r} is not UTF-8 text (byte {exc.start})") from exc
    return [
        NumberedEquation(number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


# --- output ---------------------------------------------------------------------------------


def format_result(result: ValidationResult) -> str:
    """Return the readable report of one result, ending with a newline.

    The first line is the verdict (VALID/INVALID, kind, confidence); then, for text that
    did not parse, the text with a caret under the offending column; then the checks, the
    explanation, topology, φ-coherence, the catalog name (if any) and the time taken.
    """
    lines = [f"{'VALID' if result.valid else 'INVALID'}  {result.kind}  (confidence {result.confidence})"]
    if result.error_column:
        # ParseError owns the caret layout (windowing long text, tabs and newlines).
        caret = ParseError("", result.equation, result.error_column).caret()
        lines.extend(f"    {row}" for row in caret.splitlines())
    width = max((len(check.name) for check in result.checks), default=0)
    lines.extend(f"  {check.name:<{width}}  {check.status:<4}  {check.detail}" for check in result.checks)
    lines.append(word_explanation(result.explanation, result.hints, "cli"))
    b0, b1, b2 = result.betti
    lines.append(f"Betti numbers: b0={b0} b1={b1} b2={b2}  χ = {result.chi}")
    reason = f" ({result.phi_reason})" if result.phi_reason else ""
    lines.append(f"φ-coherence: {result.phi_coherence}{reason}")
    if result.catalog:
        lines.append(f"Catalog: {result.catalog}")
    lines.append(f"Processing time: {result.processing_time_ms:.1f} ms on {result.device}")
    return "\n".join(lines) + "\n"


def format_table(results: Sequence[tuple[int, ValidationResult]]) -> str:
    """Return the ``--file`` table (see :data:`TABLE_COLUMNS`) and a ``N valid of M`` line."""
    valid = sum(result.valid for _, result in results)
    summary = f"{valid} valid of {len(results)}\n"
    if not results:
        return summary
    import pandas as pd

    rows = [
        (
            line,
            result.equation,
            result.valid,
            result.kind,
            result.confidence,
            str(result.betti),
            result.chi,
            result.phi_coherence,
        )
        for line, result in results
    ]
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS)).to_string(index=False)
    return f"{table}\n{summary}"


def _write_json(data: Any, stream: TextIO) -> None:
    stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
