"""The complaint letter as a regulator reads it: first paragraph, identifiers, no repeats."""

from __future__ import annotations

import re

import pytest
from letter_cases import LETTER_PLAN_TYPES, context

from paritykit.analysis.jurisdiction import regulators_for
from paritykit.evidence.letters import render_complaint_letter
from paritykit.regulators import find_regulators

RELIEF = ("reprocess", "refund", "comparative analyses", "reply to me in writing")


def paragraphs(markdown: str) -> list[str]:
    """Blocks and list items, whitespace-normalised (a table row counts as one paragraph)."""
    out = []
    for block in markdown.split("\n\n"):
        for part in re.split(r"\n(?=\d+\. |- |\| )", block):
            text = " ".join(part.split())
            if text:
                out.append(re.sub(r"^\d+\. ", "", text))
    return out


def first_paragraph(markdown: str) -> str:
    blocks = [b for b in markdown.split("\n\n") if b.strip()]
    start = next(i for i, b in enumerate(blocks) if b.startswith("Dear "))
    return " ".join(blocks[start + 1].split())


@pytest.mark.parametrize("plan_type", LETTER_PLAN_TYPES)
def test_no_paragraph_appears_twice(plan_type: str) -> None:
    text = render_complaint_letter(context(plan_type))
    seen = [p for p in paragraphs(text) if len(p) > 40]
    repeated = {p for p in seen if seen.count(p) > 1}
    assert not repeated
    # nor a sentence of 60 characters or more within the findings
    findings = text.split("## 3. Findings", 1)[1].split("## 4.", 1)[0]
    sentences = [
        s
        for s in re.split(r"(?<=[.?!])\s+", " ".join(findings.split()))
        if len(s) > 60 and not s.startswith("Provision:")  # a finding's own citation line
    ]
    assert len(sentences) == len(set(sentences))


@pytest.mark.parametrize("plan_type", LETTER_PLAN_TYPES)
def test_first_paragraph_has_the_numbers_and_the_relief(plan_type: str) -> None:
    first = first_paragraph(render_complaint_letter(context(plan_type)))
    assert "denied 1.8 times as often as M/S claims: 18.3% against 10.3%" in first
    for word in RELIEF:
        assert word in first, word


@pytest.mark.parametrize("plan_type", LETTER_PLAN_TYPES)
def test_no_p_values_reach_the_letter(plan_type: str) -> None:
    text = render_complaint_letter(context(plan_type))
    assert not re.search(r"\bp\s*(?:\\?<|=|>)\s*\d", text)
    assert "8e-271" not in text and "p-value" not in text


def test_identifier_block_has_placeholders_and_given_values() -> None:
    text = render_complaint_letter(context("erisa_self_funded"))
    block = text.split("## 1.", 1)[1].split("## 2.", 1)[0]
    for label in (
        "Member ID",
        "Group number",
        "Policy number",
        "Sponsor's EIN",
        "Plan number",
        "Insurer (legal name) or claims administrator",
        "Claims (numbers and dates)",
    ):
        assert f"| {label} | [" in block, label
    given = render_complaint_letter(
        context(
            "erisa_self_funded",
            member_id="M123",
            sponsor_ein="12-3456789",
            claim_numbers="C1 (2026-01-05)",
        )
    )
    assert "| Member ID | M123 |" in given and "| Sponsor's EIN | 12-3456789 |" in given
    assert "C1 (2026-01-05)" in first_paragraph(given)


@pytest.mark.parametrize("plan_type", LETTER_PLAN_TYPES)
def test_letter_is_addressed_to_the_directory_regulator_with_an_address_line(
    plan_type: str,
) -> None:
    text = render_complaint_letter(context(plan_type))
    primary = next(r for r in regulators_for(context(plan_type).facts) if r.role == "primary")
    block = text.split("December", 1)[0] if "December" in text else text
    lines = text.split("March 2, 2026", 1)[1].split("**Subject", 1)[0].strip().splitlines()
    assert lines[0].rstrip("\\") == primary.name
    assert len(lines) >= 3  # name, an address line (or where to find it), contact line
    assert block
    if plan_type in ("erisa_insured", "individual"):
        assert primary.name == find_regulators("OH", "state_insurance")["name"].item()
        assert "Columbus, OH 43215" in text  # the directory's Ohio address


def test_blank_directory_address_prints_where_to_find_it() -> None:
    """Illinois: the directory has a complaint page but no mailing address."""
    ctx = context("individual")
    from letter_cases import facts

    plan = facts("individual", state="IL")
    regulators = regulators_for(plan)
    text = render_complaint_letter(
        type(ctx)(**{**ctx.__dict__, "facts": plan, "regulators": regulators})
    )
    url = find_regulators("IL", "state_insurance")["complaint_url"].item()
    assert f"[mailing address: see {url}]" in text.replace("\\", "")


@pytest.mark.parametrize("plan_type", LETTER_PLAN_TYPES)
def test_requests_are_unique_labelled_and_flag_the_2024_rule(plan_type: str) -> None:
    text = render_complaint_letter(context(plan_type))
    section = text.split("## 4.", 1)[1].split("## 5.", 1)[0]
    items = re.findall(r"^\d+\. (.+)$", section, flags=re.M)
    bodies = [i.split(" *Legal basis:*", 1)[0] for i in items]
    assert len(bodies) == len(set(bodies))
    for a in bodies:  # no item is another one with more words
        assert not [b for b in bodies if b != a and b.startswith(a.rstrip("."))]
    assert all("*Legal basis:*" in i and "*2024 rule:*" in i for i in items)
    if plan_type not in ("medicaid_managed_care", "chip"):
        flagged = [i for i in items if "time and distance" in i]
        assert flagged and all("*2024 rule:* partly" in i for i in flagged)


def test_enclosures_list_the_pack_and_the_authorization_form() -> None:
    text = render_complaint_letter(context("erisa_insured"))
    enclosures = text.split("**Enclosures**", 1)[1]
    for item in ("report.pdf", "evidence.xlsx", "denial letters", "(EOBs)", "plan documents",
                 "authorization\\_form.docx"):  # fmt: skip
        assert item in enclosures, item


def test_warning_signs_cite_the_departments_document_not_appendix_ii() -> None:
    text = render_complaint_letter(context("erisa_insured"))
    assert "Warning Signs - Plan or Policy NQTLs that Require Additional Analysis" in text
    assert "Appendix" not in text and "Self-Compliance Tool" not in text


def test_nqtl_rule_is_stated_once_and_the_2024_enforcement_status_with_hhs() -> None:
    text = render_complaint_letter(context("erisa_insured"))
    assert text.count("comparable to, and applied no more stringently than") == 1
    assert "HHS asked the states not to enforce" in " ".join(text.split())
