"""The quantitative test against the regulation's own examples and its exact thresholds.

Expected values come from 29 CFR 2590.712(c)(3)(iv) Examples 1 and 2 (see PARITY.md section 3)
and from the thresholds' definitions, not from paritykit's output.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paritykit as pk

from .helpers import example_1, example_2, mh, ms, table


def only_row(result: pk.QuantitativeTestResult) -> pd.Series:
    frame = result.to_frame()
    assert len(frame) == 1
    return frame.iloc[0]


def test_example_1_inpatient_out_of_network_coinsurance() -> None:
    result = pk.quantitative_test(example_1(mhsud_level=15))
    row = only_row(result)
    assert row["ms_total_payments"] == 1000
    assert row["ms_subject_payments"] == 800
    assert row["subject_share"] == pytest.approx(0.80, abs=1e-12)
    assert row["substantially_all"]
    assert row["predominant_level"] == 15
    assert row["predominant_share"] == pytest.approx(450 / 800, abs=1e-12)  # 56.25%
    assert row["predominant_method"] == "single_level"
    assert row["compliant"]
    assert "(c)(3)" in row["finding"]


def test_example_1_mhsud_above_predominant_fails() -> None:
    result = pk.quantitative_test(example_1(mhsud_level=20))
    row = only_row(result)
    assert not row["compliant"]
    assert row["mhsud_level"] == 20
    kinds = result.findings["finding_kind"].tolist()
    assert kinds == ["predominant_level_exceeded"]
    assert "2590.712(c)(3)" in result.findings.loc[0, "citation"]


def test_example_1_levels_table_matches_regulation() -> None:
    levels = pk.quantitative_test(example_1()).levels.set_index("level")
    subject = levels[levels["subject"]]
    assert subject["level_payments"].to_dict() == {30.0: 150, 20.0: 100, 15.0: 450, 10.0: 100}
    assert subject.loc[15.0, "share_of_subject"] == pytest.approx(0.5625)
    assert subject.loc[15.0, "is_predominant"]
    # The 0% level is the not-subject remainder: $200x, 20% of the total.
    not_subject = levels[~levels["subject"]]
    assert not_subject["level_payments"].tolist() == [200]
    assert not_subject["share_of_total"].tolist() == [pytest.approx(0.2)]


def test_example_2_combination_most_restrictive_first() -> None:
    result = pk.quantitative_test(example_2(mhsud_level=15))
    row = only_row(result)
    assert row["subject_share"] == pytest.approx(0.80)
    assert row["predominant_level"] == 15
    assert row["predominant_method"] == "combination"
    assert row["predominant_share"] == pytest.approx(0.75)
    assert row["compliant"]
    levels = result.levels[result.levels["subject"]].set_index("level")
    # $50 + $20 = 400/800 = exactly one-half: not more than one-half, so $15 is added.
    assert levels.loc[20.0, "cumulative_share"] == 0.5
    assert levels.loc[[50.0, 20.0, 15.0], "in_combination"].all()
    assert not levels.loc[10.0, "in_combination"]
    assert levels["restrictiveness_rank"].to_dict() == {50.0: 1, 20.0: 2, 15.0: 3, 10.0: 4}


def test_example_2_mhsud_at_20_fails() -> None:
    row = only_row(pk.quantitative_test(example_2(mhsud_level=20)))
    assert not row["compliant"]


def three_benefits(subject_pay: str, other_pay: str, rest: str = "100") -> pd.DataFrame:
    cls = "inpatient_in_network"
    return table(
        [
            ms(cls, "a", "copay", 100, subject_pay),
            ms(cls, "b", "copay", 100, other_pay),
            ms(cls, "c", "copay", 0, rest),
            mh(cls, "psych", "copay", 100),
        ]
    )


def test_exactly_two_thirds_is_substantially_all() -> None:
    row = only_row(pk.quantitative_test(three_benefits("100", "100")))
    assert row["substantially_all"]
    assert row["compliant"]


def test_just_below_two_thirds_is_not_substantially_all() -> None:
    row = only_row(pk.quantitative_test(three_benefits("100", "99.99")))
    assert not row["substantially_all"]
    assert math.isnan(row["predominant_level"])
    assert not row["compliant"]  # the type may not be applied to MH/SUD at all


def test_two_thirds_exact_with_decimal_cents() -> None:
    # 0.1 + 0.1 of 0.3 is exactly two-thirds; binary floating point would say otherwise.
    row = only_row(pk.quantitative_test(three_benefits("0.1", "0.1", "0.1")))
    assert row["substantially_all"]


def half_and_half(top_pay: str) -> pd.DataFrame:
    cls = "emergency"
    return table(
        [
            ms(cls, "er", "copay", 20, top_pay),
            ms(cls, "transport", "copay", 10, "50"),
            mh(cls, "psych er", "copay", 20),
        ]
    )


def test_exactly_one_half_is_not_more_than_one_half() -> None:
    row = only_row(pk.quantitative_test(half_and_half("50")))
    assert row["predominant_level"] == 10  # $20 covers exactly 1/2: add $10
    assert row["predominant_method"] == "combination"
    assert not row["compliant"]  # MH/SUD at $20 exceeds $10


def test_just_above_one_half_predominates() -> None:
    row = only_row(pk.quantitative_test(half_and_half("50.01")))
    assert row["predominant_level"] == 20
    assert row["predominant_method"] == "single_level"
    assert row["compliant"]


def day_limits(mhsud_days: object) -> pd.DataFrame:
    cls = "inpatient_in_network"
    return table(
        [
            ms(cls, "rehab", "day_limit", 30, 600),
            ms(cls, "snf", "day_limit", 60, 300),
            ms(cls, "surgery", "day_limit", None, 100),  # blank: unlimited, not subject
            mh(cls, "psych stay", "day_limit", mhsud_days),
        ]
    )


@pytest.mark.parametrize(
    ("mhsud_days", "compliant"),
    [(20, False), (30, True), (45, True), (None, True), ("unlimited", True)],
)
def test_day_limits_fewer_days_are_more_restrictive(mhsud_days: object, compliant: bool) -> None:
    row = only_row(pk.quantitative_test(day_limits(mhsud_days)))
    assert row["subject_share"] == pytest.approx(0.9)
    assert row["predominant_level"] == 30
    assert bool(row["compliant"]) is compliant


def test_day_limit_combination_runs_from_fewest_days() -> None:
    cls = "inpatient_in_network"
    frame = table(
        [
            ms(cls, "a", "day_limit", 10, 300),
            ms(cls, "b", "day_limit", 20, 300),
            ms(cls, "c", "day_limit", 90, 400),
            mh(cls, "psych", "day_limit", 20),
        ]
    )
    row = only_row(pk.quantitative_test(frame))
    # Most restrictive first: 10 days (30%), + 20 days = 60% > 1/2: predominant is 20 days.
    assert row["predominant_level"] == 20
    assert row["compliant"]


def test_separate_deductible_is_a_finding_even_when_lower() -> None:
    cls = "outpatient_in_network"
    frame = table(
        [
            ms(cls, "office", "deductible", 1500, 900, accumulation="combined"),
            ms(cls, "surgery", "deductible", 1500, 100, accumulation="combined"),
            mh(cls, "therapy", "deductible", 250, accumulation="separate"),
        ]
    )
    result = pk.quantitative_test(frame)
    row = only_row(result)
    assert row["mhsud_level"] == 250 and row["predominant_level"] == 1500
    assert row["separate_accumulation"]
    assert not row["compliant"]
    assert result.findings["finding_kind"].tolist() == ["separate_accumulation"]
    assert result.findings.loc[0, "citation"] == "29 CFR 2590.712(c)(3)(v)"


def test_combined_deductible_at_same_level_passes() -> None:
    cls = "outpatient_in_network"
    frame = table(
        [
            ms(cls, "office", "deductible", 1500, 900, accumulation="combined"),
            mh(cls, "therapy", "deductible", 1500, accumulation="combined"),
        ]
    )
    assert only_row(pk.quantitative_test(frame))["compliant"]


def test_mhsud_requirement_type_absent_on_ms_side_is_a_finding() -> None:
    cls = "outpatient_in_network"
    frame = table(
        [
            ms(cls, "office", "copay", 25, 900),
            mh(cls, "therapy", "copay", 25),
            mh(cls, "therapy", "visit_limit", 20),
        ]
    )
    result = pk.quantitative_test(frame).to_frame().set_index("requirement_type")
    assert result.loc["copay", "compliant"]
    assert not result.loc["visit_limit", "compliant"]
    assert result.loc["visit_limit", "ms_subject_payments"] == 0
    assert "no M/S benefit" in result.loc["visit_limit", "finding"]


def test_requirement_on_ms_only_is_reported_and_passes() -> None:
    cls = "outpatient_in_network"
    frame = table(
        [
            ms(cls, "office", "copay", 25, 900),
            ms(cls, "office", "visit_limit", 30, 900),
            mh(cls, "therapy", "copay", 25),
        ]
    )
    result = pk.quantitative_test(frame).to_frame().set_index("requirement_type")
    assert bool(result.loc["visit_limit", "compliant"])
    assert not result.loc["visit_limit", "mhsud_subject"]


def test_classification_total_counts_each_benefit_once() -> None:
    cls = "inpatient_in_network"
    frame = table(
        [
            ms(cls, "surgery", "coinsurance", 20, 700),
            ms(cls, "surgery", "deductible", 1000, 700),
            ms(cls, "maternity", "coinsurance", 10, 300),
            mh(cls, "psych", "coinsurance", 20),
        ]
    )
    result = pk.quantitative_test(frame).to_frame().set_index("requirement_type")
    assert result.loc["coinsurance", "ms_total_payments"] == 1000
    assert result.loc["deductible", "ms_total_payments"] == 1000
    assert result.loc["deductible", "ms_subject_payments"] == 700


def test_sub_classifications_and_units_are_tested_separately() -> None:
    rows = [
        ms("outpatient_in_network", "pcp", "copay", 25, 900, sub_classification="office_visits"),
        mh("outpatient_in_network", "therapy", "copay", 25, sub_classification="office_visits"),
        ms(
            "outpatient_in_network",
            "surgery",
            "copay",
            100,
            900,
            sub_classification="all_other_outpatient",
        ),
        mh("outpatient_in_network", "iop", "copay", 100, sub_classification="all_other_outpatient"),
    ]
    family = [dict(r, coverage_unit="family") for r in rows]
    result = pk.quantitative_test(table(rows + family)).to_frame()
    assert len(result) == 4
    assert set(result["coverage_unit"]) == {"self_only", "family"}
    assert result["compliant"].all()


def test_result_object_api() -> None:
    result = pk.quantitative_test(example_2(20))
    assert "fail" in result.summary()
    assert "<table" in result._repr_html_()
    assert result.n_noncompliant == 1
    assert "2590.712" in result.rule_version
    assert list(result.to_frame().columns)[:5] == [
        "plan_id",
        "coverage_unit",
        "classification",
        "sub_classification",
        "requirement_type",
    ]


def test_missing_mhsud_in_a_classification_is_a_review_note() -> None:
    frame = table([ms("emergency", "er", "copay", 250, 100)])
    findings = pk.quantitative_test(frame).findings
    assert findings["finding_kind"].tolist() == ["mhsud_not_listed"]
    assert findings["severity"].tolist() == ["review"]


def determinations(frame: pd.DataFrame) -> pd.DataFrame:
    out = pk.quantitative_test(frame).to_frame()
    keys = ["plan_id", "coverage_unit", "classification", "requirement_type"]
    return out.set_index(keys).sort_index()[
        ["substantially_all", "predominant_level", "mhsud_level", "compliant"]
    ]


@st.composite
def benefit_designs(draw: st.DrawFn) -> pd.DataFrame:
    rows = []
    for cls in draw(
        st.lists(
            st.sampled_from(["inpatient_in_network", "emergency"]),
            min_size=1,
            max_size=2,
            unique=True,
        )
    ):
        req = draw(st.sampled_from(["copay", "coinsurance", "day_limit"]))
        n = draw(st.integers(1, 6))
        for i in range(n):
            level = draw(st.sampled_from([None, 0, 10, 20, 30]))
            if req == "day_limit" and level == 0:
                level = None
            pay = draw(st.integers(1, 10_000)) / 100  # cents
            rows.append(ms(cls, f"b{i}", req, level, pay))
        mh_level = draw(st.sampled_from([None, 10, 20, 30]))
        rows.append(mh(cls, "psych", req, mh_level))
    return table(rows)


@settings(max_examples=60, deadline=None)
@given(design=benefit_designs(), seed=st.integers(0, 10_000), scale=st.integers(1, 1000))
def test_row_order_and_payment_scale_never_change_determinations(
    design: pd.DataFrame, seed: int, scale: int
) -> None:
    expected = determinations(design)
    shuffled = design.sample(frac=1, random_state=seed).reset_index(drop=True)
    pd.testing.assert_frame_equal(determinations(shuffled), expected)
    scaled = design.assign(projected_payments=design["projected_payments"] * scale)
    pd.testing.assert_frame_equal(determinations(scaled), expected)
