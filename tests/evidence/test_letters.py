"""Complaint letter: addressee by plan type, findings, placeholders, wording, DOCX, atomicity."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import docx
import pandas as pd
import pytest

from paritykit.analysis.jurisdiction import regulators_for
from paritykit.errors import DataValidationError
from paritykit.evidence.documents import markdown_to_docx
from paritykit.evidence.letters import (
    ComplaintContext,
    render_complaint_letter,
    write_complaint_letter,
)
from paritykit.load.plan_facts import read_plan_facts

PREPARED_ON = dt.date(2026, 3, 2)
DATE_LINE = "March 2, 2026"
DISCLAIMER = "evidence, not legal advice."

EXHIBITS = pd.DataFrame(
    [
        {"exhibit": "Exhibit A", "title": "Quantitative parity test", "sheet": "Quantitative test"},
        {"exhibit": "Exhibit B", "title": "Denial rates", "sheet": "Denial rates"},
        {"exhibit": "Exhibit C", "title": "Pooled comparison", "sheet": "Stratified"},
        {"exhibit": "Exhibit D", "title": "NQTL review", "sheet": "NQTL"},
    ]
)
QTL_FAIL = {
    "exhibit": "Exhibit A",
    "source": "quantitative_test",
    "severity": "noncompliant",
    "finding": "The copayment applies to 62.50% of projected M/S payments in outpatient, "
    "in-network, less than two-thirds, so it may not be applied to MH/SUD benefits there.",
    "citation": "29 CFR 2590.712(c)(3)(i)(A)",
    "rule_basis": "2013 final rule (78 FR 68240)",
    "disclosure_request": "",
}
QTL_REVIEW = {
    **QTL_FAIL,
    "severity": "review",
    "finding": "The predominant coinsurance level covers 51.20% of subject payments.",
    "citation": "29 CFR 2590.712(c)(3)(i)(B)",
}
DENIALS = {
    "exhibit": "Exhibit B",
    "source": "denial_rates",
    "severity": "warning_sign",
    "finding": "MH/SUD claims were denied in 18.2% of cases against 9.1% for M/S claims.",
    "citation": "29 CFR 2590.712(c)(4)",
    "rule_basis": None,
    "disclosure_request": "The prior-authorization criteria for outpatient MH/SUD services.",
}
STRATIFIED = {
    **DENIALS,
    "exhibit": "Exhibit C",
    "source": "stratified",
    "finding": "Within plan and classification, MH/SUD claims had 2.1 times the odds of denial.",
    "disclosure_request": None,
}
NQTL = {
    **DENIALS,
    "exhibit": "Exhibit D",
    "source": "nqtl",
    "finding": "Prior authorization applies to all MH/SUD outpatient visits but to no M/S visits.",
    "disclosure_request": "The factors used to select services for prior authorization.",
}


def make_facts(plan_type: str, **extra: object):
    return read_plan_facts(
        {"plan_name": "Acme Gold PPO", "plan_type": plan_type, "state": "OH", "plan_year": 2026}
        | extra
    )


def make_context(
    plan_type: str = "erisa_insured",
    findings: list[dict[str, object]] | None = None,
    *,
    suppressed: bool = True,
    **extra: object,
) -> ComplaintContext:
    facts = make_facts(plan_type, **extra)
    rows = [DENIALS, QTL_REVIEW, QTL_FAIL, STRATIFIED, NQTL] if findings is None else findings
    return ComplaintContext(
        facts=facts,
        regulators=regulators_for(facts),
        findings=pd.DataFrame(rows),
        exhibits=EXHIBITS,
        rule_versions=("2013 final rule (78 FR 68240), enforced",),
        paritykit_version="9.8.7",
        prepared_on=PREPARED_ON,
        suppressed=suppressed,
    )


def blocks(markdown: str) -> list[str]:
    return [b.strip() for b in markdown.split("\n\n") if b.strip()]


def addressee(markdown: str) -> str:
    """The block right after the date line: the regulator the letter is addressed to."""
    parts = blocks(markdown)
    return parts[parts.index(DATE_LINE) + 1]


def findings_section(markdown: str) -> str:
    return markdown.split("## 3. Findings", 1)[1].split("\n## ", 1)[0]


# --- addressee ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan_type", "expected", "not_expected"),
    [
        ("erisa_self_funded", "Employee Benefits Security Administration", "Insurance"),
        ("erisa_insured", "Ohio Department of Insurance", "EBSA"),
        ("individual", "Ohio Department of Insurance", "EBSA"),
        ("non_federal_governmental", "Centers for Medicare & Medicaid Services", "EBSA"),
    ],
)
def test_letter_is_addressed_to_the_regulator_for_the_plan_type(
    plan_type: str, expected: str, not_expected: str
) -> None:
    block = addressee(render_complaint_letter(make_context(plan_type)))
    assert expected in block.splitlines()[0]
    assert not_expected not in block


def test_insured_erisa_plan_copies_ebsa_and_self_funded_does_not_copy_anyone() -> None:
    insured = render_complaint_letter(make_context("erisa_insured"))
    cc = [line for line in insured.splitlines() if line.startswith("cc: ")]
    assert len(cc) == 1 and "Employee Benefits Security Administration" in cc[0]
    self_funded = render_complaint_letter(make_context("erisa_self_funded"))
    assert not [line for line in self_funded.splitlines() if line.startswith("cc:")]


def test_erisa_plans_ask_for_plan_documents_others_do_not() -> None:
    assert "29 U.S.C. 1024(b)(4)" in render_complaint_letter(make_context("erisa_self_funded"))
    assert "29 U.S.C. 1024(b)(4)" not in render_complaint_letter(make_context("individual"))


def test_medicaid_plan_goes_to_the_state_medicaid_agency_with_a_copy_to_cms() -> None:
    text = render_complaint_letter(make_context("medicaid_managed_care"))
    assert "Ohio Department of Medicaid" in addressee(text).splitlines()[0]
    assert any(line.startswith("cc: Centers for Medicare") for line in text.splitlines())
    requests = text.split("## 4.", 1)[1].split("## 5.", 1)[0]
    assert "42 CFR part 438, subpart K" in requests and "1185a(a)(8)" not in requests


# --- content -------------------------------------------------------------------------------


def test_findings_appear_most_serious_first_with_exhibit_and_citation() -> None:
    section = findings_section(render_complaint_letter(make_context()))
    items = re.findall(r"^\d+\. (.+?)(?=^\d+\. |\Z)", section, flags=re.M | re.S)
    assert len(items) == 5
    assert "fails on the data provided (Exhibit A)" in items[0]
    assert QTL_FAIL["finding"] in " ".join(items[0].split())
    assert "Provision: 29 CFR 2590.712(c)(3)(i)(A)." in items[0]
    assert "for review (Exhibit A)" in items[-1]
    for row in (DENIALS, STRATIFIED, NQTL):
        (item,) = [i for i in items if str(row["finding"]) in " ".join(i.split())]
        assert f"warning sign ({row['exhibit']})" in item
        assert f"Provision: {row['citation']}." in item


def test_jurisdiction_facts_and_law_are_stated() -> None:
    text = render_complaint_letter(
        make_context("erisa_insured", sponsor="Acme Widgets", administrator="Buckeye Mutual")
    )
    section = text.split("## 1.", 1)[1].split("## 3.", 1)[0]
    for piece in (
        "fully insured group health plan of a private employer",
        "Acme Widgets",
        "Buckeye Mutual",
        "Ohio",
        "| Plan year | 2026 |",
        "29 U.S.C. 1185a",
        "42 U.S.C. 300gg-26",
        "29 CFR 2590.712",
        "45 CFR 146.136",
    ):
        assert piece in " ".join(section.split()), piece
    subject = next(line for line in text.splitlines() if line.startswith("**Subject:"))
    assert "Acme Gold PPO" in subject and "2026" in subject and "Ohio" in subject


def test_standard_and_per_finding_disclosure_requests_are_listed_once() -> None:
    text = render_complaint_letter(make_context("erisa_self_funded"))
    section = " ".join(text.split("## 4.", 1)[1].split("## 5.", 1)[0].split())
    for citation in (
        "29 CFR 2590.712(d)(1)",
        "29 CFR 2590.712(d)(2)",
        "29 U.S.C. 1185a(a)(8)",
        "29 CFR 2590.712(c)(3)(i)(C)",
    ):
        assert citation in section, citation
    assert section.count(str(DENIALS["disclosure_request"]).rstrip(".")) == 1
    assert str(NQTL["disclosure_request"]).rstrip(".") + " (Exhibit D)" in section


def test_missing_optional_facts_show_visible_placeholders_not_invented_values() -> None:
    text = render_complaint_letter(make_context("erisa_insured"))
    assert "[employer or plan sponsor]" in text
    assert "[legal name, from the ID card or the policy]" in text
    assert text.count("[your name]") == 2  # sender block and signature
    given = render_complaint_letter(
        make_context(
            "erisa_insured", sponsor="Acme Widgets", administrator="Buckeye", complainant="J. Doe"
        )
    )
    assert "[employer or plan sponsor]" not in given and "[your name]" not in given
    assert given.count("J. Doe") == 2
    abbreviated = render_complaint_letter(make_context("erisa_insured", sponsor="Acme, Inc."))
    assert "| Acme, Inc. |" in abbreviated and "Inc.." not in abbreviated


def test_no_findings_gives_a_placeholder_instead_of_an_empty_list() -> None:
    section = findings_section(render_complaint_letter(make_context(findings=[])))
    assert re.search(r"^\[No findings .+\]$", section, flags=re.M)


@pytest.mark.parametrize("plan_type", ["erisa_self_funded", "individual"])
def test_warning_signs_are_never_stated_as_violations(plan_type: str) -> None:
    text = render_complaint_letter(make_context(plan_type, [DENIALS, STRATIFIED, NQTL]))
    assert not re.search(r"violates|is a violation", text, flags=re.I)
    assert "warning sign" in text


def test_a_warning_sign_worded_as_a_violation_is_refused() -> None:
    bad = {**DENIALS, "finding": "The plan violates MHPAEA by denying MH/SUD claims."}
    with pytest.raises(DataValidationError, match="worded as a proven violation") as info:
        render_complaint_letter(make_context(findings=[QTL_FAIL, bad]))
    assert info.value.problems.loc[0, "row"] == 2


def test_findings_with_unknown_exhibit_or_source_are_refused_together() -> None:
    bad = {**DENIALS, "exhibit": "Exhibit Z", "source": "denial_rate"}
    with pytest.raises(DataValidationError) as info:
        render_complaint_letter(make_context(findings=[bad]))
    assert set(info.value.problems["column"]) == {"exhibit", "source"}
    assert "did you mean 'denial_rates'" in str(info.value)


def test_suppression_note_follows_the_setting() -> None:
    on = render_complaint_letter(make_context(suppressed=True))
    off = render_complaint_letter(make_context(suppressed=False))
    assert "no count from 1 to 10" in on and "turned off" not in on
    assert "turned off" in off and "no count from 1 to 10" not in off


def test_values_cannot_inject_markdown() -> None:
    text = render_complaint_letter(make_context(sponsor="**Bold** Corp\n# Heading"))
    assert "\\*\\*Bold\\*\\* Corp # Heading" in text
    assert "\n# Heading" not in text


# --- files ---------------------------------------------------------------------------------


def test_written_letter_has_disclaimer_in_md_and_docx_and_heading_styles(tmp_path: Path) -> None:
    md_path, docx_path = write_complaint_letter(make_context(), tmp_path)
    assert (md_path.name, docx_path.name) == ("complaint_letter.md", "complaint_letter.docx")
    markdown = md_path.read_text(encoding="utf-8")
    assert f"Prepared with paritykit 9.8.7: {DISCLAIMER}" in markdown
    document = docx.Document(docx_path)
    paragraphs = document.paragraphs
    assert any(f"Prepared with paritykit 9.8.7: {DISCLAIMER}" in p.text for p in paragraphs)
    headings = {p.text: p.style.name for p in paragraphs if p.style.name.startswith("Heading")}
    assert headings["Mental health parity complaint"] == "Heading 1"
    assert headings["3. Findings"] == "Heading 2"
    assert not [p.text for p in paragraphs if p.text.lstrip().startswith("#")]
    numbered = [p for p in paragraphs if p.style.name == "List Number"]
    assert any(QTL_FAIL["finding"] in p.text for p in numbered)
    assert not any("**" in p.text for p in paragraphs)
    assert any(r.bold and "Exhibit A" in r.text for p in numbered for r in p.runs)


def test_docx_page_layout_and_body_font(tmp_path: Path) -> None:
    _, docx_path = write_complaint_letter(make_context(), tmp_path)
    document = docx.Document(docx_path)
    section = document.sections[0]
    for margin in (section.left_margin, section.right_margin, section.top_margin):
        assert margin.cm == pytest.approx(2.5, abs=0.01)
    assert document.styles["Normal"].font.size.pt == 11


def test_failed_docx_save_leaves_neither_file_nor_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_save(self: object, target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    out = tmp_path / "pack"
    with pytest.raises(OSError, match="disk full"):
        write_complaint_letter(make_context(), out)
    assert not out.exists() or list(out.iterdir()) == []


def test_failed_markdown_write_removes_the_docx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paritykit.evidence import letters

    def broken_write(target: object, text: str, encoding: str = "utf-8") -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(letters, "atomic_write_text", broken_write)
    with pytest.raises(OSError, match="disk full"):
        write_complaint_letter(make_context(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_rendering_twice_gives_identical_bytes(tmp_path: Path) -> None:
    _, first = write_complaint_letter(make_context(), tmp_path / "a")
    _, second = write_complaint_letter(make_context(), tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()


# --- the Markdown subset --------------------------------------------------------------------


def test_markdown_subset_maps_to_word_styles(tmp_path: Path) -> None:
    text = (
        "# One\n\n## Two\n\n### Three\n\nA *soft* line\nwraps; a **hard** one\\\nbreaks.\n\n"
        "- bullet\n  - nested\n\n1. first\n2. second\n\nBetween.\n\n1. again\n\n"
        "| Name | Count |\n|---|--:|\n| a *b* | 12 |\n\n---\n\n> quoted stays plain\n"
    )
    path = markdown_to_docx(text, tmp_path / "x.docx")
    document = docx.Document(path)
    styles = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert styles[:3] == [("Heading 1", "One"), ("Heading 2", "Two"), ("Heading 3", "Three")]
    assert ("Normal", "A soft line wraps; a hard one\nbreaks.") in styles
    assert ("List Bullet", "bullet") in styles and ("List Bullet 2", "nested") in styles
    assert ("Normal", "> quoted stays plain") in styles
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert ids[0] == ids[1] != ids[2]  # the second list starts again at 1
    (table,) = document.tables
    assert table.style.name == "Table Grid"
    assert [[c.text for c in row.cells] for row in table.rows] == [["Name", "Count"], ["a b", "12"]]
    assert table.rows[0].cells[0].paragraphs[0].runs[0].bold
    rules = [p for p in document.paragraphs if p._p.xpath("./w:pPr/w:pBdr/w:bottom")]
    assert len(rules) == 1
    assert document.core_properties.title == "One"


def test_markdown_to_docx_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write_bytes = Path.write_bytes

    def half_then_fail(self: Path, data: bytes) -> int:
        real_write_bytes(self, data[: len(data) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_bytes", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        markdown_to_docx("# x\n", tmp_path / "x.docx")
    assert list(tmp_path.iterdir()) == []
