"""The README and docs/ as files: the quick start fits the first screen, and every relative link resolves.

The README is for the first ten minutes (the two commands, a quick start, the notebooks); how
things work inside lives in ``docs/``, linked from it.  These tests read the Markdown only: a
link to a file that was moved or renamed, or to a heading that no longer exists, fails here
instead of in a reader's browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted([README, *(ROOT / "docs").glob("*.md")])
#: The README's first screen, in lines: the issue's acceptance check for the quick start.
FIRST_SCREEN = 40
#: The two commands, exactly as the README gives them (``.ci/run`` runs the second).
COMMANDS = ("bash scripts/workbench.sh", "bash scripts/test.sh")
#: What the quick start shows: the notebook widget, the Python call, the CLI and a worker.
QUICK_START = (
    "from phi_lab.widgets import ValidatorWidget",
    "ValidatorWidget()",
    "pl.validate(",
    "phi-lab validate",
    "phi-lab serve",
    "curl ",
)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def _prose(text: str) -> list[str]:
    """The lines outside fenced code blocks (whose ``#`` lines are comments, not headings)."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def _anchors(path: Path) -> set[str]:
    """The heading anchors GitHub gives a Markdown file (lowercase, punctuation dropped, ``-`` for spaces)."""
    seen: dict[str, int] = {}
    anchors = set()
    for line in _prose(path.read_text(encoding="utf-8")):
        heading = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading is None:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).replace("`", "").lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _links(path: Path) -> list[str]:
    """Every relative link target of a Markdown file (not web addresses, not mail)."""
    targets = [target for line in _prose(path.read_text(encoding="utf-8")) for target in LINK.findall(line)]
    return [target for target in targets if not re.match(r"[a-z][a-z0-9+.-]*:", target)]


def test_the_two_commands_and_the_quick_start_are_on_the_first_screen() -> None:
    first = "\n".join(README.read_text(encoding="utf-8").splitlines()[:FIRST_SCREEN])
    assert "## Quick start" in first
    for text in (*COMMANDS, *QUICK_START):
        assert text in first, text


@pytest.mark.parametrize("path", PAGES, ids=lambda path: str(path.relative_to(ROOT)))
def test_relative_links_resolve(path: Path) -> None:
    links = _links(path)
    broken = []
    for link in links:
        target, _, anchor = link.partition("#")
        resolved = (path.parent / target).resolve() if target else path
        if not resolved.exists():
            broken.append(f"{link}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"{link}: no heading with that anchor")
    assert not broken, broken


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {(ROOT / link.partition("#")[0]).resolve() for link in _links(README)}
    for page in (ROOT / "docs").glob("*.md"):
        assert page.resolve() in linked, page.name
