"""Synthetic benefit designs for three fictional plans (the bundled sample and the template).

- ``SAMPLE-A`` passes every quantitative test.
- ``SAMPLE-B`` fails the predominant-level test for outpatient in-network copays: its M/S
  copays follow the regulation's Example 2 (predominant level $15) while MH/SUD office therapy
  carries a $30 copay.
- ``SAMPLE-C`` has a separate (lower) MH/SUD deductible and a 20-visit limit on MH/SUD office
  visits with no visit limit on any M/S benefit.

The plans, payments and names are invented; nothing here describes a real plan.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from paritykit import columns as C

__all__ = ["SAMPLE_PLAN_IDS", "sample_benefits", "sample_plan_facts"]

SAMPLE_PLAN_IDS: Final[tuple[str, ...]] = ("SAMPLE-A", "SAMPLE-B", "SAMPLE-C")

# (classification, sub_classification, side, benefit, {requirement: level}, projected payments)
_Row = tuple[str, str | None, str, str, dict[str, float | None], float | None]

_DEDUCTIBLE = 1500.0


def _base_plan() -> list[_Row]:
    ded = {"deductible": _DEDUCTIBLE}
    return [
        # Inpatient, in network: 20% coinsurance after a combined deductible.
        (
            "inpatient_in_network",
            None,
            "ms",
            "Inpatient surgery",
            {"coinsurance": 20, **ded},
            4_200_000,
        ),
        (
            "inpatient_in_network",
            None,
            "ms",
            "Inpatient medical stay",
            {"coinsurance": 20, **ded},
            3_100_000,
        ),
        (
            "inpatient_in_network",
            None,
            "ms",
            "Maternity stay",
            {"coinsurance": 0, **ded},
            1_200_000,
        ),
        (
            "inpatient_in_network",
            None,
            "ms",
            "Skilled nursing facility",
            {"coinsurance": 20, **ded, "day_limit": 60},
            400_000,
        ),
        (
            "inpatient_in_network",
            None,
            "mhsud",
            "Inpatient psychiatric stay",
            {"coinsurance": 20, **ded},
            None,
        ),
        (
            "inpatient_in_network",
            None,
            "mhsud",
            "Residential SUD treatment",
            {"coinsurance": 20, **ded},
            None,
        ),
        # Inpatient, out of network: 40% coinsurance.
        (
            "inpatient_out_of_network",
            None,
            "ms",
            "Inpatient stay (out of network)",
            {"coinsurance": 40},
            900_000,
        ),
        (
            "inpatient_out_of_network",
            None,
            "mhsud",
            "Inpatient psychiatric (out of network)",
            {"coinsurance": 40},
            None,
        ),
        # Outpatient, in network, office visits: $25 predominates over the $50 specialist copay.
        (
            "outpatient_in_network",
            "office_visits",
            "ms",
            "Primary care visit",
            {"copay": 25},
            900_000,
        ),
        (
            "outpatient_in_network",
            "office_visits",
            "ms",
            "Specialist visit",
            {"copay": 50},
            700_000,
        ),
        ("outpatient_in_network", "office_visits", "ms", "Preventive visit", {"copay": 0}, 300_000),
        (
            "outpatient_in_network",
            "office_visits",
            "mhsud",
            "Psychotherapy office visit",
            {"copay": 25},
            None,
        ),
        (
            "outpatient_in_network",
            "office_visits",
            "mhsud",
            "Psychiatric medication management",
            {"copay": 25},
            None,
        ),
        # Outpatient, in network, all other: 20% coinsurance.
        (
            "outpatient_in_network",
            "all_other_outpatient",
            "ms",
            "Outpatient surgery",
            {"coinsurance": 20},
            1_600_000,
        ),
        (
            "outpatient_in_network",
            "all_other_outpatient",
            "ms",
            "Imaging",
            {"coinsurance": 20},
            800_000,
        ),
        (
            "outpatient_in_network",
            "all_other_outpatient",
            "ms",
            "Laboratory",
            {"coinsurance": 0},
            500_000,
        ),
        (
            "outpatient_in_network",
            "all_other_outpatient",
            "mhsud",
            "Intensive outpatient program",
            {"coinsurance": 20},
            None,
        ),
        (
            "outpatient_in_network",
            "all_other_outpatient",
            "mhsud",
            "Partial hospitalization",
            {"coinsurance": 20},
            None,
        ),
        # Outpatient, out of network: 40% coinsurance.
        (
            "outpatient_out_of_network",
            None,
            "ms",
            "Outpatient care (out of network)",
            {"coinsurance": 40},
            600_000,
        ),
        (
            "outpatient_out_of_network",
            None,
            "mhsud",
            "Therapy (out of network)",
            {"coinsurance": 40},
            None,
        ),
        # Emergency: $250 copay.
        ("emergency", None, "ms", "Emergency room visit", {"copay": 250}, 1_100_000),
        ("emergency", None, "ms", "Emergency transport", {"copay": 250}, 300_000),
        ("emergency", None, "mhsud", "Psychiatric emergency visit", {"copay": 250}, None),
        # Prescription drugs: copays by tier (tiers are permitted sub-classifications).
        ("prescription_drugs", "generic", "ms", "Generic drugs", {"copay": 10}, 1_500_000),
        (
            "prescription_drugs",
            "generic",
            "mhsud",
            "Generic psychiatric drugs",
            {"copay": 10},
            None,
        ),
        (
            "prescription_drugs",
            "preferred_brand",
            "ms",
            "Preferred brand drugs",
            {"copay": 40},
            2_000_000,
        ),
        (
            "prescription_drugs",
            "preferred_brand",
            "mhsud",
            "Preferred brand psychiatric drugs",
            {"copay": 40},
            None,
        ),
    ]


def _plan_b() -> list[_Row]:
    rows = [r for r in _base_plan() if r[0] != "outpatient_in_network"]
    # The regulation's Example 2 levels, in $1,000s: predominant copay is $15.
    rows += [
        ("outpatient_in_network", None, "ms", "Preventive care", {"copay": 0}, 200_000),
        ("outpatient_in_network", None, "ms", "Primary care visit", {"copay": 10}, 200_000),
        (
            "outpatient_in_network",
            None,
            "ms",
            "Outpatient therapy (physical)",
            {"copay": 15},
            200_000,
        ),
        ("outpatient_in_network", None, "ms", "Specialist visit", {"copay": 20}, 300_000),
        ("outpatient_in_network", None, "ms", "Outpatient surgery", {"copay": 50}, 100_000),
        ("outpatient_in_network", None, "mhsud", "Psychotherapy office visit", {"copay": 30}, None),
        (
            "outpatient_in_network",
            None,
            "mhsud",
            "Intensive outpatient program",
            {"copay": 15},
            None,
        ),
    ]
    return rows


def _plan_c() -> list[_Row]:
    rows: list[_Row] = []
    for cls, sub, side, benefit, reqs, pay in _base_plan():
        if side == "mhsud" and "deductible" in reqs:
            reqs = {**reqs, "deductible": 500}  # lower, but accumulates separately (below)
        if side == "mhsud" and sub == "office_visits":
            reqs = {**reqs, "visit_limit": 20}
        rows.append((cls, sub, side, benefit, reqs, pay))
    return rows


def sample_benefits() -> pd.DataFrame:
    """Return the benefits table of the three fictional sample plans.

    Returns
    -------
    pandas.DataFrame
        A table in the benefits data contract (one row per benefit and requirement type).

    Examples
    --------
    >>> from paritykit.synth.benefits import sample_benefits
    >>> table = sample_benefits()
    >>> sorted(table["plan_id"].unique())
    ['SAMPLE-A', 'SAMPLE-B', 'SAMPLE-C']
    """
    records: list[dict[str, object]] = []
    for plan_id, rows in zip(SAMPLE_PLAN_IDS, (_base_plan(), _plan_b(), _plan_c()), strict=True):
        for cls, sub, side, benefit, reqs, pay in rows:
            for requirement, level in reqs.items():
                accumulation = None
                if requirement in ("deductible", "out_of_pocket_max", "day_limit", "visit_limit"):
                    separate = (
                        plan_id == "SAMPLE-C" and side == "mhsud" and requirement == ("deductible")
                    )
                    accumulation = "separate" if separate else "combined"
                records.append(
                    {
                        C.PLAN_ID: plan_id,
                        C.COVERAGE_UNIT: "self_only",
                        C.CLASSIFICATION: cls,
                        C.SUB_CLASSIFICATION: sub,
                        C.SIDE: side,
                        C.BENEFIT: benefit,
                        C.REQUIREMENT_TYPE: requirement,
                        C.LEVEL: level,
                        C.PROJECTED_PAYMENTS: pay,
                        C.ACCUMULATION: accumulation,
                    }
                )
    return pd.DataFrame.from_records(records, columns=list(C.BENEFITS_COLUMNS))


def sample_plan_facts(plan_id: str = "SAMPLE-B") -> dict[str, object]:
    """Return plan facts for one fictional sample plan (an insured employer plan in Ohio).

    Examples
    --------
    >>> sample_plan_facts()["plan_type"]
    'erisa_insured'
    """
    return {
        "plan_name": f"Sample Employer Health Plan ({plan_id}, fictional)",
        "plan_id": plan_id,
        "plan_type": "erisa_insured",
        "sponsor": "Example Manufacturing Co. (fictional)",
        "administrator": "Example Mutual Insurance Co. (fictional)",
        "state": "OH",
        "plan_year": 2026,
    }
