"""The payer scorecard's hidden counts cannot be recovered from what the workbook shows.

The issue's finding: every hidden denied count equalled claim lines minus paid lines in the same
row, and hidden denial-reason cells equalled the total minus the shown categories. The attacker
below reads the written workbook and subtracts along every margin it shows.
"""

from __future__ import annotations

import math

import pandas as pd
from openpyxl import load_workbook

from paritykit import columns as C
from paritykit.analysis.payers import ALL_PAYERS, DENIAL_CATEGORY_COLUMNS, payer_scorecard
from paritykit.evidence.payer_workbook import write_payer_workbook
from paritykit.evidence.workbook import read_tables


def _sheet(wb, name: str) -> pd.DataFrame:
    """The sheet's table as shown, under its tidy column names (the hidden row of names)."""
    frame = read_tables(wb[name])[0]
    return frame[frame[C.PLAN_ID].notna()]


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not math.isnan(value) else None


def test_no_hidden_denied_count_is_recovered_by_subtraction(practice_year, tmp_path) -> None:
    card = payer_scorecard(practice_year[2].claims)
    truth = card.to_frame()
    write_payer_workbook(card, tmp_path, inputs=[], suppress=True, command="test")
    wb = load_workbook(tmp_path / "payer_scorecard.xlsx")
    shown = _sheet(wb, "Scorecard")
    by_code = _sheet(wb, "By procedure")
    hidden = 0
    recovered = []
    for frame in (shown, by_code):
        for _, row in frame.iterrows():
            lines, denied, paid = (
                _number(row.get(c)) for c in (C.CLAIM_LINES, C.DENIED, C.PAID_LINES)
            )
            if denied is None and row.get(C.DENIED) is not None:
                hidden += 1
                if lines is not None and paid is not None:
                    recovered.append((row[C.PLAN_ID], lines - paid))
    assert hidden > 0  # the fixture has small denied counts, so the check is not empty
    assert recovered == []
    # payers add up to All payers: a hidden payer count is not the total minus the others
    payers = shown[shown[C.PLAN_ID] != ALL_PAYERS]
    total = shown[shown[C.PLAN_ID] == ALL_PAYERS]
    for column in (C.CLAIM_LINES, C.DENIED, C.PAID_LINES):
        if column not in shown.columns or total.empty:
            continue
        values = [_number(v) for v in payers[column]]
        if sum(v is None for v in values) == 1 and _number(total[column].iloc[0]) is not None:
            raise AssertionError(f"{column}: one hidden payer count = total minus the others")
    # denial reasons: one hidden category is never the total minus the shown ones
    reasons = _sheet(wb, "Denial reasons") if "Denial reasons" in wb.sheetnames else None
    if reasons is not None:
        cats = [c for c in DENIAL_CATEGORY_COLUMNS if c in reasons.columns]
        for _, row in reasons.iterrows():
            values = [_number(row[c]) for c in cats]
            gaps = [
                c for c, v in zip(cats, values, strict=True) if v is None and row[c] is not None
            ]
            if len(gaps) == 1 and _number(row.get(C.DENIED)) is not None:
                raise AssertionError(f"{row[C.PLAN_ID]}: {gaps[0]} = denied minus the others")
    assert len(truth) == len(shown) + len(by_code)
