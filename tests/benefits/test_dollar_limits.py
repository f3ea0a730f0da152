"""Aggregate lifetime and annual dollar limits, 29 CFR 2590.712(b).

Expected answers are worked by hand from the rule text: (b)(2) no limit, or a limit on less than
one-third of all M/S benefits -> no MH/SUD limit; (b)(3) a limit on at least two-thirds -> apply it
to MH/SUD jointly or set no lower MH/SUD limit; (b)(4) one-third and two-thirds are measured on the
plan's projected payments for all M/S benefits; (b)(5) otherwise an MH/SUD limit must be no lower
than the payment-weighted average of the M/S limits, the M/S benefits without a limit counted as
one category at the plan's estimate of their upper limit.
"""

from __future__ import annotations

import pandas as pd
import pytest

import paritykit as pk

from .helpers import mh, ms, table

INPATIENT = "inpatient_in_network"
OUTPATIENT = "outpatient_in_network"


def limits_row(frame: pd.DataFrame) -> pd.Series:
    out = pk.quantitative_test(frame).dollar_limits
    assert len(out) == 1
    return out.iloc[0]


def plan(
    limited_pay: object, other_pay: object, ms_limit: object, mh_limit: object
) -> pd.DataFrame:
    """One M/S benefit with a lifetime limit, one without (payments on both), an MH/SUD limit."""
    return table(
        [
            ms(INPATIENT, "surgery", "lifetime_dollar_limit", ms_limit, limited_pay),
            ms(INPATIENT, "surgery", "copay", 100, limited_pay),
            ms(OUTPATIENT, "office", "copay", 20, other_pay),
            mh(INPATIENT, "psych stay", "lifetime_dollar_limit", mh_limit),
            mh(INPATIENT, "psych stay", "copay", 100),
        ]
    )


def test_no_ms_limit_allows_no_mhsud_limit() -> None:
    frame = table(
        [
            ms(OUTPATIENT, "office", "copay", 20, 1000),
            mh(OUTPATIENT, "therapy", "annual_dollar_limit", 10_000),
        ]
    )
    result = pk.quantitative_test(frame)
    row = result.dollar_limits.iloc[0]
    assert row["dollar_limit_rule"] == "none_or_under_one_third"
    assert not row["compliant"]
    found = result.findings[result.findings["finding_kind"] == "dollar_limit_not_allowed"]
    assert found["citation"].tolist() == ["29 CFR 2590.712(b)(2)"]


def test_limit_on_less_than_one_third_allows_no_mhsud_limit() -> None:
    row = limits_row(plan(299.99, 600, 1_000_000, 2_000_000))  # 299.99 / 899.99 < 1/3
    assert row["dollar_limit_rule"] == "none_or_under_one_third"
    assert not row["compliant"]


def test_exactly_two_thirds_is_the_two_thirds_rule() -> None:
    row = limits_row(plan(200, 100, 1_000_000, 500_000))
    assert row["subject_share"] == pytest.approx(2 / 3)
    assert row["dollar_limit_rule"] == "at_least_two_thirds"
    assert row["ms_limit"] == 1_000_000
    assert not row["compliant"]  # MH/SUD limit lower than the M/S limit
    assert bool(limits_row(plan(200, 100, 1_000_000, 1_000_000))["compliant"])


def test_mhsud_without_a_limit_complies() -> None:
    assert bool(limits_row(plan(200, 100, 1_000_000, None))["compliant"])


def test_exactly_one_third_is_the_weighted_average_rule_with_the_estimate_as_condition() -> None:
    row = limits_row(plan(100, 200, 1_000_000, 500_000))
    assert row["dollar_limit_rule"] == "weighted_average"
    # Limited benefits: 1/3 of payments at $1,000,000 -> $333,333.33 from them; the unlimited
    # two-thirds enter at the plan's estimate U: complies iff 333,333.33 + 2/3 U <= 500,000,
    # that is U <= (500,000 - 1,000,000/3) * 3/2 = 250,000.
    assert row["ms_limit"] == pytest.approx(1_000_000 / 3)
    assert pd.isna(row["compliant"])
    assert row["screening"] == "depends_on_payments"
    assert "$250,000 or less" in row["screening_condition"]


def test_mhsud_limit_below_the_known_part_of_the_average_fails() -> None:
    row = limits_row(plan(100, 200, 1_000_000, 300_000))  # 300,000 < 333,333.33
    assert not row["compliant"]


def test_different_limits_on_every_benefit_weighted_average() -> None:
    frame = table(
        [
            ms(INPATIENT, "stay", "annual_dollar_limit", 100_000, 600),
            ms(OUTPATIENT, "office", "annual_dollar_limit", 50_000, 400),
            mh(OUTPATIENT, "therapy", "annual_dollar_limit", 75_000),
        ]
    )
    row = limits_row(frame)
    # (600 x 100,000 + 400 x 50,000) / 1,000 = 80,000.
    assert row["dollar_limit_rule"] == "weighted_average"
    assert row["ms_limit"] == 80_000
    assert not row["compliant"]
    frame.loc[2, "level"] = 80_000
    assert bool(limits_row(frame)["compliant"])


def test_dollar_limits_are_not_tested_per_classification() -> None:
    det = pk.quantitative_test(plan(200, 100, 1_000_000, 500_000)).to_frame()
    assert set(det["requirement_type"]) == {"copay"}


def test_aliases_read() -> None:
    frame = table(
        [
            ms(OUTPATIENT, "office", "Lifetime maximum", 1_000_000, 1000),
            mh(OUTPATIENT, "therapy", "lifetime limit", 1_000_000),
        ]
    )
    assert limits_row(frame)["requirement_type"] == "lifetime_dollar_limit"


def test_zero_dollar_limit_is_rejected() -> None:
    frame = table([ms(OUTPATIENT, "office", "annual_dollar_limit", 0, 1000)])
    with pytest.raises(pk.DataValidationError) as info:
        pk.read_benefits(frame)
    assert info.value.problems["column"].tolist() == ["level"]


# --- screening without payments -------------------------------------------------------------------


def unpaid(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(projected_payments=None)


@pytest.mark.parametrize(
    ("mh_limit", "screening"),
    [(2_000_000, "passes_whatever_the_payments"), (500_000, "fails_whatever_the_payments")],
)
def test_screening_limit_on_every_benefit(mh_limit: int, screening: str) -> None:
    frame = table(
        [
            ms(INPATIENT, "stay", "lifetime_dollar_limit", 1_000_000, None),
            ms(OUTPATIENT, "office", "lifetime_dollar_limit", 1_000_000, None),
            mh(OUTPATIENT, "therapy", "lifetime_dollar_limit", mh_limit),
        ]
    )
    assert limits_row(frame)["screening"] == screening


def test_screening_limit_on_some_benefits_depends_on_the_one_third_share() -> None:
    row = limits_row(unpaid(plan(1, 1, 1_000_000, 2_000_000)))
    assert row["screening"] == "depends_on_payments"
    assert "at least one-third" in row["screening_condition"]
    assert "surgery (inpatient in network)" in row["screening_condition"]


def test_screening_no_ms_limit_fails_whatever() -> None:
    frame = table(
        [
            ms(OUTPATIENT, "office", "copay", 20, None),
            mh(OUTPATIENT, "therapy", "annual_dollar_limit", 10_000),
        ]
    )
    assert limits_row(frame)["screening"] == "fails_whatever_the_payments"
