"""``paritykit request``: the disclosure request to the plan, by plan type."""

from __future__ import annotations

import datetime as dt

import docx
import pandas as pd
import pytest
from click.testing import CliRunner
from letter_cases import facts

from paritykit.cli import cli
from paritykit.evidence.request_letter import draft_request_letter

DAY = dt.date(2026, 3, 2)


def test_erisa_request_gives_each_item_its_basis_and_period() -> None:
    letter = draft_request_letter(facts("erisa_self_funded"), prepared_on=DAY)
    items = {i.key: i for i in letter.items}
    assert "29 U.S.C. 1024(b)(4)" in items["plan_documents"].basis
    assert items["plan_documents"].period.startswith("30 days")
    assert "29 U.S.C. 1132(c)(1)" in items["plan_documents"].period
    assert items["sbc"].period == "7 business days from the request"
    assert items["claim_documents"].basis.startswith("29 CFR 2560.503-1(h)(2)(iii)")
    assert items["analyses"].rule_2024.startswith("partly")
    assert "29 CFR 2590.712-1" in items["analyses"].basis
    text = letter.markdown
    assert text.count("*Legal basis:*") == len(letter.items)
    assert text.count("*Response period:*") == len(letter.items)
    assert "Plan Administrator, Acme Gold PPO" in text


@pytest.mark.parametrize(
    ("plan_type", "relevant"),
    [
        ("individual", "45 CFR 147.136(b)(3)"),
        ("non_federal_governmental", "45 CFR 147.136(b)(2)"),
        ("medicaid_managed_care", "42 CFR 438.406(b)(5)"),
        ("chip", "42 CFR 457.1260"),
    ],
)
def test_claim_documents_are_asked_for_under_the_plan_types_rule(
    plan_type: str, relevant: str
) -> None:
    letter = draft_request_letter(facts(plan_type), prepared_on=DAY)
    (claims,) = [i for i in letter.items if i.key == "claim_documents"]
    assert claims.basis == relevant
    if plan_type in ("medicaid_managed_care", "chip"):
        assert "2560.503-1" not in letter.markdown and "ERISA" not in letter.markdown


def test_payments_item_only_when_the_test_depends_on_payments() -> None:
    plain = pd.DataFrame(
        {"classification": ["inpatient_in_network"], "requirement_type": ["copay"]}
    )
    without = draft_request_letter(facts("erisa_insured"), qtl_results=plain, prepared_on=DAY)
    assert "payments" not in [i.key for i in without.items]
    screened = plain.assign(screening=["depends_on_payments"], screening_condition=["x"])
    with_it = draft_request_letter(facts("erisa_insured"), qtl_results=screened, prepared_on=DAY)
    assert "payments" in [i.key for i in with_it.items]
    assert with_it.payments_classifications == ("inpatient in network, copay",)
    assert "inpatient in network, copay" in with_it.markdown


def test_cli_writes_letter_and_authorization_form(tmp_path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "plan_name: Acme Gold PPO\nplan_type: individual\nstate: TX\nplan_year: 2026\n"
        "administrator: Lone Star Health Insurance Co.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["request", "--plan", str(plan), "--out", str(out), "--date", "2026-03-02"]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "authorization_form.docx",
        "authorization_form.md",
        "request_letter.docx",
        "request_letter.md",
    ]
    text = "\n".join(p.text for p in docx.Document(out / "request_letter.docx").paragraphs)
    assert "Lone Star Health Insurance Co." in text and "45 CFR 146.136(d)(1)" in text
    fehb = tmp_path / "fehb.yaml"
    fehb.write_text("plan_name: X\nplan_type: fehb\nstate: TX\nplan_year: 2026\n", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["request", "--plan", str(fehb), "--out", str(out)])
    assert refused.exit_code == 1 and "OPM" in refused.output
