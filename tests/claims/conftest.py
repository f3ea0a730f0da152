"""Fixtures of the claims engine tests: claim-line builders, a synthetic file, one Spark session."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

BASE_LINE: dict[str, object] = {
    "claim_id": "c1",
    "line_number": 1,
    "plan_id": "plan_1",
    "member_id": "m1",
    "service_date": "2024-03-01",
    "diagnosis_code": "I10",
    "procedure_code": "99213",
    "revenue_code": None,
    "place_of_service": "11",
    "bill_type": None,
    "claim_type": "professional",
    "network_status": "in",
    "status": "paid",
    "denial_reason": None,
    "prior_auth": "not_required",
    "billed_amount": 150.0,
    "allowed_amount": 90.0,
    "paid_amount": 72.0,
    "decision_days": None,
}


def lines(*overrides: dict[str, object]) -> pd.DataFrame:
    """Return claim lines: the base line updated by each override (claim ids c1, c2, ...)."""
    rows = []
    for i, over in enumerate(overrides, start=1):
        row = dict(BASE_LINE, claim_id=f"c{i}")
        row.update(over)
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def synth_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 synthetic lines, 3 plans, with a planted denial disparity in plan 3."""
    from paritykit.synth.claims import ClaimsDisparity, synthesize_claims

    path = tmp_path_factory.mktemp("synth") / "claims.parquet"
    synthesize_claims(
        path,
        rows=3000,
        plans=3,
        seed=7,
        disparities=[ClaimsDisparity("denial_rate", 2.0, plan=3)],
    )
    return path


@pytest.fixture(scope="session")
def spark_con():
    """One local Spark session (local[1]) for every Spark test, as an Ibis connection."""
    pyspark = pytest.importorskip("pyspark")
    import ibis
    from pyspark.sql import SparkSession

    del pyspark
    session = (
        SparkSession.builder.master("local[1]")
        .appName("paritykit-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield ibis.pyspark.connect(session)
    session.stop()
