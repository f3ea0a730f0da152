"""The checked citation table: well formed, and the paragraph letters the primary texts give.

Expected values are written from the regulations' and statutes' text (eCFR 29 CFR 2590.712 in
its 2013 and 2024 versions, 29 CFR 2560.503-1, 45 CFR 147.136, 42 CFR 438.915, the U.S. Code),
not copied from the table.
"""

from __future__ import annotations

import re

import pytest

from paritykit import citations as cz
from paritykit.analysis import appeals, nqtl, quantitative
from paritykit.vocab import PLAN_TYPES


def test_table_is_well_formed() -> None:
    texts = [c.text for c in cz.CITATIONS.values()]
    assert len(texts) == len(set(texts))
    for key, c in cz.CITATIONS.items():
        assert c.key == key
        assert c.binds and c.binds <= set(PLAN_TYPES), key
        assert c.checked in ("text", "section", "title"), key
        assert c.summary and c.source, key
        if c.checked != "title":  # every legal citation is recognised by the letters' checker
            match = cz.CITATION_PATTERN.match(c.text)
            assert match, key


@pytest.mark.parametrize(
    ("key", "text"),
    [
        # 2013 text: (c)(2)(i) general rule; (c)(3)(i)(A) substantially all (two-thirds);
        # (c)(3)(i)(B) predominant (more than one-half); (c)(3)(i)(C) portion by plan payments
        ("general_rule", "29 CFR 2590.712(c)(2)(i)"),
        ("substantially_all", "29 CFR 2590.712(c)(3)(i)(A)"),
        ("predominant", "29 CFR 2590.712(c)(3)(i)(B)"),
        ("plan_payments", "29 CFR 2590.712(c)(3)(i)(C)"),
        ("cumulative", "29 CFR 2590.712(c)(3)(v)"),
        ("nqtl", "29 CFR 2590.712(c)(4)(i)"),
        ("criteria", "29 CFR 2590.712(d)(1)"),
        ("denial_reason", "29 CFR 2590.712(d)(2)"),
        # the 2024 rule put the comparative-analysis content in a new section
        ("analysis_2024", "29 CFR 2590.712-1"),
        ("relevant_documents", "29 CFR 2560.503-1(h)(2)(iii)"),
        ("relevant_defined", "29 CFR 2560.503-1(m)(8)"),
        ("erisa_analysis", "29 U.S.C. 1185a(a)(8)(A)"),
        ("erisa_warning_signs", "29 U.S.C. 1185a(a)(6)(A)"),
        ("erisa_104b4", "29 U.S.C. 1024(b)(4)"),
        ("medicaid_criteria", "42 CFR 438.915(a)"),
        ("medicaid_denial_reason", "42 CFR 438.915(b)"),
        ("chip_parity", "42 CFR 457.496"),
        ("claims_aca_individual", "45 CFR 147.136(b)(3)"),
    ],
)
def test_paragraph_letters_match_the_primary_text(key: str, text: str) -> None:
    assert cz.cite(key) == text


def test_warning_signs_are_the_departments_document_not_appendix_ii() -> None:
    sign = cz.CITATIONS["warning_signs"]
    assert sign.text == "Warning Signs - Plan or Policy NQTLs that Require Additional Analysis"
    assert (
        "Appendix" not in nqtl.CITATIONS["dol"] and "Self-Compliance" not in nqtl.CITATIONS["dol"]
    )


def test_2024_flags_and_the_enforcement_sentence() -> None:
    assert cz.CITATIONS["analysis_2024"].rule_2024
    assert cz.CITATIONS["relevant_data_2024"].rule_2024
    assert not cz.CITATIONS["nqtl"].rule_2024 and not cz.CITATIONS["erisa_analysis"].rule_2024
    assert "15 May 2025" in cz.ENFORCEMENT_2024
    assert "HHS asked the states not to enforce" in cz.ENFORCEMENT_2024


def test_binding_by_plan_type() -> None:
    # ERISA provisions bind neither Medicaid nor CHIP; subpart K binds only Medicaid MCOs
    for key in ("erisa_analysis", "nqtl", "criteria", "erisa_104b4"):
        assert not cz.binds(key, "medicaid_managed_care") and not cz.binds(key, "chip")
        assert not cz.binds(key, "individual")
    assert cz.binds("medicaid_k", "medicaid_managed_care") and not cz.binds("medicaid_k", "chip")
    assert cz.binds("chip_parity", "chip")
    # the PHS Act analysis duty binds insurers and non-federal governmental plans, not ERISA
    # self-funded plans (ERISA's own duty does)
    assert cz.binds("phsa_analysis", "individual") and not cz.binds(
        "phsa_analysis", "erisa_self_funded"
    )
    # 45 CFR 147.136 applies outside ERISA
    assert cz.binds("claims_aca", "non_federal_governmental") and cz.binds(
        "claims_aca", "individual"
    )


def test_for_plan_rewrites_to_the_binding_provision() -> None:
    text = (
        "(29 CFR 2590.712(c)(4)(i)); 29 CFR 2590.712(d)(1); 29 U.S.C. 1185a(a)(8)(A); "
        "29 CFR 2590.712-1"
    )
    assert cz.for_plan(text, "erisa_self_funded") == text
    individual = cz.for_plan(text, "individual")
    assert individual == (
        "(45 CFR 146.136(c)(4)(i)); 45 CFR 146.136(d)(1); 42 U.S.C. 300gg-26(a)(8)(A); "
        "45 CFR 146.137"
    )
    medicaid = cz.for_plan(text, "medicaid_managed_care")
    assert "42 CFR 438.910(d)" in medicaid and "42 CFR 438.915(a)" in medicaid
    assert not re.search(r"2590|1185a|146\.13", medicaid)
    assert cz.check_text(medicaid, "medicaid_managed_care") == []


def test_every_citation_the_analysis_layer_prints_is_in_the_table() -> None:
    """The strings the findings carry, for an ERISA plan (the letters rewrite them per plan)."""
    printed = [
        *nqtl.CITATIONS.values(),
        *quantitative.CITATIONS.values(),
        *appeals._FILING_CITATION.values(),
        *appeals._DECISION_CITATION.values(),
        *appeals._EXTERNAL_CITATION.values(),
        *appeals._EXPEDITED_CITATION.values(),
    ]
    from paritykit.report import OUTCOME_CITATION, OUTCOME_REQUEST

    printed += [
        OUTCOME_CITATION,
        OUTCOME_REQUEST,
        nqtl._disclosure("prior_authorization", "x", None),
    ]
    for text in printed:
        assert any(cz.check_text(text, plan) == [] for plan in PLAN_TYPES), text
        assert all(cz.check_text(text, plan) != [] for plan in ("medicaid_managed_care", "chip"))


def test_citations_frame_lists_every_entry() -> None:
    frame = cz.citations_frame()
    assert len(frame) == len(cz.CITATIONS)
    assert set(frame.columns) == {
        "key",
        "text",
        "summary",
        "binds",
        "rule_2024",
        "checked",
        "source",
    }
