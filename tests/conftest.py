"""Shared fixtures: where the repository's vendored public data lives, and small helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PUBLIC_DATA = REPO_ROOT / "tests" / "data" / "public"


@pytest.fixture(scope="session")
def public_data() -> Path:
    """The real public files vendored in ``tests/data/public`` (origins in its SOURCES.md)."""
    if not PUBLIC_DATA.is_dir():  # pragma: no cover - part of the repository
        pytest.fail(f"public test data not found at {PUBLIC_DATA}")
    return PUBLIC_DATA

