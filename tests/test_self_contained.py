"""A fresh clone passes alone: no tracked file reaches outside the repository for data.

The reference folder beside the developers' checkout is not part of a clone; whatever a test,
notebook, script or doc needs is vendored in ``tests/data/public`` (origins in its SOURCES.md).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

# Built from pieces so that this file does not match itself.
PARENT_SHARED = ".." + "/shared"
SHARED_DATA = "shared" + "/data"
PATTERNS = {
    PARENT_SHARED: re.compile(re.escape(PARENT_SHARED)),
    SHARED_DATA: re.compile(re.escape(SHARED_DATA)),
    # a path built from parts: the two names joined with a slash operator or a comma
    "'shared' joined with 'data'": re.compile(r"""["']shared["']\s*[/,]\s*["']data["']"""),
}

#: Known exceptions (file, pattern) -> allowed number of lines: none.
ALLOWED: dict[tuple[str, str], int] = {}

BINARY_SUFFIXES = {".xlsx", ".xls", ".png", ".jpg", ".jpeg", ".pdf", ".docx", ".zip", ".gz"}


def _tracked_files() -> list[str]:
    try:
        run = subprocess.run(
            ["git", "ls-files", "-z"],
            cwd=REPO_ROOT,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as err:  # pragma: no cover - not a clone
        pytest.skip(f"not a git checkout ({err}); nothing to check")
    return [name for name in run.stdout.decode("utf-8").split("\0") if name]


def _text(path: Path) -> str | None:
    if path.suffix.lower() in BINARY_SUFFIXES or not path.is_file():
        return None
    data = path.read_bytes()
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def find_outside_references(
    files: list[str], root: Path = REPO_ROOT
) -> dict[tuple[str, str], list[int]]:
    """Map (file, pattern name) to the line numbers where a tracked text file matches."""
    hits: dict[tuple[str, str], list[int]] = {}
    for name in files:
        text = _text(root / name)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for label, pattern in PATTERNS.items():
                if pattern.search(line):
                    hits.setdefault((name, label), []).append(number)
    return hits


def test_no_tracked_file_reads_the_reference_folder() -> None:
    files = _tracked_files()
    assert "pyproject.toml" in files  # the list is the real one
    hits = find_outside_references(files)
    unexpected = {key: lines for key, lines in hits.items() if len(lines) > ALLOWED.get(key, 0)}
    report = "\n".join(
        f"{name}:{lines} matches {label}" for (name, label), lines in unexpected.items()
    )
    assert not unexpected, "files that reach outside the repository for data:\n" + report


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(f"see `{PARENT_SHARED}/data/x.csv`\n", encoding="utf-8")
    joined = 'ROOT / "shared"' + ' / "data"'
    (tmp_path / "b.py").write_text(f"x = 1\nDATA = {joined}\n", encoding="utf-8")
    (tmp_path / "c.ipynb").write_text(f'"read from {SHARED_DATA}/x12"', encoding="utf-8")
    (tmp_path / "d.xlsx").write_bytes(b"PK\0\0" + PARENT_SHARED.encode())
    hits = find_outside_references(["a.md", "b.py", "c.ipynb", "d.xlsx"], root=tmp_path)
    assert hits == {
        ("a.md", PARENT_SHARED): [1],
        ("a.md", SHARED_DATA): [1],
        ("b.py", "'shared' joined with 'data'"): [2],
        ("c.ipynb", SHARED_DATA): [1],
    }


def test_vendored_public_data_is_there() -> None:
    public = REPO_ROOT / "tests" / "data" / "public"
    assert (public / "SOURCES.md").is_file()
    assert (public / "tc_puf" / "tc_puf_py2024_cy2022_experience.xlsx").is_file()
    assert len(list((public / "x12").glob("*.835"))) >= 4
