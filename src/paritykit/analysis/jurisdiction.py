"""Which regulator receives a parity complaint, by plan type.

Names, addresses, phones and complaint pages come from the packaged regulator directory
(:func:`paritykit.regulators.find_regulators`); a fact the directory leaves blank is printed as
a bracketed line saying where to find it, never guessed. Every plan type of
:data:`paritykit.vocab.PLAN_TYPES` is routed here. Church plans and FEHB plans have regulators
but no complaint letter: :data:`NO_COMPLAINT_LETTER` says whom to contact instead, and
:func:`paritykit.evidence.letters.render_complaint_letter` refuses them with that message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from paritykit.citations import cite
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
        Phone and complaint page, where the directory records them (else empty).
    role : str
        ``"primary"`` (address the complaint here) or ``"also"`` (send a copy).
    basis : str
        Why this regulator has jurisdiction, in one or two sentences.
    address : tuple of str
        The postal address lines under the name; a blank directory fact is one bracketed
        line saying where to find it.
    complaint_url : str
        The office's complaint page (or the directory's source page), else empty.
    phone : str
        Else empty.
    office_id : str
        The directory row (``"OH-DOI"``), else empty.
    parity_law : str
        The state's parity law as the directory records it (state insurance offices), else
        empty.
    """

    name: str
    contact: str
    role: str
    basis: str
    address: tuple[str, ...] = ()
    complaint_url: str = ""
    phone: str = ""
    office_id: str = ""
    parity_law: str = ""

    @property
    def address_lines(self) -> tuple[str, ...]:
        """The address block: name, then the address lines."""
        return (self.name, *self.address)


def _cell(row: object, column: str) -> str:
    try:
        value = row[column]  # type: ignore[index]
    except (KeyError, IndexError):
        return ""
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def _from_row(row: object, role: str, basis: str) -> Regulator:
    """A regulator from a directory row; blank facts become a bracketed pointer."""
    url = _cell(row, "complaint_url")
    where = url or _cell(row, "source_url")
    lines = [x for x in (_cell(row, "street"), _cell(row, "po_box")) if x]
    city = _cell(row, "city")
    if lines and city:
        lines.append(f"{city}, {_cell(row, 'state_code')} {_cell(row, 'zip')}".strip())
    else:
        lines = [
            f"[mailing address: see {where}]"
            if where
            else "[mailing address: not in paritykit's regulator directory]"
        ]
    phone = _cell(row, "phone")
    contact = "; ".join(x for x in (f"telephone {phone}" if phone else "", url) if x)
    return Regulator(
        name=_cell(row, "name"),
        contact=contact,
        role=role,
        basis=basis,
        address=tuple(lines),
        complaint_url=url,
        phone=phone,
        office_id=_cell(row, "office_id"),
        parity_law=_cell(row, "parity_law"),
    )


def _office(state: str, kind: str, fallback: str, role: str, basis: str) -> Regulator:
    """The directory's office of ``kind`` for ``state``, or a named placeholder."""
    from paritykit.errors import ConfigurationError
    from paritykit.regulators import ebsa_office_for, find_regulators

    try:
        if kind == "ebsa":
            return _from_row(ebsa_office_for(state), role, basis)
        rows = find_regulators(state, kind)
    except ConfigurationError:  # a territory: not in the directory
        rows = None
    if rows is None or not len(rows):
        return Regulator(
            fallback,
            "",
            role,
            basis,
            ("[mailing address: not in paritykit's regulator directory]",),
        )
    return _from_row(rows.iloc[0], role, basis)


def regulators_for(facts: PlanFacts) -> tuple[Regulator, ...]:
    """Return the regulators for a plan, the one to address first.

    Parameters
    ----------
    facts : PlanFacts
        The plan's jurisdiction facts (plan type, state and, for non-federal governmental
        plans, ``funding``, decide).

    Returns
    -------
    tuple of Regulator

    Examples
    --------
    >>> from paritykit.load.plan_facts import read_plan_facts
    >>> facts = read_plan_facts({"plan_name": "X", "plan_type": "erisa_insured",
    ...                          "state": "OH", "plan_year": 2026})
    >>> [r.name for r in regulators_for(facts)][0]
    'Ohio Department of Insurance'
    """
    state = facts.state_name
    code = facts.state
    doi_fallback = f"{state} insurance regulator"
    cms_state = (
        f" Where a state does not substantially enforce MHPAEA against insurers, CMS enforces it "
        f"({cite('phsa_enforcement_state')})."
    )
    ebsa_basis = (
        "A private employer's group health plan is governed by ERISA, enforced by the Department "
        "of Labor (EBSA)."
    )
    if facts.plan_type == "erisa_self_funded":
        return (
            _office(
                code,
                "ebsa",
                EBSA_NAME,
                "primary",
                ebsa_basis + " State insurance law does not reach a self-funded plan.",
            ),
        )
    if facts.plan_type == "erisa_insured":
        return (
            _office(
                code,
                "state_insurance",
                doi_fallback,
                "primary",
                f"The plan's insurance policy is regulated by the state of {state}." + cms_state,
            ),
            _office(code, "ebsa", EBSA_NAME, "also", ebsa_basis),
        )
    if facts.plan_type == "individual":
        return (
            _office(
                code,
                "state_insurance",
                doi_fallback,
                "primary",
                f"Individual health insurance policies are regulated by the state of {state}."
                + cms_state,
            ),
        )
    if facts.plan_type == "non_federal_governmental":
        cms_basis = (
            "CMS enforces MHPAEA for state and local government employer plans (non-federal "
            f"governmental plans; {cite('phsa_enforcement_nonfed')})."
        )
        funding = getattr(facts, "funding", None)
        if funding == "insured":
            return (
                _office(
                    code,
                    "state_insurance",
                    doi_fallback,
                    "primary",
                    f"The plan is insured: the insurer's policy is regulated by the state of "
                    f"{state}." + cms_state,
                ),
                _office(code, "cms", CMS_NAME, "also", cms_basis),
            )
        regulators = [_office(code, "cms", CMS_NAME, "primary", cms_basis)]
        if funding is None:
            regulators.append(
                _office(
                    code,
                    "state_insurance",
                    doi_fallback,
                    "also",
                    f"If the plan is insured, the insurer's policy is regulated by the state of "
                    f"{state} (set funding: insured or self_funded in the plan facts).",
                )
            )
        return tuple(regulators)
    if facts.plan_type == "church":
        return (
            _office(
                code,
                "state_insurance",
                doi_fallback,
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
            _office(
                code,
                "opm",
                OPM_NAME,
                "primary",
                "OPM contracts with FEHB carriers (5 U.S.C. 8902), reviews disputed claims "
                "(5 CFR 890.105) and has required parity of FEHB carriers since 2001.",
            ),
        )
    # medicaid_managed_care and chip
    rule = cite("chip_parity") if facts.plan_type == "chip" else cite("medicaid_k")
    return (
        _office(
            code,
            "state_medicaid",
            f"{state} state Medicaid agency",
            "primary",
            f"The state Medicaid agency contracts with and oversees the plan, and must ensure "
            f"that it meets the parity rules ({rule}).",
        ),
        _office(
            code,
            "cms",
            CMS_NAME,
            "also",
            "CMS oversees the state's Medicaid and CHIP programs and approves its managed care "
            "contracts.",
        ),
    )
