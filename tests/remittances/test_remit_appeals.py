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


def test_external_review_needs_the_final_internal_denial() -> None:
    # Without the final internal denial no date is given (a date counted from the first denial
    # would already have passed by the time the appeal is decided).
    d = appeal_deadlines("2023-10-30", plan_type="individual", as_of="2026-01-05")
    assert d.external_review_deadline is None and d.external_review_from is None
    assert d.external_review_window == "4 months after the final internal denial"
    row = d.to_frame().set_index(C.DEADLINE).loc["external_review_request"]
    assert pd.isna(row[C.DUE_DATE])
    assert row[C.DEADLINE_STATUS] == "4 months after the final internal denial"
    assert "final_denial_date" in row[C.NOTE]
    assert row[C.CITATION] == "45 CFR 147.136(d)(2)(i)"
    # with it: the regulation's own example, October 30 -> March 1
    final = appeal_deadlines("2023-10-30", plan_type="individual", final_denial_date="2023-10-30")
    row = final.to_frame().set_index(C.DEADLINE).loc["external_review_request"]
    assert row[C.DUE_DATE] == pd.Timestamp("2024-03-01")
    assert "first day of the fifth month" in row[C.NOTE]


def test_passed_deadline_says_passed_on_date_and_days_ago() -> None:
    # 2023-09-03 + 180 days = 2024-03-01; 2024-03-01 -> 2026-06-11 is 365 + 365 + 102 days
    d = appeal_deadlines("2023-09-03", plan_type="erisa_self_funded", as_of="2026-06-11")
    row = d.to_frame().set_index(C.DEADLINE).loc["internal_appeal_filing"]
    assert row[C.DEADLINE_STATUS] == "passed on 2024-03-01 (832 days ago)"
    assert row[C.DAYS_LEFT] == -832
    assert "passed on 2024-03-01 (832 days ago)" in d.summary()
    assert "-832" not in d.summary()
    soon = appeal_deadlines("2023-09-03", plan_type="erisa_self_funded", as_of="2024-02-29")
    assert soon.to_frame()[C.DEADLINE_STATUS].iloc[0] == "1 day left (due 2024-03-01)"
    today = appeal_deadlines("2023-09-03", plan_type="erisa_self_funded", as_of="2024-03-01")
    assert today.to_frame()[C.DEADLINE_STATUS].iloc[0] == "due today (2024-03-01)"


@pytest.mark.parametrize(
    ("plan_type", "citation"),
    [
        ("erisa_insured", "29 CFR 2590.715-2719(d)(3)"),
        ("individual", "45 CFR 147.136(d)(3)"),
        ("non_federal_governmental", "45 CFR 147.136(d)(3)"),
    ],
)
def test_expedited_external_review_is_listed(plan_type: str, citation: str) -> None:
    frame = appeal_deadlines("2024-01-10", plan_type=plan_type).to_frame().set_index(C.DEADLINE)
    row = frame.loc["expedited_external_review"]
    assert row[C.PERIOD] == "72 hours" and row[C.CITATION] == citation
    assert "urgent" in row[C.NOTE] and "independent review organization" in row[C.COUNTED_FROM]
    grandfathered = appeal_deadlines("2024-01-10", plan_type="erisa_insured", grandfathered=True)
    assert "expedited_external_review" not in set(grandfathered.to_frame()[C.DEADLINE])


def test_grandfathered_plans_have_no_federal_external_review() -> None:
    d = appeal_deadlines("2024-01-10", plan_type="grandfathered_group")
    assert d.external_review_deadline is None and d.grandfathered
    assert any("grandfathered" in n for n in d.notes)
    same = appeal_deadlines("2024-01-10", plan_type="erisa_self_funded", grandfathered=True)
    assert same.to_frame()[C.CITATION].tolist() == d.to_frame()[C.CITATION].tolist()
    # no federal claims rule for grandfathered coverage that is not an ERISA plan
    with pytest.raises(ConfigurationError, match="does not apply to grandfathered plans"):
        appeal_deadlines("2024-01-10", plan_type="individual", grandfathered=True)


@pytest.mark.parametrize(
    ("plan_type", "match"),
    [
        ("fehb", r"carrier .*reconsider.*OPM.*5 CFR 890\.105; paritykit does not"),
        ("FEHBP", r"5 CFR 890\.105"),
        ("church", r"outside ERISA.*26 CFR 54\.9815-2719.*plan administrator"),
        ("church plan", r"29 U\.S\.C\. 1003\(b\)\(2\)"),
        ("medicaid_managed_care", r"42 CFR 438\.402"),
        ("chip", r"42 CFR 457\.1260"),
        ("hmo", r"unknown plan type 'hmo'.*use one of erisa_insured, erisa_self_funded"),
    ],
)
def test_plans_with_other_appeal_rules_are_refused_saying_where_to_turn(plan_type, match) -> None:
    with pytest.raises(ConfigurationError, match=match):
        appeal_deadlines("2024-01-10", plan_type=plan_type)


def test_one_plan_type_vocabulary() -> None:
    # plan-facts names, aliases and the older appeal names give the same deadlines
    rows = [
        appeal_deadlines("2024-01-10", plan_type=p).to_frame()[C.DUE_DATE].tolist()
        for p in ("erisa_insured", "erisa_self_funded", "group", "ERISA self-funded")
    ]
    assert all(r == rows[0] for r in rows)
    assert appeal_deadlines("2024-01-10", plan_type="ERISA self-funded").plan_type == (
        "erisa_self_funded"
    )


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
        "expedited_external_review",
    ]
    assert list(frame.columns) == [
        C.DEADLINE, C.DUE_DATE, C.PERIOD, C.START_DATE, C.COUNTED_FROM, C.CITATION, C.NOTE,
        C.DAYS_LEFT, C.DEADLINE_STATUS,
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
        {"plan_type": "group", "as_of": "01/02/2024"},
    ],
)
def test_bad_options(kwargs) -> None:
    with pytest.raises(ConfigurationError):
        appeal_deadlines("2024-01-10", **kwargs)


def test_bad_denial_date() -> None:
    with pytest.raises(ConfigurationError, match="denial_date must be a date"):
        appeal_deadlines("10/01/2024", plan_type="group")
