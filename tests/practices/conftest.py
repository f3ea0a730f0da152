"""Fixtures for the practice tests: one synthetic practice year written as 835 files."""

from __future__ import annotations

import pytest

from paritykit import read_835, synthetic_remittances
from paritykit.synth.remittances import write_practice_year


@pytest.fixture(scope="package")
def practice_year(tmp_path_factory):
    """(synthetic remittances, the 835 folder, the parsed Remittances) for 2000 claims."""
    remits = synthetic_remittances(claims=2000, seed=20240606)
    folder = tmp_path_factory.mktemp("practice_835")
    write_practice_year(remits, folder)
    return remits, folder, read_835(folder)
