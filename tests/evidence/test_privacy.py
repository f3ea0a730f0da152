"""Small-cell suppression: counts 1-10 and what would reveal them are withheld."""

from __future__ import annotations

import math

import pandas as pd

import paritykit as pk
from paritykit.privacy import suppress_outcomes, suppress_rates


def test_rates_suppression_blanks_the_side_and_every_comparison() -> None:
    summary = pd.DataFrame(
        {
            "plan_id": ["A", "A", "B", "B"],
            "classification": ["emergency"] * 4,
            "side": ["mhsud", "ms"] * 2,
            "denied": [7, 300, 40, 300],
            "claims": [90, 3000, 200, 3000],
        }
    )
    rates = pk.compare_rates(summary)
    out = suppress_rates(rates).set_index("plan_id")
    a, b = out.loc["A"], out.loc["B"]
    for name in (
        "mhsud_events",
        "mhsud_trials",
        "mhsud_rate",
        "rate_ratio",
        "rate_ratio_low",
        "odds_ratio",
        "p_value",
        "p_adjusted",
        "rate_difference_high",
    ):
        assert math.isnan(a[name]), name
    assert a["ms_events"] == 300 and a["ms_rate"] == 0.1
    assert "mhsud_events" in a["suppressed"]
    assert b["suppressed"] == "" and b["mhsud_events"] == 40


def test_outcomes_small_denominator_blanks_the_row() -> None:
    summary = pd.DataFrame(
        {
            "plan_id": ["A", "A"],
            "side": ["mhsud", "ms"],
            "claims": [9, 500],
            "denied": [0, 12],
            "denial_rate": [0.0, 0.024],
            "allowed_amount": [900.0, 60000.0],
        }
    )
    out = suppress_outcomes(summary)
    assert math.isnan(out.loc[0, "claims"]) and math.isnan(out.loc[0, "allowed_amount"])
    assert math.isnan(out.loc[0, "denied"]) and math.isnan(out.loc[0, "denial_rate"])
    assert out.loc[1, "denied"] == 12 and out.loc[1, "suppressed"] == ""


def test_zero_is_shown() -> None:
    summary = pd.DataFrame(
        {"side": ["mhsud"], "claims": [500], "denied": [0], "denial_rate": [0.0]}
    )
    out = suppress_outcomes(summary)
    assert out.loc[0, "denied"] == 0 and out.loc[0, "suppressed"] == ""


def test_text_dependents_are_blanked_not_converted() -> None:
    from paritykit.privacy import suppress_small_cells

    frame = pd.DataFrame({"count": [3, 40], "detail": ["rows 2, 5, 9", "many"]})
    out = suppress_small_cells(frame, counts=["count"], dependents={"count": ["detail"]})
    assert out.loc[0, "detail"] is None and math.isnan(out.loc[0, "count"])
    assert out.loc[1, "detail"] == "many"
