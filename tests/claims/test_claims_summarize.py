"""summarize_outcomes against a direct pandas computation, on DuckDB and Spark alike."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paritykit as pk
from conftest import lines

MED_NEC = {"40", "50", "56", "58", "150", "151", "152", "272"}
PRIOR_AUTH = {"15", "39", "197", "198", "210", "284", "287", "288", "296"}


def _dec_sum(values: pd.Series) -> float:
    return float(sum((Decimal(str(v)) for v in values if pd.notna(v)), Decimal(0)))


def pandas_reference(classified: pd.DataFrame, by: list[str], unit: str) -> pd.DataFrame:
    """The same table computed row by row in pandas, from the classified lines."""
    d = classified.copy()
    d["is_denied"] = d["status"] == "denied"
    d["mn"] = d["is_denied"] & d["denial_reason"].isin(MED_NEC)
    d["pa_reason"] = d["is_denied"] & d["denial_reason"].isin(PRIOR_AUTH)
    d["pa_req"] = d["prior_auth"].isin(["approved", "denied"])
    d["pa_den"] = d["prior_auth"] == "denied"
    d["oon"] = d["network_status"] == "out"
    keys = [*by, "side"]
    flags = ["is_denied", "mn", "pa_reason", "pa_req", "pa_den", "oon"]
    if unit == "claim":
        g = d.groupby(
            [*keys, "plan_id", "claim_id"] if "plan_id" not in by else [*keys, "claim_id"]
        )
        d = g.agg(
            **{f: (f, "max") for f in flags},
            allowed_amount=("allowed_amount", _dec_sum),
            paid_amount=("paid_amount", _dec_sum),
        ).reset_index()
    g = d.groupby(keys)
    out = g.agg(
        claims=("is_denied", "size"),
        denied=("is_denied", "sum"),
        denied_medical_necessity=("mn", "sum"),
        denied_prior_auth=("pa_reason", "sum"),
        prior_auth_requests=("pa_req", "sum"),
        prior_auth_denied=("pa_den", "sum"),
        out_of_network_claims=("oon", "sum"),
        allowed_amount=("allowed_amount", _dec_sum),
        paid_amount=("paid_amount", _dec_sum),
    ).reset_index()
    out["denial_rate"] = out["denied"] / out["claims"]
    out["prior_auth_denial_rate"] = np.where(
        out["prior_auth_requests"] > 0,
        out["prior_auth_denied"]
        / out["prior_auth_requests"].where(out["prior_auth_requests"] > 0, 1),
        np.nan,
    )
    return out.sort_values(keys).reset_index(drop=True)


CHECKED = [
    "claims",
    "denied",
    "denied_medical_necessity",
    "denied_prior_auth",
    "prior_auth_requests",
    "prior_auth_denied",
    "out_of_network_claims",
    "allowed_amount",
    "paid_amount",
    "denial_rate",
    "prior_auth_denial_rate",
]


@pytest.mark.parametrize("unit", ["line", "claim"])
def test_summary_equals_direct_pandas_computation(synth_parquet, unit: str) -> None:
    table = pk.scan_claims(synth_parquet)
    classified = pk.classify_claims(table)
    by = ["plan_id", "classification"]
    got = pk.summarize_outcomes(classified, by=by, unit=unit)
    frame = classified.to_pandas()  # small fixture: fine to bring back in a test
    want = pandas_reference(frame, by, unit)
    assert len(got) == len(want) >= 30
    for col in CHECKED:
        np.testing.assert_array_equal(got[col].to_numpy(), want[col].to_numpy(), err_msg=col)
    assert (got["ruleset_version"] == f"paritykit-default@{pk.RULES_VERSION}").all()
    assert (got["unit"] == unit).all()
    if unit == "line":
        assert got["claims"].sum() == 3000 == got["claim_lines"].sum()
    else:
        assert got["claim_lines"].sum() == 3000


def test_summary_counts_on_hand_built_lines() -> None:
    frame = lines(
        {"diagnosis_code": "F32.9", "status": "denied", "denial_reason": "CO-50",
         "allowed_amount": 0, "paid_amount": 0},
        {"diagnosis_code": "F32.9", "status": "denied", "denial_reason": "197",
         "prior_auth": "denied", "allowed_amount": 0, "paid_amount": 0, "place_of_service": "52"},
        {"diagnosis_code": "F32.9", "network_status": "out", "place_of_service": "52",
         "prior_auth": "approved", "decision_days": 4},
        {"diagnosis_code": "I10"},
    )  # fmt: skip
    out = pk.summarize_outcomes(frame, by=["plan_id"])
    mh = out[out["side"] == "mhsud"].iloc[0]
    ms = out[out["side"] == "ms"].iloc[0]
    assert (mh["claims"], mh["denied"], mh["denied_medical_necessity"]) == (3, 2, 1)
    assert (mh["denied_prior_auth"], mh["prior_auth_requests"], mh["prior_auth_denied"]) == (
        1,
        2,
        1,
    )
    assert mh["out_of_network_claims"] == 1
    assert mh["denial_rate"] == pytest.approx(2 / 3)
    assert mh["allowed_amount"] == 90.0 and mh["decision_days_mean"] == 4.0
    assert ms["prior_auth_denial_rate"] != ms["prior_auth_denial_rate"]  # NaN
    assert "prior_auth_denial_rate undefined: prior_auth_requests is 0" in ms["note"]


def test_unknown_group_column_message() -> None:
    with pytest.raises(pk.ConfigurationError, match="cannot group by \\['region'\\]"):
        pk.summarize_outcomes(lines({}), by=["region"])


_SMALL = lines(
    *[
        {"diagnosis_code": dx, "status": st_, "denial_reason": rs, "network_status": net,
         "place_of_service": pos, "allowed_amount": amt, "paid_amount": round(amt * 0.8, 2),
         "claim_id": f"c{i // 2}", "line_number": i % 2 + 1, "plan_id": f"plan_{i % 3}"}
        for i, (dx, st_, rs, net, pos, amt) in enumerate(
            [("F32.9", "denied", "50", "in", "11", 0.0), ("I10", "paid", None, "out", "11", 90.1),
             ("F41.1", "paid", None, "out", "52", 70.3), ("E11.9", "denied", "197", "in", "21", 0),
             ("F10.20", "paid", None, "in", "23", 1200.55), ("J06.9", "paid", None, "in", "11", 33),
             ("F32.9", "denied", "16", "out", "11", 0.0), ("I10", "paid", None, "in", "22", 0.07)]
        )
    ]
)  # fmt: skip


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=st.permutations(list(range(len(_SMALL)))), unit=st.sampled_from(["line", "claim"]))
def test_row_order_never_changes_the_result(order: list[int], unit: str) -> None:
    base = pk.summarize_outcomes(pk.scan_claims(_SMALL), unit=unit)
    shuffled = _SMALL.iloc[order].reset_index(drop=True)
    got = pk.summarize_outcomes(pk.scan_claims(shuffled), unit=unit)
    pd.testing.assert_frame_equal(got, base)


@pytest.mark.spark
def test_pyspark_engine_gives_identical_numbers(synth_parquet, spark_con) -> None:
    duck = pk.summarize_outcomes(pk.scan_claims(synth_parquet), unit="claim")
    spark = pk.summarize_outcomes(pk.scan_claims(synth_parquet, engine=spark_con), unit="claim")
    pd.testing.assert_frame_equal(spark, duck, check_dtype=False)


@pytest.mark.spark
def test_pyspark_validation_matches_duckdb(tmp_path, spark_con) -> None:
    bad = lines({}, {"status": "DENIED ", "denial_reason": "50"}, {"diagnosis_code": "F32.99X"},
                {"billed_amount": -5.0})  # fmt: skip
    path = tmp_path / "bad.parquet"
    bad.to_parquet(path, index=False)
    duck = pk.validate_claims(pk.scan_claims(path), errors="exclude")
    spark = pk.validate_claims(pk.scan_claims(path, engine=spark_con), errors="exclude")
    pd.testing.assert_frame_equal(spark.checks, duck.checks)
    assert (spark.total_lines, spark.excluded_lines) == (4, 2)
    s1 = pk.summarize_outcomes(duck, by=["plan_id"])
    s2 = pk.summarize_outcomes(spark, by=["plan_id"])
    pd.testing.assert_frame_equal(s2, s1, check_dtype=False)
