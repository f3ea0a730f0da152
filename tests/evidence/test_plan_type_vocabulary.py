"""One plan-type vocabulary across plan facts, the regulator table and the letters.

Citations checked against the regulations' text (see docs/practices.md, section 3): church plans
29 U.S.C. 1002(33), 1003(b)(2); FEHB disputed claims 5 CFR 890.105; CHIP parity 42 CFR 457.496.
"""

from __future__ import annotations

import datetime as dt
import typing

import pandas as pd
import pytest

import paritykit as pk
from paritykit import vocab
from paritykit.analysis.jurisdiction import NO_COMPLAINT_LETTER, regulators_for
from paritykit.evidence.letters import ComplaintContext, render_complaint_letter

BASE = {"plan_name": "Acme Plan", "plan_type": "erisa_insured", "state": "OH", "plan_year": 2026}


def test_the_vocabulary_is_defined_once() -> None:
    assert typing.get_args(vocab.PlanType) == vocab.PLAN_TYPES
    assert pk.load.plan_facts.PLAN_TYPES is vocab.PLAN_TYPES
    assert set(vocab.PLAN_TYPE_ALIASES.values()) <= set(vocab.PLAN_TYPES)
    assert not set(vocab.PLAN_TYPE_ALIASES) & set(vocab.PLAN_TYPES)
    for name in ("church", "fehb", "chip", "erisa_insured", "erisa_self_funded"):
        assert name in vocab.PLAN_TYPES


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("ERISA self-funded", "erisa_self_funded"),
        ("self-insured ERISA", "erisa_self_funded"),
        ("ERISA fully insured", "erisa_insured"),
        ("church plan", "church"),
        ("FEHBP", "fehb"),
        ("Medicaid MCO", "medicaid_managed_care"),
        ("CHIP", "chip"),
        ("state or local government", "non_federal_governmental"),
    ],
)
def test_plan_facts_accept_every_spelling(typed: str, canonical: str) -> None:
    assert pk.read_plan_facts({**BASE, "plan_type": typed}).plan_type == canonical
    assert vocab.normalize_plan_type(typed) == canonical


@pytest.mark.parametrize("typed", ["self-funded", "Medicaid", "governmental", "HMO"])
def test_spellings_that_name_no_single_plan_type_are_refused(typed: str) -> None:
    with pytest.raises(pk.ConfigurationError, match="unknown plan type"):
        vocab.normalize_plan_type(typed)


def test_group_is_refused_where_insured_or_self_funded_matters() -> None:
    with pytest.raises(pk.DataValidationError) as info:
        pk.read_plan_facts({**BASE, "plan_type": "group"})
    assert "use erisa_insured or erisa_self_funded" in " ".join(info.value.problems["problem"])
    with pytest.raises(pk.ConfigurationError, match="insured or self-funded"):
        vocab.normalize_plan_type("group")
    assert vocab.normalize_plan_type("group", accept_group=True) == "group"


@pytest.mark.parametrize(
    ("plan_type", "primary", "also"),
    [
        ("fehb", "Office of Personnel Management", None),
        ("church", "Ohio Department of Insurance", "Internal Revenue Service"),
        ("chip", "Ohio Department of Medicaid", "Centers for Medicare"),
    ],
)
def test_new_plan_types_are_routed(plan_type: str, primary: str, also: str | None) -> None:
    regs = regulators_for(pk.read_plan_facts({**BASE, "plan_type": plan_type}))
    assert regs[0].role == "primary" and primary in regs[0].name
    others = [r.name for r in regs[1:]]
    assert (also is None and not others) or any(also in n for n in others)


def _context(plan_type: str) -> ComplaintContext:
    facts = pk.read_plan_facts({**BASE, "plan_type": plan_type})
    return ComplaintContext(
        facts=facts,
        regulators=regulators_for(facts),
        findings=pd.DataFrame(columns=["exhibit", "source", "severity", "finding", "citation"]),
        exhibits=pd.DataFrame(columns=["exhibit", "title", "sheet"]),
        rule_versions=(),
        paritykit_version="0.0.0",
        prepared_on=dt.date(2026, 3, 2),
        suppressed=True,
    )


@pytest.mark.parametrize(
    ("plan_type", "match"),
    [
        ("fehb", r"FEHB plans: paritykit does not draft.*5 U\.S\.C\. 8902.*5 CFR 890\.105"),
        ("church", r"church plans: paritykit does not draft.*1003\(b\)\(2\).*26 U\.S\.C\. 9812"),
    ],
)
def test_complaint_letter_refuses_church_and_fehb_saying_whom_to_contact(plan_type, match) -> None:
    assert plan_type in NO_COMPLAINT_LETTER
    with pytest.raises(pk.ConfigurationError, match=match):
        render_complaint_letter(_context(plan_type))


def test_chip_complaint_letter_cites_the_chip_parity_rule() -> None:
    text = render_complaint_letter(_context("chip"))
    assert "Children's Health Insurance Program (CHIP) plan" in text
    assert "42 CFR 457.496" in text and "Ohio Department of Medicaid" in text
    requests = text.split("## 3.", 1)[1].split("## 4.", 1)[0]
    assert "1185a(a)(8)" not in requests
