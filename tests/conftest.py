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


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Temporary alias kept only for ``tests/remittances/test_remit_carc.py``.

    That file reads ``carc_reference.csv``, which is not vendored here; the CARC work replaces
    it with a vendored table. Until then the reference folder beside the checkout is used when
    present and the tests that need it are skipped otherwise. Remove this fixture then.
    """
    folder = REPO_ROOT.parent / "shared" / "data"  # self-contained: allowed (temporary alias)
    if not (folder / "carc_reference.csv").is_file():
        pytest.skip("carc_reference.csv is not vendored yet (temporary shared_data alias)")
    return folder
