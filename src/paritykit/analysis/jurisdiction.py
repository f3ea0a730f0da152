"""Which regulator receives a parity complaint, by plan type (PARITY.md section 7)."""

from __future__ import annotations

from dataclasses import dataclass

from paritykit.load.plan_facts import PlanFacts

__all__ = ["Regulator", "regulators_for"]

EBSA_NAME = "U.S. Department of Labor, Employee Benefits Security Administration (EBSA)"
EBSA_CONTACT = "askebsa.dol.gov; 1-866-444-3272"


@dataclass(frozen=True)
class Regulator:
    """A regulator that receives complaints about a plan.

    Attributes
    ----------
    name : str
        The agency's name.
    contact : str
        How to reach it, where a verified public contact is known (else empty).
    role : str
        ``"primary"`` (address the complaint here) or ``"also"`` (send a copy).
    basis : str
        Why this regulator has jurisdiction, in one sentence.
    """

    name: str
    contact: str
    role: str
    basis: str


def regulators_for(facts: PlanFacts) -> tuple[Regulator, ...]:
    """Return the regulators for a plan, the one to address first.

    Parameters
    ----------
    facts : PlanFacts
        The plan's jurisdiction facts (plan type and state decide).

    Returns
    -------
    tuple of Regulator

    Examples
    --------
    >>> from paritykit.load.plan_facts import read_plan_facts
    >>> facts = read_plan_facts({"plan_name": "X", "plan_type": "erisa_self_funded",
    ...                          "state": "TX", "plan_year": 2026})
    >>> regulators_for(facts)[0].name
    'U.S. Department of Labor, Employee Benefits Security Administration (EBSA)'
    """
    state = facts.state_name
    doi = f"{state} state insurance regulator (department of insurance)"
    if facts.plan_type == "erisa_self_funded":
        return (
            Regulator(
                EBSA_NAME,
                EBSA_CONTACT,
                "primary",
                "A self-funded private employer plan is governed by ERISA and enforced by "
                "the Department of Labor; state insurance law does not reach it.",
            ),
        )
    if facts.plan_type == "erisa_insured":
        return (
            Regulator(
                doi,
                "",
                "primary",
                f"The plan's insurance policy is regulated by the state of {state}.",
            ),
            Regulator(
                EBSA_NAME,
                EBSA_CONTACT,
                "also",
                "The plan is a private employer plan governed by ERISA.",
            ),
        )
    if facts.plan_type == "individual":
        return (
            Regulator(
                doi,
                "",
                "primary",
                f"Individual health insurance policies are regulated by the state of {state}.",
            ),
        )
    if facts.plan_type == "non_federal_governmental":
        return (
            Regulator(
                "Centers for Medicare & Medicaid Services (CMS), U.S. Department of "
                "Health and Human Services",
                "",
                "primary",
                "CMS enforces MHPAEA for state and local government employer plans "
                "(non-federal governmental plans).",
            ),
        )
    return (
        Regulator(
            f"{state} state Medicaid agency",
            "",
            "primary",
            "Medicaid managed care and CHIP plans are overseen by the state Medicaid agency.",
        ),
        Regulator(
            "Centers for Medicare & Medicaid Services (CMS), U.S. Department of Health "
            "and Human Services",
            "",
            "also",
            "CMS oversees state Medicaid programs.",
        ),
    )
