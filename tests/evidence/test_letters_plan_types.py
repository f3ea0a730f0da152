"""Every letter for every plan type: citations pinned to the checked table, each binding the plan.

The complaint letter, the disclosure request (with and without the projected-payments item),
the appeal letter with its practice sheet, and the authorization form are rendered for every
plan type that gets them; every citation-looking string (CFR, U.S.C., ERISA, PHS Act,
Appendix) must be an entry of :data:`paritykit.citations.CITATIONS` that binds the plan type.
Church and FEHB plans are refused with whom to contact.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from letter_cases import LETTER_PLAN_TYPES, context, facts

from paritykit.citations import check_text
from paritykit.errors import ConfigurationError
from paritykit.evidence.appeal_letter import draft_appeal_letter
from paritykit.evidence.authorization import authorization_form
from paritykit.evidence.letters import render_complaint_letter
from paritykit.evidence.request_letter import draft_request_letter

APPEAL_PLAN_TYPES = ("erisa_insured", "erisa_self_funded", "non_federal_governmental", "individual")
PAYMENTS = pd.DataFrame(
    {
        "plan_id": ["P"],
        "classification": ["outpatient_in_network"],
        "sub_classification": [None],
        "requirement_type": ["copay"],
        "screening": ["depends_on_payments"],
        "screening_condition": ["passes if M/S office visits are at least 2/3 of payments"],
    }
)


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


@pytest.mark.parametrize("plan_type", LETTER_PLAN_TYPES)
def test_complaint_letter_cites_only_table_provisions_binding_the_plan(plan_type: str) -> None:
    text = render_complaint_letter(context(plan_type))
    assert check_text(text, plan_type) == []


@pytest.mark.parametrize("plan_type", LETTER_PLAN_TYPES)
@pytest.mark.parametrize("payments", [None, PAYMENTS])
def test_request_letter_cites_only_table_provisions_binding_the_plan(
    plan_type: str, payments: pd.DataFrame | None
) -> None:
    letter = draft_request_letter(
        facts(plan_type), qtl_results=payments, prepared_on=dt.date(2026, 3, 2)
    )
    assert check_text(letter.markdown, plan_type) == []
    keys = [i.key for i in letter.items]
    assert ("payments" in keys) == (payments is not None)
    assert "claim_documents" in keys and "criteria" in keys and "analyses" in keys


@pytest.mark.parametrize("plan_type", APPEAL_PLAN_TYPES)
@pytest.mark.parametrize("prepared_on", [dt.date(2026, 2, 1), dt.date(2027, 6, 1)])
def test_appeal_letter_and_sheet_cite_only_table_provisions(
    plan_type: str, prepared_on: dt.date
) -> None:
    letter = draft_appeal_letter(_lines(), plan_type=plan_type, prepared_on=prepared_on)  # type: ignore[arg-type]
    assert check_text(letter.markdown, plan_type) == []
    assert check_text(letter.practice_sheet, plan_type) == []


@pytest.mark.parametrize("plan_type", LETTER_PLAN_TYPES)
def test_authorization_form_cites_only_table_provisions(plan_type: str) -> None:
    assert check_text(authorization_form(facts(plan_type)), plan_type) == []


def test_medicaid_letters_never_cite_the_erisa_or_phs_act_analysis_duty() -> None:
    for plan_type, rule in (
        ("medicaid_managed_care", "42 CFR part 438, subpart K"),
        ("chip", "42 CFR 457.496"),
    ):
        text = render_complaint_letter(context(plan_type))
        request = draft_request_letter(facts(plan_type)).markdown
        for doc in (text, request):
            assert rule in doc
            for wrong in ("1185a", "300gg-26", "2590.712", "146.136", "ERISA s", "PHS Act s"):
                assert wrong not in doc, (plan_type, wrong)


def test_a_citation_that_does_not_bind_is_caught() -> None:
    """The checker itself: an ERISA citation in a Medicaid letter, and an unknown one."""
    assert check_text("see 29 CFR 2590.712(d)(1)", "medicaid_managed_care")
    assert check_text("see DOL Self-Compliance Tool, Appendix II", "erisa_insured")
    assert check_text("ERISA s.712(a)(8)", "erisa_insured")  # not the table's form


@pytest.mark.parametrize(
    ("plan_type", "whom"),
    [("fehb", "Office of Personnel Management"), ("church", "state insurance regulator")],
)
def test_church_and_fehb_are_refused_with_whom_to_contact(plan_type: str, whom: str) -> None:
    with pytest.raises(ConfigurationError, match="paritykit does not draft") as complaint:
        render_complaint_letter(context(plan_type))
    with pytest.raises(ConfigurationError, match="paritykit does not draft") as request:
        draft_request_letter(facts(plan_type))
    text = str(complaint.value) + str(request.value)
    assert whom in text or whom.replace("Office of Personnel Management", "OPM") in text
