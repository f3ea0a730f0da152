"""The pattern complaint: its numbers are the scorecard's, its regulator the directory's."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from paritykit import pattern_complaint, payer_scorecard
from paritykit.errors import ConfigurationError
from paritykit.evidence.payer_workbook import suppress_scorecard

PAYER = "SAMPLE HEALTH INSURANCE"
DAY = dt.date(2025, 1, 15)


@pytest.fixture(scope="module")
def lines(practice_year):  # type: ignore[no-untyped-def]
    return practice_year[2].claims


@pytest.fixture(scope="module")
def log(practice_year):  # type: ignore[no-untyped-def]
    from paritykit import synthetic_appeal_log

    return synthetic_appeal_log(practice_year[0], seed=5)


@pytest.fixture(scope="module")
def complaint(lines, log):  # type: ignore[no-untyped-def]
    return pattern_complaint(lines, payer=PAYER, log=log, state="OH", prepared_on=DAY)


def _payer_row(lines: pd.DataFrame) -> dict:
    table = suppress_scorecard(payer_scorecard(lines).to_frame())
    return table[(table["grouping"] == "payer") & (table["plan_id"] == PAYER)].iloc[0].to_dict()


def test_letter_numbers_equal_the_scorecard(lines, complaint) -> None:  # type: ignore[no-untyped-def]
    row = _payer_row(lines)
    text = complaint.markdown
    assert (
        f"with {int(row['claim_lines']):,} claim lines" in text
        and f"It denied {int(row['denied']):,} of those lines: {row['denial_rate']:.1%} of them "
        f"(95% interval {row['denial_rate_low']:.1%} to {row['denial_rate_high']:.1%})"
        in text
    )
    assert (
        f"together denied {int(row['other_payers_denied']):,} of "
        f"{int(row['other_payers_claim_lines']):,} lines, or "
        f"{row['other_payers_denial_rate']:.1%}" in text
    )
    assert f"{row['rate_ratio']:.2f} times as often" in text
    assert f"interval {row['rate_ratio_low']:.2f} to {row['rate_ratio_high']:.2f}" in text
    assert complaint.figures["denied"] == row["denied"]


def test_reason_and_procedure_tables_are_the_scorecards(lines, complaint) -> None:  # type: ignore[no-untyped-def]
    table = suppress_scorecard(payer_scorecard(lines).to_frame())
    procs = table[(table["grouping"] == "payer_procedure") & (table["plan_id"] == PAYER)]
    for rec in procs.to_dict("records"):
        lines_text = "suppressed" if pd.isna(rec["claim_lines"]) else f"{int(rec['claim_lines']):,}"
        assert re.search(rf"\| {rec['procedure_code']} \| {lines_text} \|", complaint.markdown)
    assert "| no prior authorization or referral |" in complaint.markdown


def test_p_values_only_in_the_report(complaint) -> None:  # type: ignore[no-untyped-def]
    from paritykit.evidence.pattern_complaint import render_pattern_report

    assert "p-value" not in complaint.markdown and "p =" not in complaint.markdown
    assert "chi" not in complaint.markdown.lower()
    report = render_pattern_report(complaint)
    assert "p-value" in report and "pearson_chi_square" in report


def test_letter_rules(complaint) -> None:  # type: ignore[no-untyped-def]
    text = complaint.markdown
    paragraphs = [p.strip() for p in text.split("\n\n") if len(p.strip()) > 40]
    assert len(paragraphs) == len(set(paragraphs)), "no paragraph is repeated"
    assert "**Enclosed:**" in text and r"pattern\_report.pdf" in text
    assert "evidence, not legal advice" in text
    assert not re.search(r"\bviolat(es|ed|ing)\b|\bin violation of\b", text)
    assert "January 15, 2025" in text


def test_calls_and_appeals_from_the_log(log, complaint) -> None:  # type: ignore[no-untyped-def]
    mine = log[log["plan_id"] == PAYER]
    call = mine[mine["event"] == "call"].iloc[0]
    assert f"| {call['date']} | call to the payer | {call['claim_id']} | " in complaint.markdown
    assert call["representative"] in complaint.markdown
    assert call["reference_number"] in complaint.markdown
    assert len(complaint.events) == len(mine)
    assert f"records {int((mine['event'] == 'call').sum())} call(s)" in complaint.markdown


def test_regulator_by_plan_type_from_the_directory(lines) -> None:  # type: ignore[no-untyped-def]
    from paritykit.regulators import ebsa_office_for, find_regulators

    insured = pattern_complaint(lines, payer=PAYER, state="TX", prepared_on=DAY)
    doi = find_regulators("TX", "state_insurance").iloc[0]
    assert insured.regulator["name"] == doi["name"]
    assert doi["po_box"] in insured.markdown and "78714-9104" in insured.markdown
    assert "cc: " in insured.markdown  # EBSA copied for an insured employer plan
    self_funded = pattern_complaint(
        lines, payer=PAYER, state="TX", plan_type="erisa_self_funded", prepared_on=DAY
    )
    assert self_funded.regulator["name"] == ebsa_office_for("TX")["name"]
    governmental = pattern_complaint(
        lines, payer=PAYER, plan_type="non_federal_governmental", prepared_on=DAY
    )
    assert governmental.regulator["kind"] == "cms"
    no_state = pattern_complaint(lines, payer=PAYER, prepared_on=DAY)
    assert "pass --state" in no_state.markdown
    with pytest.raises(ConfigurationError, match="FEHB"):
        pattern_complaint(lines, payer=PAYER, plan_type="fehb")
    with pytest.raises(ConfigurationError, match="did you mean 'SAMPLE HEALTH INSURANCE'"):
        pattern_complaint(lines, payer="SAMPLE HEALTH INSURANC")


def test_writes_letter_and_report(tmp_path, complaint) -> None:  # type: ignore[no-untyped-def]
    from paritykit.evidence.pattern_complaint import write_pattern_complaint

    written = write_pattern_complaint(complaint, tmp_path)
    assert [p.name for p in written] == [
        "pattern_complaint.md",
        "pattern_complaint.docx",
        "pattern_report.pdf",
    ]
    assert written[2].read_bytes()[:5] == b"%PDF-"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".paritykit-staging")]


def test_small_payer_counts_are_withheld_in_words() -> None:
    rows = []
    for i in range(300):
        payer = "SMALL PAYER" if i < 40 else "BIG PAYER"
        denied = (i < 3) or (i >= 40 and i % 9 == 0)
        rows.append(
            {
                "claim_id": f"C{i}",
                "plan_id": payer,
                "status": "denied" if denied else "paid",
                "denial_reason": "50" if denied else None,
                "procedure_code": "90837",
                "service_date": pd.Timestamp("2024-02-01"),
                "payment_date": pd.Timestamp("2024-03-01"),
                "paid_amount": 0.0 if denied else 100.0,
            }
        )
    letter = pattern_complaint(pd.DataFrame(rows), payer="SMALL PAYER", prepared_on=DAY).markdown
    assert "It denied fewer than 11 of those lines; the rate is withheld" in letter
    assert "suppressed of them" not in letter
    assert "How much more often the payer denies is withheld" in letter
