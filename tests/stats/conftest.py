"""Fixtures for the statistics tests: the committed R oracle values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ORACLES = Path(__file__).resolve().parents[1] / "oracles"


class Oracle:
    """Values written by an R script in ``tests/oracles`` (columns case, name, value)."""

    def __init__(self, path: Path) -> None:
        frame = pd.read_csv(path, dtype={"case": str, "name": str, "value": str})
        self._values = {
            (row.case, row.name): float(row.value) for row in frame.itertuples(index=False)
        }

    def __call__(self, case: str, name: str) -> float:
        return self._values[(case, name)]


@pytest.fixture(scope="session")
def r_tables() -> Oracle:
    return Oracle(ORACLES / "proportions_tables.csv")


@pytest.fixture(scope="session")
def r_models() -> Oracle:
    return Oracle(ORACLES / "models_ranks.csv")


@pytest.fixture(scope="session")
def strata_tables() -> pd.DataFrame:
    return pd.read_csv(ORACLES / "strata_tables.csv")
