"""Which regulator receives a parity complaint, by plan type (PARITY.md section 7).

Every plan type of :data:`paritykit.vocab.PLAN_TYPES` is routed here. Church plans and FEHB
plans have regulators but no complaint letter: :data:`NO_COMPLAINT_LETTER` says whom to contact
instead, and :func:`paritykit.evidence.letters.render_complaint_letter` refuses them with that
message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from paritykit.load.plan_facts import PlanFacts

__all__ = ["NO_COMPLAINT_LETTER", "Regulator", "regulators_for"]

EBSA_NAME = "U.S. Department of Labor, Employee Benefits Security Administration (EBSA)"
EBSA_CONTACT = "askebsa.dol.gov; 1-866-444-3272"
CMS_NAME = (
    "Centers for Medicare & Medicaid Services (CMS), U.S. Department of Health and Human Services"
)
OPM_NAME = "U.S. Office of Personnel Management (OPM), Federal Employees Health Benefits Program"
IRS_NAME = "Internal Revenue Service (IRS), U.S. Department of the Treasury"

#: Plan types paritykit routes but writes no complaint letter for, with whom to contact.
NO_COMPLAINT_LETTER: Final[dict[str, str]] = {
    "church": (
        "church plans: paritykit does not draft this complaint letter. A church plan "
        "(29 U.S.C. 1002(33)) is outside ERISA unless it elected ERISA coverage "
        "(29 U.S.C. 1003(b)(2); 26 U.S.C. 410(d)), so EBSA does not take the complaint. If an "
        "insurer pays the claims, complain to the state insurance regulator about the insurer; "
        "the Internal Revenue Code's parity rule (26 U.S.C. 9812; 26 CFR 54.9812-1) binds the "
        "plan itself and is enforced by the IRS through an excise tax (26 U.S.C. 4980D). If the "
        "plan elected ERISA coverage, use plan_type erisa_insured or erisa_self_funded."
    ),
    "fehb": (
        "FEHB plans: paritykit does not draft this complaint letter. FEHB plans are contracts "
        "between the carrier and OPM (5 U.S.C. 8902), outside ERISA, and the contract's terms "
        "on coverage and benefits displace state insurance law (5 U.S.C. 8902(m)(1)); "
        "OPM has required mental health and substance use disorder parity of FEHB carriers "
        "since 2001. Ask the carrier to reconsider a denied claim, then ask OPM to review it "
        "(5 CFR 890.105), and send parity concerns to OPM's FEHB program."
    ),
}


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
    if facts.plan_type == "church":
        return (
            Regulator(
                doi,
                "",
                "primary",
                f"An insured church plan's insurance policy is regulated by the state of {state}; "
                "a church plan is outside ERISA unless it elected ERISA coverage, and state "
                "insurance law generally reaches only the insurer of an insured plan.",
            ),
            Regulator(
                IRS_NAME,
                "",
                "also",
                "The Internal Revenue Code's parity rule (26 U.S.C. 9812; 26 CFR 54.9812-1) "
                "applies to church plans and is enforced through an excise tax "
                "(26 U.S.C. 4980D).",
            ),
        )
    if facts.plan_type == "fehb":
        return (
            Regulator(
                OPM_NAME,
                "",
                "primary",
                "OPM contracts with FEHB carriers (5 U.S.C. 8902), reviews disputed claims "
                "(5 CFR 890.105) and has required parity of FEHB carriers since 2001.",
            ),
        )
    if facts.plan_type == "non_federal_governmental":
        return (
            Regulator(
                CMS_NAME,
                "",
                "primary",
                "CMS enforces MHPAEA for state and local government employer plans "
                "(non-federal governmental plans).",
            ),
        )
    # medicaid_managed_care and chip
    return (
        Regulator(
            f"{state} state Medicaid agency",
            "",
            "primary",
            "Medicaid managed care and CHIP plans are overseen by the state Medicaid agency.",
        ),
        Regulator(
            CMS_NAME,
            "",
            "also",
            "CMS oversees state Medicaid programs.",
        ),
    )
