"""The appeal log contract: each bad row gives one clear message with its row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from paritykit import read_appeal_log
from paritykit.errors import DataValidationError

CLAIMS = pd.DataFrame(
    {
        "claim_id": ["A", "B", "C"],
        "plan_id": ["PAYER ONE", "PAYER ONE", "PAYER TWO"],
        "status": ["denied", "paid", "denied"],
        "denial_reason": ["50", None, "197"],
        "payment_date": pd.to_datetime(["2024-03-01", "2024-03-01", "2024-03-04"]),
    }
)
COLUMNS = ["claim_id", "payer", "event", "date", "outcome", "parity_cited"]
ROWS = [
    ["A", "PAYER ONE", "call", "2024-03-05", None, None],  # 1 good
    ["Z", "PAYER ONE", "call", "2024-03-05", None, None],  # 2 unknown claim id
    ["A", "PAYER ONE", "appeal_filed", "2024-02-01", None, None],  # 3 before the denial
    ["A", "PAYER ONE", "apeal_filed", "2024-03-10", None, None],  # 4 unknown event
    ["A", "PAYER ONE", "appeal_decided", "2024-04-01", "maybe", None],  # 5 unknown outcome
    ["A", "PAYER ONE", "call", "2024-03-05", None, None],  # 6 duplicate of row 1
    ["C", "PAYER TWO", "appeal_decided", "2024-04-01", "upheld", None],  # 7 out of order
    ["B", "PAYER ONE", "call", "2024-03-05", None, None],  # 8 never denied
    ["A", "PAYER TWO", "call", "2024-03-06", None, None],  # 9 another payer
    ["A", "PAYER ONE", "appeal_filed", "2024-03-10", None, "maybe"],  # 10 not yes/no
    ["A", "PAYER ONE", "appeal_filed", "2024-13-40", None, None],  # 11 not a date
]
EXPECTED = {  # row -> (column, words in the problem)
    2: ("claim_id", "unknown claim id"),
    3: ("date", "before the claim's denial (2024-03-01)"),
    4: ("event", "unknown event (did you mean 'appeal_filed'?)"),
    5: ("outcome", "unknown outcome"),
    6: (None, "duplicate: repeats row 1"),
    7: ("event", "out of order"),
    8: ("claim_id", "no denial"),
    9: ("plan_id", "payer differs from the remittances' payer 'PAYER ONE'"),
    10: ("parity_cited", "not yes or no"),
    11: ("date", "not a date"),
}


def _log(tmp_path=None):
    frame = pd.DataFrame(ROWS, columns=COLUMNS)
    if tmp_path is None:
        return read_appeal_log(frame, claims=CLAIMS)
    path = tmp_path / "log.csv"
    frame.to_csv(path, index=False)
    return read_appeal_log(path, claims=CLAIMS)


def test_one_message_per_bad_row_with_row_and_column() -> None:
    log = _log()
    problems = log.excluded
    assert sorted(problems["row"].tolist()) == sorted(EXPECTED)  # exactly one problem each
    for rec in problems.to_dict("records"):
        column, words = EXPECTED[int(rec["row"])]
        assert (rec["column"] if isinstance(rec["column"], str) else None) == column
        assert words in rec["problem"], rec
        assert rec["expected"], "each problem says what to do"
        assert rec["file"] == "<DataFrame>"
    assert log.events["source_row"].tolist() == [1]  # only the good row is kept
    assert log.excluded_rows == tuple(sorted(EXPECTED))


def test_rows_are_spreadsheet_rows_in_a_csv(tmp_path) -> None:
    log = _log(tmp_path)
    assert log.excluded_rows == tuple(r + 1 for r in sorted(EXPECTED))  # header is row 1
    line = next(t for t in log.problem_lines() if "unknown event" in t)
    assert line.startswith(f"{tmp_path / 'log.csv'}, row 5, column 'event' = 'apeal_filed'")


def test_summary_counts_every_excluded_row() -> None:
    text = _log().summary()
    assert "1 event(s) kept" in text and "10 row(s) excluded" in text
    assert len(text.splitlines()) == 1 + len(EXPECTED)


def test_missing_required_column_stops_with_its_name() -> None:
    frame = pd.DataFrame({"claim_id": ["A"], "payer": ["PAYER ONE"], "date": ["2024-03-05"]})
    with pytest.raises(DataValidationError, match="required column 'event' is missing"):
        read_appeal_log(frame)


def test_decision_needs_outcome_and_other_events_none() -> None:
    frame = pd.DataFrame(
        {
            "claim_id": ["A", "A", "A"],
            "plan_id": ["P"] * 3,
            "event": ["appeal_filed", "appeal_decided", "call"],
            "date": ["2024-03-02", "2024-04-01", "2024-04-02"],
            "outcome": [None, "pending", "overturned"],
        }
    )
    log = read_appeal_log(frame)
    assert log.excluded["row"].tolist() == [2, 3]
    assert "needs the decision's outcome" in log.excluded["problem"].iloc[0]
    assert "belongs on a decision row" in log.excluded["problem"].iloc[1]


def test_template_reads_back(tmp_path) -> None:
    from paritykit.evidence.appeal_log_template import write_appeal_log_template

    for name in ("log.xlsx", "log.csv"):
        log = read_appeal_log(write_appeal_log_template(tmp_path / name))
        assert log.excluded.empty
        assert log.events["event"].tolist() == ["call", "appeal_filed", "appeal_decided"]
        assert bool(log.events["parity_cited"].iloc[1]) is True
