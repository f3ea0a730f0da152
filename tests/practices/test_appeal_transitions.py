"""Each deadline transition of a logged denial, checked against the regulation's periods.

The periods, as the regulations state them:

- 29 CFR 2560.503-1(i)(2)(i): a group health plan decides an urgent care appeal "as soon as
  possible, taking into account the medical exigencies, but not later than 72 hours after
  receipt of the claimant's request for review".
- 29 CFR 2560.503-1(i)(2)(ii): a pre-service claim appeal "not later than 30 days after receipt
  by the plan of the claimant's request for review".
- 29 CFR 2560.503-1(i)(2)(iii)(A): a post-service claim appeal "not later than 60 days after
  receipt by the plan of the claimant's request for review".
- 45 CFR 147.136(d)(2)(i) and 29 CFR 2590.715-2719(d)(2)(i): a request for external review is
  filed "within four months after the date of receipt of a notice of an adverse benefit
  determination or final internal adverse benefit determination. If there is no corresponding
  date four months after the date of receipt of such a notice, then the request must be filed
  by the first day of the fifth month following the receipt of the notice. For example, if the
  date of receipt of the notice is October 30, because there is no February 30, the request
  must be filed by March 1."
- 29 CFR 2590.715-2719(d)(3): expedited external review, decided within 72 hours.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from paritykit import open_denials


def _claims(notice: str = "2023-10-02") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "claim_id": ["K1"],
            "plan_id": ["PAYER"],
            "status": ["denied"],
            "denial_reason": ["50"],
            "payment_date": pd.to_datetime([notice]),
        }
    )


def _log(*events: tuple[str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"claim_id": "K1", "plan_id": "PAYER", "event": e, "date": d, "outcome": o}
            for e, d, o in events
        ]
    )


def _row(log, as_of="2023-10-20", **kwargs):  # type: ignore[no-untyped-def]
    result = open_denials(_claims(), as_of=as_of, log=log, **kwargs)
    return result, (result.table.iloc[0].to_dict() if len(result.table) else None)


def test_no_event_keeps_the_180_day_filing_deadline() -> None:
    # 29 CFR 2560.503-1(h)(3)(i): at least 180 days following receipt of the notification
    _, row = _row(_log(("call", "2023-10-05", None)))
    assert row["appeal_stage"] == "denied"
    assert row["next_deadline"] == pd.Timestamp(dt.date(2023, 10, 2) + dt.timedelta(days=180))
    assert "called the payer on 2023-10-05" in row["note"]


@pytest.mark.parametrize(
    ("kwargs", "days"),
    [({}, 60), ({"service_type": "pre_service"}, 30), ({"urgent": True}, 3)],
    ids=["post-service 60 days", "pre-service 30 days", "urgent 72 hours"],
)
def test_appeal_filed_shows_when_the_decision_is_due(kwargs, days) -> None:  # type: ignore[no-untyped-def]
    _, row = _row(_log(("appeal_filed", "2023-10-10", None)), **kwargs)
    due = pd.Timestamp(dt.date(2023, 10, 10) + dt.timedelta(days=days))
    assert row["appeal_stage"] == "appeal filed"
    assert row["decision_due"] == due and row["next_deadline"] == due
    assert f"due {due:%Y-%m-%d}" in row["next_step"]
    assert "2560.503-1(i)(2)" in row["next_step"]
    assert "receipt of the appeal is taken as the appeal_filed date" in row["note"]


def test_overdue_decision_says_so() -> None:
    _, row = _row(_log(("appeal_filed", "2023-10-10", None)), as_of="2023-12-20")
    assert "overdue (due 2023-12-09" in row["next_step"]
    assert "2560.503-1(l)(1)" in row["next_step"]


def test_upheld_appeal_starts_the_four_month_window_from_the_decision() -> None:
    # the regulation's own example: a notice received October 30 gives March 1
    log = _log(("appeal_filed", "2023-10-10", None), ("appeal_decided", "2023-10-30", "upheld"))
    _, row = _row(log, as_of="2023-11-01")
    assert row["appeal_stage"] == "appeal upheld"
    assert row["final_denial_date"] == pd.Timestamp("2023-10-30")
    assert row["external_review_deadline"] == pd.Timestamp("2024-03-01")
    assert row["next_deadline"] == pd.Timestamp("2024-03-01")
    assert "request external review by 2024-03-01" in row["next_step"]


def test_same_day_four_months_later() -> None:
    log = _log(("appeal_filed", "2023-10-10", None), ("appeal_decided", "2023-11-14", "partial"))
    _, row = _row(log, as_of="2023-11-20")
    assert row["appeal_stage"] == "appeal partly upheld"
    assert row["external_review_deadline"] == pd.Timestamp("2024-03-14")  # a Thursday


def test_urgent_upheld_appeal_points_to_expedited_external_review() -> None:
    log = _log(("appeal_filed", "2023-10-10", None), ("appeal_decided", "2023-10-12", "upheld"))
    _, row = _row(log, urgent=True)
    assert "expedited external review" in row["next_step"]
    assert "2590.715-2719(d)(3)" in row["next_step"]


def test_passed_external_review_window_leaves_the_list_with_its_reason() -> None:
    log = _log(("appeal_filed", "2023-10-10", None), ("appeal_decided", "2023-10-30", "upheld"))
    result, row = _row(log, as_of="2024-03-02")
    assert row is None
    assert result.excluded["reason"].tolist() == [
        "external review request deadline has passed (2024-03-01)"
    ]


@pytest.mark.parametrize(
    ("events", "reason"),
    [
        (
            [("appeal_filed", "2023-10-10", None), ("appeal_decided", "2023-10-15", "overturned")],
            "appeal overturned on 2023-10-15",
        ),
        (
            [
                ("appeal_filed", "2023-10-03", None),
                ("appeal_decided", "2023-10-05", "upheld"),
                ("external_review_requested", "2023-10-06", None),
                ("external_review_decided", "2023-10-18", "upheld"),
            ],
            "external review decided on 2023-10-18 (upheld)",
        ),
    ],
    ids=["appeal overturned", "external review decided"],
)
def test_decided_claims_leave_the_open_list(events, reason) -> None:  # type: ignore[no-untyped-def]
    result, row = _row(_log(*events))
    assert row is None
    assert result.excluded["reason"].iloc[0].startswith(reason)


def test_external_review_requested_waits_for_the_decision() -> None:
    log = _log(
        ("appeal_filed", "2023-10-03", None),
        ("appeal_decided", "2023-10-05", "upheld"),
        ("external_review_requested", "2023-10-06", None),
    )
    _, row = _row(log)
    assert row["appeal_stage"] == "external review requested"
    assert row["next_step"] == "await the external review decision"


def test_events_after_the_as_of_day_are_not_applied() -> None:
    log = _log(("appeal_filed", "2023-10-10", None), ("appeal_decided", "2023-11-30", "overturned"))
    _, row = _row(log, as_of="2023-10-20")
    assert row["appeal_stage"] == "appeal filed"
    assert "is after the as-of date and not applied" in row["note"]


def test_without_a_log_the_table_is_unchanged() -> None:
    from paritykit.analysis.denials import OPEN_DENIAL_COLUMNS

    result = open_denials(_claims(), as_of="2023-10-20")
    assert list(result.table.columns) == list(OPEN_DENIAL_COLUMNS)
