"""Shared fixtures: where the read-only shared data lives, and small helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data in ``../shared/data`` (read in place, never copied)."""
    if not SHARED_DATA.is_dir():  # pragma: no cover - CI always has it
        pytest.fail(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
