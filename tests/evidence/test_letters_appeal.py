"""The appeal letter as the payer reads it, and the practice sheet that stays behind."""

from __future__ import annotations

import datetime as dt

import docx
import pandas as pd
import pytest

from paritykit.evidence.appeal_letter import draft_appeal_letter, write_appeal_letter


def _lines() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "claim_id": ["A"],
            "line_number": [1],
            "plan_id": ["P1"],
            "status": ["denied"],
            "denial_reason": ["50"],
            "procedure_code": ["90837"],
            "billed_amount": [200.0],
            "paid_amount": [0.0],
            "service_date": pd.to_datetime(["2026-01-05"]),
            "payment_date": pd.to_datetime(["2026-01-20"]),
        }
    )


@pytest.mark.parametrize(
    ("plan_type", "relevant"),
    [
        ("erisa_insured", "29 CFR 2560.503-1(h)(2)(iii)"),
        ("erisa_self_funded", "29 CFR 2560.503-1(h)(2)(iii)"),
        ("non_federal_governmental", "45 CFR 147.136(b)(2)"),
        ("individual", "45 CFR 147.136(b)(3)"),
    ],
)
def test_relevant_documents_are_requested_for_every_plan_type(
    plan_type: str, relevant: str
) -> None:
    text = draft_appeal_letter(
        _lines(), plan_type=plan_type, prepared_on=dt.date(2026, 2, 1)
    ).markdown  # type: ignore[arg-type]
    line = next(x for x in text.splitlines() if "documents, records and other information" in x)
    assert relevant in line
    if plan_type in ("non_federal_governmental", "individual"):
        assert "29 CFR 2590.712" not in text  # the ERISA regulation does not bind these plans
        assert "45 CFR 146.136(c)(4)(i)" in text


def test_letter_is_payer_facing_only() -> None:
    letter = draft_appeal_letter(_lines(), prepared_on=dt.date(2026, 2, 1))
    for practice_only in ("Tick each item", "LOCUS", "payer scorecard", "succeed", "days ago"):
        assert practice_only not in letter.markdown
        assert practice_only in letter.practice_sheet or practice_only in ("succeed", "days ago")
    assert "authorization\\_form.docx" in letter.markdown.split("Enclosures:")[1]


def test_letter_says_when_the_deadline_has_passed() -> None:
    late = draft_appeal_letter(_lines(), prepared_on=dt.date(2027, 1, 1)).markdown
    assert "ended on **July 19, 2026**, before this letter" in late
    timely = draft_appeal_letter(_lines(), prepared_on=dt.date(2026, 2, 1)).markdown
    assert "ends on **July 19, 2026**" in timely and "before this letter" not in timely


def test_written_files_and_signature_block_kept_together(tmp_path) -> None:
    letter = draft_appeal_letter(_lines(), prepared_on=dt.date(2026, 2, 1))
    names = [p.name for p in write_appeal_letter(letter, tmp_path)]
    assert names == [
        "appeal_letter_A.md",
        "appeal_letter_A.docx",
        "appeal_practice_sheet_A.md",
        "appeal_practice_sheet_A.docx",
        "authorization_form.md",
        "authorization_form.docx",
    ]
    paragraphs = docx.Document(tmp_path / "appeal_letter_A.docx").paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Sincerely,"))
    block = paragraphs[start - 1 : start + 2]  # the request, "Sincerely," and the signature
    assert block[2].text.startswith("[Signature]")
    assert all(p.paragraph_format.keep_with_next for p in block[:-1])
    assert all(p.paragraph_format.keep_together for p in block)
    assert not paragraphs[start - 3].paragraph_format.keep_with_next
    assert not paragraphs[start + 2].paragraph_format.keep_with_next
