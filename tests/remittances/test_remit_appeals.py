"""Appeal deadlines on calendar boundaries. Expected dates are worked out by hand from the rules
(day counts on a calendar; the regulation's own example: a notice received October 30 gives a
last external-review filing date of March 1)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from paritykit import AppealDeadlines, ConfigurationError, appeal_deadlines
from paritykit import columns as C
from paritykit.analysis.appeals import add_months_rule, federal_holidays


# --- internal appeal: 180 calendar days ---------------------------------------------------------
@pytest.mark.parametrize(
    ("denied", "due"),
    [
        (date(2023, 1, 1), date(2023, 6, 30)),  # 31+28+31+30+31 = 151 days to Jun 1, +29
        (date(2024, 1, 1), date(2024, 6, 29)),  # leap year: one day earlier
        (date(2024, 10, 31), date(2025, 4, 29)),  # across a year end, February of 28 days
        (date(2023, 10, 31), date(2024, 4, 28)),  # across February 29, 2024
        (date(2024, 2, 29), date(2024, 8, 27)),  # from a leap day
    ],
)
def test_internal_appeal_180_days(denied: date, due: date) -> None:
    d = appeal_deadlines(denied, plan_type="group")
    assert d.appeal_filing_deadline == due
    assert d.appeal_days == 180


def test_no_weekend_extension_for_the_internal_appeal() -> None:
    # 2024-01-06 + 180 days = 2024-07-04 (Independence Day, a Thursday): not moved
    assert appeal_deadlines("2024-01-06", plan_type="group").appeal_filing_deadline == date(
        2024, 7, 4
    )


def test_longer_plan_period_applies() -> None:
    d = appeal_deadlines(date(2024, 1, 1), plan_type="group", plan_appeal_days=365)
    assert d.appeal_filing_deadline == date(2024, 12, 31)
    assert d.notes == ()


def test_shorter_plan_period_is_below_the_federal_minimum() -> None:
    d = appeal_deadlines(date(2024, 1, 1), plan_type="group", plan_appeal_days=60)
    assert d.appeal_filing_deadline == date(2024, 6, 29)
    assert len(d.notes) == 1
    assert "below the 180-day federal minimum" in d.notes[0]
    assert "2024-03-01" in d.notes[0]  # Jan 1 + 60 days in a leap year


# --- plan decision --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "period", "due", "citation"),
    [
        ({"urgent": True}, "72 hours", date(2024, 2, 29), "2560.503-1(i)(2)(i)"),
        ({"service_type": "pre_service"}, "30 days", date(2024, 3, 27), "2560.503-1(i)(2)(ii)"),
        ({"service_type": "post_service"}, "60 days", date(2024, 4, 26), "2560.503-1(i)(2)(iii)"),
        (
            {"service_type": "pre_service", "appeal_levels": 2},
            "15 days",
            date(2024, 3, 12),
            "(i)(2)(ii)",
        ),
        ({"appeal_levels": 2}, "30 days", date(2024, 3, 27), "(i)(2)(iii)"),
    ],
)
def test_plan_decision_due(kwargs, period, due, citation) -> None:
    # appeal received 2024-02-26; February 2024 has 29 days
    d = appeal_deadlines("2024-02-01", plan_type="group", appeal_received="2024-02-26", **kwargs)
    assert d.decision_period == period
    assert d.decision_due == due
    row = d.to_frame().set_index(C.DEADLINE).loc["plan_decision"]
    assert citation in row[C.CITATION]


def test_decision_due_unknown_until_the_appeal_is_received() -> None:
    d = appeal_deadlines("2024-02-01", plan_type="group")
    assert d.decision_due is None
    assert pd.isna(d.to_frame().set_index(C.DEADLINE).loc["plan_decision", C.DUE_DATE])


# --- external review: four months -------------------------------------------------------------
@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2023, 10, 30), date(2024, 3, 1)),  # the regulation's example (a Friday)
        (date(2023, 10, 29), date(2024, 2, 29)),  # leap year: February 29 exists (Thursday)
        (date(2022, 10, 29), date(2023, 3, 1)),  # no February 29 in 2023 (Wednesday)
        (date(2024, 10, 31), date(2025, 3, 3)),  # March 1, 2025 is a Saturday -> Monday
        (date(2024, 5, 31), date(2024, 10, 1)),  # no September 31 (Tuesday)
        (date(2024, 4, 30), date(2024, 8, 30)),  # same day exists (Friday)
        (date(2024, 3, 4), date(2024, 7, 5)),  # July 4 holiday -> Friday
        (date(2024, 1, 27), date(2024, 5, 28)),  # Memorial Day, May 27 -> Tuesday
        (date(2024, 8, 25), date(2024, 12, 26)),  # Christmas -> Thursday
        (date(2021, 3, 5), date(2021, 7, 6)),  # July 5, 2021: Independence Day observed
        (date(2024, 2, 17), date(2024, 6, 17)),  # Monday, no holiday
        (date(2024, 2, 19), date(2024, 6, 20)),  # Juneteenth (Wednesday) -> Thursday
        (date(2024, 8, 31), date(2024, 12, 31)),  # December 31 exists (Tuesday)
        (date(2024, 9, 1), date(2025, 1, 2)),  # January 1 (holiday) -> Thursday
        # Dec 31, 2021 is New Year's Day 2022 observed; then a weekend -> Monday Jan 3
        (date(2021, 8, 31), date(2022, 1, 3)),
    ],
)
def test_external_review_four_months(received: date, due: date) -> None:
    d = appeal_deadlines(date(2021, 1, 1), plan_type="group", final_denial_date=received)
    assert d.external_review_deadline == due
    assert d.external_review_from == received


def test_external_review_counted_from_the_denial_when_no_final_denial() -> None:
    d = appeal_deadlines("2023-10-30", plan_type="individual")
    assert d.external_review_deadline == date(2024, 3, 1)
    row = d.to_frame().set_index(C.DEADLINE).loc["external_review_request"]
    assert "recompute" in row[C.NOTE]
    assert "first day of the fifth month" in row[C.NOTE]
    assert row[C.CITATION] == "45 CFR 147.136(d)(2)(i)"


def test_grandfathered_plans_have_no_federal_external_review() -> None:
    d = appeal_deadlines("2024-01-10", plan_type="grandfathered_group")
    assert d.external_review_deadline is None
    assert any("grandfathered" in n for n in d.notes)


def test_citations_per_plan_type() -> None:
    group = appeal_deadlines("2024-01-10", plan_type="group").to_frame().set_index(C.DEADLINE)
    assert "29 CFR 2560.503-1(h)(3)(i)" in group.loc["internal_appeal_filing", C.CITATION]
    assert group.loc["external_review_request", C.CITATION] == "29 CFR 2590.715-2719(d)(2)(i)"
    gov = appeal_deadlines("2024-01-10", plan_type="non_federal_governmental")
    frame = gov.to_frame().set_index(C.DEADLINE)
    assert frame.loc["internal_appeal_filing", C.CITATION].startswith("45 CFR 147.136")


def test_add_months_rule_directly() -> None:
    assert add_months_rule(date(2024, 1, 31), 1) == date(2024, 3, 1)
    assert add_months_rule(date(2023, 1, 31), 1) == date(2023, 3, 1)
    assert add_months_rule(date(2024, 11, 15), 4) == date(2025, 3, 15)
    assert add_months_rule(date(2024, 12, 31), 2) == date(2025, 3, 1)


def test_federal_holidays_2024() -> None:
    days = set(federal_holidays(2024))
    expected = {
        date(2024, 1, 1), date(2024, 1, 15), date(2024, 2, 19), date(2024, 5, 27),
        date(2024, 6, 19), date(2024, 7, 4), date(2024, 9, 2), date(2024, 10, 14),
        date(2024, 11, 11), date(2024, 11, 28), date(2024, 12, 25),
    }  # fmt: skip
    assert days == expected


def test_result_object() -> None:
    d = appeal_deadlines(pd.Timestamp("2024-01-10"), plan_type="group")
    assert isinstance(d, AppealDeadlines)
    frame = d.to_frame()
    assert frame[C.DEADLINE].tolist() == [
        "internal_appeal_filing",
        "plan_decision",
        "external_review_request",
    ]
    assert list(frame.columns) == [
        C.DEADLINE, C.DUE_DATE, C.PERIOD, C.START_DATE, C.COUNTED_FROM, C.CITATION, C.NOTE,
    ]  # fmt: skip
    assert "2024-07-08" in d.summary()
    assert "<table" in d._repr_html_()
    with pytest.raises(AttributeError):
        d.urgent = True  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"plan_type": "employer"},
        {"plan_type": "group", "service_type": "concurrent"},
        {"plan_type": "group", "plan_appeal_days": 0},
        {"plan_type": "group", "plan_appeal_days": 90.5},
        {"plan_type": "individual", "appeal_levels": 2},
        {"plan_type": "group", "appeal_received": "2023-12-31"},
        {"plan_type": "group", "final_denial_date": "not a date"},
    ],
)
def test_bad_options(kwargs) -> None:
    with pytest.raises(ConfigurationError):
        appeal_deadlines("2024-01-10", **kwargs)


def test_bad_denial_date() -> None:
    with pytest.raises(ConfigurationError, match="denial_date must be a date"):
        appeal_deadlines("10/01/2024", plan_type="group")
