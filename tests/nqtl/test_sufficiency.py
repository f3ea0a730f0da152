"""Comparative-analysis sufficiency: missing, thin and present elements; rule versions."""

from __future__ import annotations

import pytest

import paritykit as pk
from paritykit import columns as C
from paritykit.analysis.nqtl import ANALYSIS_ELEMENT_COLUMNS, RULE_2021, RULE_2024

from .helpers import SUFFICIENT


def check(**changes: object) -> pk.ComparativeAnalysisCheck:
    return pk.check_comparative_analysis([dict(SUFFICIENT, **changes)])


def kinds(result: pk.ComparativeAnalysisCheck) -> list[str]:
    return result.findings["finding_kind"].tolist()


def test_sufficient_analysis_has_six_present_elements_and_no_finding() -> None:
    result = check()
    frame = result.to_frame()
    assert list(frame.columns) == list(ANALYSIS_ELEMENT_COLUMNS)
    assert frame[C.ELEMENT_NUMBER].tolist() == [1, 2, 3, 4, 5, 6]
    assert (frame[C.ELEMENT_STATUS] == "present").all()
    assert result.findings.empty and result.n_insufficient == 0


@pytest.mark.parametrize("element", list(C.ANALYSIS_ELEMENTS))
def test_each_missing_element_is_reported_with_its_clause(element: str) -> None:
    result = check(**{element: None})
    found = result.findings[result.findings["finding_kind"] == "element_missing"]
    assert len(found) == 1
    rec = found.iloc[0]
    assert rec["severity"] == "insufficient" and rec["rule_basis"] == RULE_2021
    assert "1185a(a)(8)(A)" in rec["citation"] and "29 CFR 2590.712-1" in rec["citation"]
    number = C.ANALYSIS_ELEMENTS.index(element) + 1
    assert f"element {number}" in rec["finding"]
    status = result.elements.set_index(C.ELEMENT).loc[element, C.ELEMENT_STATUS]
    assert status == "missing" and result.n_insufficient == 1


@pytest.mark.parametrize(
    ("element", "text", "why"),
    [
        ("findings_and_conclusions", "Compliant.", "not an answer"),
        ("evidentiary_standards", "see attached", "not an answer"),
        ("description", "Applies to therapy.", "words"),
        (
            "as_written_analysis",
            "The plan applies the same process to every behavioral health benefit, using the "
            "same reviewers, the same criteria and the same timelines throughout, as described "
            "in the utilization management program document of the plan.",
            "does not compare",
        ),
        (
            "findings_and_conclusions",
            "The NQTL is comparable and applied no more stringently to MH/SUD than to M/S "
            "benefits, as written and in operation.",
            "bare conclusion",
        ),
    ],
)
def test_thin_elements(element: str, text: str, why: str) -> None:
    result = check(**{element: text})
    assert kinds(result) == ["element_thin"]
    assert why in result.findings.loc[0, "finding"]


def test_a_conclusion_with_figures_is_not_thin() -> None:
    text = "The plan finds denial rates of 4.2% (MH/SUD) and 3.9% (M/S), so comparable."
    assert kinds(check(findings_and_conclusions=text)) == []


def test_factors_without_definitions() -> None:
    result = check(factor_definitions=None)
    assert kinds(result) == ["factors_not_defined"]
    assert result.findings.loc[0, "rule_basis"] == RULE_2021
    # No factors at all is reported as a missing element, not as undefined factors.
    assert kinds(check(factors=None, factor_definitions=None)) == ["element_missing"]


def test_in_operation_without_data_or_reason_rests_on_the_2024_rule() -> None:
    result = check(relevant_data=None)
    assert kinds(result) == ["no_operation_data"]
    rec = result.findings.iloc[0]
    assert rec["rule_basis"] == RULE_2024
    assert "May 2025" in rec["finding"] and "states may" in rec["finding"]
    assert kinds(check(relevant_data=None, no_data_reason="fewer than 30 MH/SUD claims")) == []


def test_sample_analyses_one_sufficient_one_not() -> None:
    result = pk.check_comparative_analysis(pk.sample_comparative_analysis())
    assert result.n_insufficient == 1
    assert set(result.findings["plan_id"]) == {"SAMPLE-B"}
    assert {"element_missing", "element_thin", "factors_not_defined", "no_operation_data"} == set(
        kinds(result)
    )
    assert "SAMPLE-B" in result.summary()
    assert "<table" in result._repr_html_()
