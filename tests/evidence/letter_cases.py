"""Findings and facts for the letter tests, built by the real analysis layer.

The NQTL findings come from :func:`paritykit.nqtl_review` on a small inventory (a shorter
MH/SUD review interval, prior authorization on MH/SUD only, a market-factors reimbursement
warning sign, a prior-authorization outcome disparity), the quantitative findings from
:func:`paritykit.quantitative_test` on the synthetic sample benefits, and the outcome rows use
the evidence pack's own citation and request constants, so every citation string the
analysis layer prints reaches the letters.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd

from paritykit.analysis.jurisdiction import regulators_for
from paritykit.evidence.letters import ComplaintContext
from paritykit.load.plan_facts import read_plan_facts

FACTORS = "high cost; variation in length of stay"
STANDARDS = "cost per episode above $5,000; coefficient of variation above 0.5"
CLS = "inpatient_in_network"


def row(side: str, nqtl_type: str, **extra: object) -> dict[str, object]:
    """One NQTL inventory row with defined factors and standards (as tests/nqtl/helpers.py)."""
    base: dict[str, object] = dict(
        plan_id="P",
        classification=CLS,
        sub_classification=None,
        side=side,
        nqtl_type=nqtl_type,
        applies=True,
        scope="inpatient stays",
        review_interval_days=None,
        factors=FACTORS,
        evidentiary_standards=STANDARDS,
        source="SPD p. 1",
    )
    return base | extra


def outcomes(mh_events: int, mh_trials: int, ms_events: int, ms_trials: int) -> pd.DataFrame:
    """An outcome summary for plan P with prior-authorization counts."""
    return pd.DataFrame(
        {
            "plan_id": ["P", "P"],
            "classification": [CLS, CLS],
            "side": ["mhsud", "ms"],
            "claims": [1000, 1000],
            "prior_auth_requests": [mh_trials, ms_trials],
            "prior_auth_denied": [mh_events, ms_events],
            "denied_medical_necessity": [10, 10],
            "out_of_network_claims": [50, 50],
            "allowed_amount": [80_000.0, 100_000.0],
        }
    )


PREPARED_ON = dt.date(2026, 3, 2)
#: The plan types that get a complaint letter (church and FEHB are refused).
LETTER_PLAN_TYPES = (
    "erisa_insured",
    "erisa_self_funded",
    "individual",
    "non_federal_governmental",
    "medicaid_managed_care",
    "chip",
)
EXHIBITS = pd.DataFrame(
    [
        {"exhibit": f"Exhibit {x}", "title": f"Exhibit {x} title", "sheet": f"Sheet {x}"}
        for x in "ABCF"
    ]
)


@lru_cache(maxsize=1)
def findings() -> pd.DataFrame:
    """One findings table as the evidence pack builds it (columns of FINDING_COLUMNS)."""
    from paritykit import nqtl_review, quantitative_test
    from paritykit.report import OUTCOME_CITATION, OUTCOME_REQUEST, OUTCOME_RULE_BASIS, RULE_2013
    from paritykit.synth.benefits import sample_benefits

    inventory = pd.DataFrame(
        [
            row("mhsud", "concurrent_review", review_interval_days=3),
            row("ms", "concurrent_review", review_interval_days=7),
            row("mhsud", "prior_authorization", scope="all inpatient stays"),
            row("ms", "prior_authorization", applies=False),
            row("mhsud", "reimbursement_method", factors="market factors; supply and demand"),
            row("ms", "reimbursement_method", factors="Medicare fee schedule benchmark"),
            row("mhsud", "network_admission", factors="doctoral degree required"),
            row("ms", "network_admission", factors="state licensure"),
        ]
    )
    review = nqtl_review(inventory, outcomes=outcomes(120, 1000, 40, 1000))
    rows = [
        {
            "severity": rec["severity"],
            "source": "nqtl",
            "finding": rec["finding"],
            "exhibit": "Exhibit F",
            "citation": rec["citation"],
            "rule_basis": rec["rule_basis"],
            "disclosure_request": rec["disclosure_request"] or "",
        }
        for rec in review.findings.to_dict("records")
    ]
    qtl = quantitative_test(sample_benefits()).findings
    failing = qtl[qtl["severity"] == "noncompliant"].head(2)
    rows += [
        {
            "severity": rec["severity"],
            "source": "quantitative_test",
            "finding": rec["finding"],
            "exhibit": "Exhibit A",
            "citation": rec["citation"],
            "rule_basis": RULE_2013,
            "disclosure_request": "",
        }
        for rec in failing.to_dict("records")
    ]
    rows += [
        {
            "severity": "warning_sign",
            "source": "denial_rates",
            "finding": "MH/SUD claims in plan P, outpatient in-network were denied at 18.3% vs "
            "10.3% for M/S (ratio 1.77, 95% CI 1.67-1.87; adjusted p < 0.001). This is a "
            "warning sign that calls for the plan's comparative analysis, not a finding of a "
            "violation.",
            "exhibit": "Exhibit B",
            "citation": OUTCOME_CITATION,
            "rule_basis": OUTCOME_RULE_BASIS,
            "disclosure_request": OUTCOME_REQUEST,
        },
        {
            "severity": "warning_sign",
            "source": "stratified",
            "finding": "Within each plan and classification, MH/SUD claims had 1.18 times the "
            "odds of being denied (Mantel-Haenszel, 95% CI 1.14-1.22; CMH p < 0.001). The odds "
            "ratio differs between strata (Breslow-Day p = 8e-271). This is a warning sign "
            "that calls for the plan's comparative analysis, not a finding of a violation.",
            "exhibit": "Exhibit C",
            "citation": OUTCOME_CITATION,
            "rule_basis": OUTCOME_RULE_BASIS,
            "disclosure_request": "",
        },
    ]
    return pd.DataFrame(rows)


def facts(plan_type: str, **extra: object):
    return read_plan_facts(
        {
            "plan_name": "Acme Gold PPO",
            "plan_type": plan_type,
            "state": "OH",
            "plan_year": 2026,
        }
        | extra
    )


def context(plan_type: str, **extra: object) -> ComplaintContext:
    plan = facts(plan_type, **extra)
    return ComplaintContext(
        facts=plan,
        regulators=regulators_for(plan),
        findings=findings(),
        exhibits=EXHIBITS,
        rule_versions=(),
        paritykit_version="9.8.7",
        prepared_on=PREPARED_ON,
        suppressed=True,
        headline=(
            "MH/SUD claims in outpatient in-network care were denied 1.8 times as often as M/S "
            "claims: 18.3% against 10.3%",
        ),
    )
