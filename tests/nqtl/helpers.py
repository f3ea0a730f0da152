"""Small builders for NQTL inventories, outcome summaries and analysis answers."""

from __future__ import annotations

from typing import Any

import pandas as pd

CLS = "inpatient_in_network"
FACTORS = "high cost; variation in length of stay"
STANDARDS = "cost per episode above $5,000; coefficient of variation above 0.5"


def row(side: str, nqtl_type: str = "concurrent_review", **extra: Any) -> dict[str, Any]:
    """One inventory row with defined factors and standards (override with ``extra``)."""
    base: dict[str, Any] = dict(
        plan_id="P",
        classification=CLS,
        sub_classification=None,
        side=side,
        nqtl_type=nqtl_type,
        applies=True,
        scope="inpatient stays",
        review_interval_days=None,
        factors=FACTORS,
        evidentiary_standards=STANDARDS,
        source="SPD p. 1",
    )
    base.update(extra)
    return base


def pair(nqtl_type: str = "concurrent_review", mh: dict | None = None, ms: dict | None = None):
    """An MH/SUD row and an M/S row of the same NQTL, identical unless overridden."""
    return pd.DataFrame([row("mhsud", nqtl_type, **(mh or {})), row("ms", nqtl_type, **(ms or {}))])


def outcomes(
    mh_events: int, mh_trials: int, ms_events: int, ms_trials: int, **cols: Any
) -> pd.DataFrame:
    """An outcome summary for plan P in CLS with prior-authorization counts."""
    frame = pd.DataFrame(
        {
            "plan_id": ["P", "P"],
            "classification": [CLS, CLS],
            "side": ["mhsud", "ms"],
            "claims": [1000, 1000],
            "prior_auth_requests": [mh_trials, ms_trials],
            "prior_auth_denied": [mh_events, ms_events],
            "denied_medical_necessity": [10, 10],
            "out_of_network_claims": [50, 50],
            "allowed_amount": [80_000.0, 100_000.0],
        }
    )
    for name, value in cols.items():
        frame[name] = value
    return frame


SUFFICIENT: dict[str, Any] = {
    "plan_id": "P",
    "classification": CLS,
    "nqtl_type": "concurrent_review",
    "description": "Concurrent review applies to every inpatient stay, MH/SUD (psychiatric "
    "stays) and M/S (medical and surgical stays), per section 4.",
    "factors": FACTORS,
    "factor_definitions": "High cost: above $5,000 per episode; variation: coefficient of "
    "variation of length of stay above 0.5.",
    "evidentiary_standards": STANDARDS,
    "as_written_analysis": "The same factors and thresholds were applied to every MH/SUD and "
    "M/S inpatient service category with 2023 claims; every category on both sides met them, "
    "so both sides are reviewed every 7 days by the same nurse reviewers under the same "
    "criteria.",
    "in_operation_analysis": "In 2024 the plan reviewed 310 MH/SUD and 2,950 M/S stays; "
    "reductions followed 4.2% of MH/SUD and 3.9% of M/S reviews, and median review times were "
    "the same; the utilization committee compared both sides quarterly.",
    "relevant_data": "concurrent review counts and outcomes by side, 2024",
    "no_data_reason": None,
    "findings_and_conclusions": "The plan finds the factors, thresholds and review frequency "
    "identical on both sides and outcomes within 0.3 percentage points.",
}
