"""Open denials with deadlines, and the drafted appeal letter."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from paritykit import ConfigurationError, draft_appeal_letter, open_denials
from paritykit import columns as C
from paritykit.evidence.appeal_letter import DISCLAIMER_PHRASE


def _lines() -> pd.DataFrame:
    return pd.DataFrame(
        {
            C.CLAIM_ID: ["A", "A", "B", "C", "D"],
            C.LINE_NUMBER: [1, 2, 1, 1, 1],
            C.PLAN_ID: ["P1", "P1", "P1", "P2", "P2"],
            C.STATUS: ["denied", "denied", "paid", "denied", "denied"],
            C.DENIAL_REASON: ["50", "50", None, "197", "16"],
            C.PROCEDURE_CODE: ["H0015", "H0015", "90837", "90837", "90834"],
            C.BILLED_AMOUNT: [220.0, 220.0, 200.0, 200.0, 150.0],
            C.SERVICE_DATE: pd.to_datetime(
                ["2024-02-01", "2024-02-02", "2024-02-01", "2024-01-10", "2023-06-01"]
            ),
            C.PAYMENT_DATE: pd.to_datetime(
                ["2024-02-29", "2024-02-29", "2024-02-20", "2024-01-31", "2023-07-01"]
            ),
            C.DENIAL_DATE: pd.to_datetime([None, None, None, "2024-01-25", None]),
        }
    )


def test_open_denials_soonest_first_with_days_left() -> None:
    result = open_denials(_lines(), as_of="2024-06-01")
    table = result.table
    # C: denial_date 2024-01-25 wins over the payment date; +180 days = 2024-07-23
    # A: leap-year February 29 + 180 days = 2024-08-27; both lines of A share one row
    assert table[C.CLAIM_ID].tolist() == ["C", "A"]
    assert table[C.APPEAL_DEADLINE].dt.strftime("%Y-%m-%d").tolist() == ["2024-07-23", "2024-08-27"]
    assert table[C.DAYS_LEFT].tolist() == [52, 87]
    assert table[C.NOTICE_DATE_SOURCE].tolist() == ["denial_date", "payment_date (remittance date)"]
    assert table.loc[1, C.LINES] == 2 and table.loc[1, C.BILLED_AMOUNT] == 440.0
    assert table[C.CARC_CATEGORY].tolist() == ["authorization", "medical_necessity"]
    # D's deadline (2023-12-28) has passed: not listed, but counted
    assert result.excluded[C.CLAIM_ID].tolist() == ["D"]
    expired = open_denials(_lines(), as_of="2024-06-01", include_expired=True).table
    assert expired.loc[0, C.CLAIM_ID] == "D" and expired.loc[0, C.DAYS_LEFT] < 0


def test_plan_appeal_days_and_plan_types() -> None:
    longer = open_denials(_lines(), as_of="2024-06-01", plan_appeal_days=365).table
    assert longer.set_index(C.CLAIM_ID).loc["C", C.APPEAL_DEADLINE] == pd.Timestamp("2025-01-24")
    with pytest.raises(ConfigurationError, match=r"438\.402"):
        open_denials(_lines(), as_of="2024-06-01", plan_type="medicaid_managed_care")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"unknown plan type .hmo.; use one of erisa_"):
        open_denials(_lines(), as_of="2024-06-01", plan_type="hmo")  # type: ignore[arg-type]


def test_letter_has_facts_deadline_placeholders_and_disclaimer() -> None:
    letter = draft_appeal_letter(_lines(), claim_id="A", prepared_on=dt.date(2024, 3, 1))
    text = letter.markdown
    assert DISCLAIMER_PHRASE in text
    for fact in ("| Claim number | A |", "H0015", "$440.00", "50", "not medically necessary"):
        assert fact in text
    assert "**August 27, 2024**" in text
    for cite in ("29 CFR 2590.712(d)(1)", "29 CFR 2590.712(d)(2)", "29 U.S.C. 1185a(a)(8)"):
        assert cite in text
    sheet = letter.practice_sheet  # the checklist is the practice's, not the payer's
    assert "LOCUS" in sheet and "ASAM" in sheet
    assert "LOCUS" not in text and "Tick each item" not in text
    assert "succeed" not in text + sheet  # no unsourced success-rate lines
    assert "[patient's name]" in text and "[member ID]" in text
    assert len(letter.placeholders) >= 12  # the checklist placeholders are on the sheet


def test_letter_never_invents_clinical_facts() -> None:
    letter = draft_appeal_letter(_lines(), claim_id="C", prepared_on=dt.date(2024, 3, 1))
    text = letter.markdown
    # no diagnosis in the data: none in the letter, only the placeholder
    assert not re.search(r"\bF\d{2}", text + letter.practice_sheet)
    assert "Diagnosis code(s) on the claim" not in text
    # every checklist and clinician-letter item (on the practice sheet) is a placeholder
    sections = re.split(r"^## ", letter.practice_sheet, flags=re.M)
    clinical = [s for s in sections if s.startswith(("2.", "3."))]
    items = [
        line
        for s in clinical
        for line in s.splitlines()
        if line.startswith("- ")
        and "(section 3)" not in line  # a cross-reference, not a fact
        and "authorization\\_form" not in line  # the form to enclose, not a fact
    ]
    assert len(items) >= 12
    assert all(re.search(r"\[[^\] ][^\]]*\]", line) for line in items)
    assert "prior authorization" in text  # CARC 197: the authorization paragraph and NQTL


def test_letter_needs_one_denied_claim() -> None:
    with pytest.raises(ConfigurationError, match="pass claim_id"):
        draft_appeal_letter(_lines())
    with pytest.raises(ConfigurationError, match="no denied line"):
        draft_appeal_letter(_lines(), claim_id="B")
    with pytest.raises(ConfigurationError, match="not in the data"):
        draft_appeal_letter(_lines(), claim_id="Z")
