"""Coded values of the data contracts (classifications, sides, requirement types, ...).

Values are lower-case snake_case strings. :func:`normalize_token` turns what users type
("Inpatient, In-Network", "MH/SUD") into that form before matching, and the ``*_ALIASES``
maps accept common spellings.
"""

from __future__ import annotations

import re
from typing import Final, Literal

Classification = Literal[
    "inpatient_in_network",
    "inpatient_out_of_network",
    "outpatient_in_network",
    "outpatient_out_of_network",
    "emergency",
    "prescription_drugs",
]
CLASSIFICATIONS: Final[tuple[str, ...]] = (
    "inpatient_in_network",
    "inpatient_out_of_network",
    "outpatient_in_network",
    "outpatient_out_of_network",
    "emergency",
    "prescription_drugs",
)
CLASSIFICATION_ALIASES: Final[dict[str, str]] = {
    "inpatient_in_network": "inpatient_in_network",
    "inpatient_innetwork": "inpatient_in_network",
    "inpatient_out_network": "inpatient_out_of_network",
    "inpatient_oon": "inpatient_out_of_network",
    "outpatient_innetwork": "outpatient_in_network",
    "outpatient_out_network": "outpatient_out_of_network",
    "outpatient_oon": "outpatient_out_of_network",
    "emergency_care": "emergency",
    "emergency_services": "emergency",
    "er": "emergency",
    "prescription_drug": "prescription_drugs",
    "pharmacy": "prescription_drugs",
    "rx": "prescription_drugs",
}
OUTPATIENT_CLASSIFICATIONS: Final[tuple[str, ...]] = (
    "outpatient_in_network",
    "outpatient_out_of_network",
)
#: Sub-classifications the regulation permits for outpatient benefits. Network tier names are
#: also permitted (any other non-blank value is read as a tier name).
OUTPATIENT_SUB_CLASSIFICATIONS: Final[tuple[str, ...]] = ("office_visits", "all_other_outpatient")

Side = Literal["ms", "mhsud"]
MS: Final = "ms"
MHSUD: Final = "mhsud"
SIDES: Final[tuple[str, ...]] = (MS, MHSUD)
SIDE_ALIASES: Final[dict[str, str]] = {
    "ms": MS,
    "m_s": MS,
    "med_surg": MS,
    "medical_surgical": MS,
    "medical": MS,
    "mhsud": MHSUD,
    "mh_sud": MHSUD,
    "mh": MHSUD,
    "sud": MHSUD,
    "behavioral_health": MHSUD,
    "mental_health_substance_use_disorder": MHSUD,
}

RequirementType = Literal[
    "copay", "coinsurance", "deductible", "out_of_pocket_max", "day_limit", "visit_limit"
]
FINANCIAL_REQUIREMENTS: Final[tuple[str, ...]] = (
    "copay",
    "coinsurance",
    "deductible",
    "out_of_pocket_max",
)
TREATMENT_LIMITS: Final[tuple[str, ...]] = ("day_limit", "visit_limit")
REQUIREMENT_TYPES: Final[tuple[str, ...]] = FINANCIAL_REQUIREMENTS + TREATMENT_LIMITS
#: Requirement types that accumulate and so must not accumulate separately for MH/SUD
#: (29 CFR 2590.712(c)(3)(v)).
CUMULATIVE_REQUIREMENTS: Final[tuple[str, ...]] = (
    "deductible",
    "out_of_pocket_max",
    "day_limit",
    "visit_limit",
)
#: Aggregate lifetime and annual dollar limits (29 CFR 2590.712(b)): tested over all M/S benefits
#: of a plan and coverage unit, not per classification, and not financial requirements.
DOLLAR_LIMITS: Final[tuple[str, ...]] = ("annual_dollar_limit", "lifetime_dollar_limit")
#: Every requirement type the benefits contract accepts.
BENEFIT_REQUIREMENT_TYPES: Final[tuple[str, ...]] = REQUIREMENT_TYPES + DOLLAR_LIMITS
REQUIREMENT_ALIASES: Final[dict[str, str]] = {
    "copayment": "copay",
    "co_pay": "copay",
    "co_payment": "copay",
    "co_insurance": "coinsurance",
    "oop_max": "out_of_pocket_max",
    "out_of_pocket_maximum": "out_of_pocket_max",
    "moop": "out_of_pocket_max",
    "day_limits": "day_limit",
    "visit_limits": "visit_limit",
    "days": "day_limit",
    "visits": "visit_limit",
    "annual_limit": "annual_dollar_limit",
    "annual_maximum": "annual_dollar_limit",
    "annual_dollar_maximum": "annual_dollar_limit",
    "lifetime_limit": "lifetime_dollar_limit",
    "lifetime_maximum": "lifetime_dollar_limit",
    "lifetime_max": "lifetime_dollar_limit",
    "lifetime_dollar_maximum": "lifetime_dollar_limit",
    "aggregate_lifetime_limit": "lifetime_dollar_limit",
}

Accumulation = Literal["combined", "separate"]
ACCUMULATIONS: Final[tuple[str, ...]] = ("combined", "separate")

COVERAGE_UNIT_DEFAULT: Final = "self_only"

ClaimType = Literal["professional", "institutional", "pharmacy"]
CLAIM_TYPES: Final[tuple[str, ...]] = ("professional", "institutional", "pharmacy")
NETWORK_STATUSES: Final[tuple[str, ...]] = ("in", "out")
CLAIM_STATUSES: Final[tuple[str, ...]] = ("paid", "denied")
PRIOR_AUTH_VALUES: Final[tuple[str, ...]] = ("not_required", "approved", "denied")

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_token(value: object) -> str:
    """Return ``value`` as a lower-case snake_case token.

    Examples
    --------
    >>> normalize_token(" Inpatient, Out-of-Network ")
    'inpatient_out_of_network'
    >>> normalize_token("MH/SUD")
    'mh_sud'
    """
    return _NON_ALNUM.sub("_", str(value).strip().lower()).strip("_")


# --- plan types ------------------------------------------------------------------------------
#: Every plan type paritykit knows, in one vocabulary used by plan facts, the jurisdiction
#: table, the appeal deadlines, open denials and the appeal and complaint letters.
#:
#: - ``erisa_insured`` / ``erisa_self_funded``: a private employer's group health plan, governed
#:   by ERISA, whose benefits an insurer pays (insured) or the plan itself pays (self-funded);
#: - ``non_federal_governmental``: a state or local government employer's plan, insured or
#:   self-funded (one name: the appeal rules, 45 CFR 147.136, and the regulator paritykit
#:   names, CMS, are the same for both);
#: - ``individual``: an individual-market policy (on or off the Marketplace);
#: - ``medicaid_managed_care`` / ``chip``: a Medicaid or CHIP managed care plan;
#: - ``church``: a church plan (29 U.S.C. 1002(33)), exempt from ERISA unless it elected ERISA
#:   coverage (29 U.S.C. 1003(b)(2); 26 U.S.C. 410(d));
#: - ``fehb``: a Federal Employees Health Benefits plan (5 U.S.C. chapter 89), run by OPM.
#:
#: Grandfathered status (29 CFR 2590.715-1251) is not a plan type: the appeal functions take
#: ``grandfathered=True``.
PlanType = Literal[
    "erisa_insured",
    "erisa_self_funded",
    "non_federal_governmental",
    "individual",
    "medicaid_managed_care",
    "chip",
    "church",
    "fehb",
]
PLAN_TYPES: Final[tuple[str, ...]] = (
    "erisa_insured",
    "erisa_self_funded",
    "non_federal_governmental",
    "individual",
    "medicaid_managed_care",
    "chip",
    "church",
    "fehb",
)
#: What each plan type is called in words (forms, the web app's plan type list).
PLAN_TYPE_LABELS: Final[dict[str, str]] = {
    "erisa_insured": "Employer plan, insured (ERISA; an insurer pays the claims)",
    "erisa_self_funded": "Employer plan, self-funded (ERISA; the employer pays the claims)",
    "non_federal_governmental": "State or local government employer plan",
    "individual": "Individual-market insurance (bought by you, e.g. on the Marketplace)",
    "medicaid_managed_care": "Medicaid managed care plan",
    "chip": "CHIP (Children's Health Insurance Program)",
    "church": "Church plan",
    "fehb": "Federal Employees Health Benefits (FEHB)",
}
#: The two private employer (ERISA) plan types.
ERISA_PLAN_TYPES: Final[tuple[str, ...]] = ("erisa_insured", "erisa_self_funded")
#: Other spellings accepted for a canonical plan type (after :func:`normalize_token`). Only
#: spellings that name one plan type are here: "self-funded" alone could be a private or a
#: governmental plan, "Medicaid" alone fee-for-service Medicaid, so they are not accepted.
PLAN_TYPE_ALIASES: Final[dict[str, str]] = {
    "erisa_fully_insured": "erisa_insured",
    "fully_insured_erisa": "erisa_insured",
    "insured_erisa": "erisa_insured",
    "erisa_self_insured": "erisa_self_funded",
    "self_funded_erisa": "erisa_self_funded",
    "self_insured_erisa": "erisa_self_funded",
    "nonfederal_governmental": "non_federal_governmental",
    "non_federal_government": "non_federal_governmental",
    "state_or_local_government": "non_federal_governmental",
    "individual_market": "individual",
    "individual_policy": "individual",
    "individual_coverage": "individual",
    "medicaid_mco": "medicaid_managed_care",
    "medicaid_managed_care_organization": "medicaid_managed_care",
    "medicaid_managed_care_plan": "medicaid_managed_care",
    "childrens_health_insurance_program": "chip",
    "church_plan": "church",
    "fehbp": "fehb",
    "federal_employees_health_benefits": "fehb",
    "federal_employees_health_benefits_program": "fehb",
}
#: Older names of the appeal functions. They do not say whether the plan is insured or
#: self-funded, which the appeal deadlines do not need and the regulator does; the appeal
#: functions accept them (``grandfathered_group`` meaning ``grandfathered=True``), plan facts
#: and complaint letters ask for one of :data:`ERISA_PLAN_TYPES` instead.
LEGACY_GROUP_PLAN_TYPES: Final[dict[str, bool]] = {"group": False, "grandfathered_group": True}


def normalize_plan_type(value: object, *, accept_group: bool = False) -> str:
    """Return the canonical plan type for ``value`` (see :data:`PLAN_TYPES`).

    Parameters
    ----------
    value : object
        A plan type as a user typed it: ``"ERISA self-funded"``, ``"church plan"``, ``"FEHBP"``.
    accept_group : bool, default False
        Also accept the older ``group`` and ``grandfathered_group`` (returned as they are);
        the appeal functions, which do not need insured vs self-funded, pass True.

    Returns
    -------
    str

    Raises
    ------
    ConfigurationError
        The value is not a plan type; the message lists the accepted names.

    Examples
    --------
    >>> normalize_plan_type("ERISA self-funded")
    'erisa_self_funded'
    >>> normalize_plan_type("FEHBP")
    'fehb'
    >>> normalize_plan_type("group", accept_group=True)
    'group'
    """
    from paritykit.errors import ConfigurationError

    token = normalize_token(value)
    if token in PLAN_TYPES:
        return token
    if token in PLAN_TYPE_ALIASES:
        return PLAN_TYPE_ALIASES[token]
    if token in LEGACY_GROUP_PLAN_TYPES:
        if accept_group:
            return token
        raise ConfigurationError(
            f"plan type {value!r} does not say whether the employer plan is insured or "
            "self-funded, which decides the regulator; use erisa_insured (an insurer pays the "
            "claims) or erisa_self_funded (the plan pays them; the insurer only administers)."
        )
    from paritykit.validate.problems import did_you_mean

    names = PLAN_TYPES + (tuple(LEGACY_GROUP_PLAN_TYPES) if accept_group else ())
    raise ConfigurationError(
        f"unknown plan type {value!r}{did_you_mean(token, names)}; use one of "
        + ", ".join(names)
        + "."
    )


# --- appeal log (issue 16) -------------------------------------------------------------------
#: Events of the appeal log, in the order they normally happen to a denied claim.
APPEAL_EVENTS: Final[tuple[str, ...]] = (
    "call",
    "resubmitted",
    "appeal_filed",
    "appeal_decided",
    "external_review_requested",
    "external_review_decided",
    "complaint_filed",
)
#: Events that decide something; they carry an outcome other than ``pending``.
DECISION_EVENTS: Final[tuple[str, ...]] = ("appeal_decided", "external_review_decided")
#: Outcomes of an appeal or external review (``pending``: not decided yet).
APPEAL_OUTCOMES: Final[tuple[str, ...]] = ("overturned", "upheld", "partial", "pending")
#: Other spellings accepted for an outcome (after :func:`normalize_token`).
APPEAL_OUTCOME_ALIASES: Final[dict[str, str]] = {
    "overturn": "overturned",
    "reversed": "overturned",
    "approved": "overturned",
    "won": "overturned",
    "uphold": "upheld",
    "denied": "upheld",
    "lost": "upheld",
    "partially_overturned": "partial",
    "partly_overturned": "partial",
    "open": "pending",
    "waiting": "pending",
}
#: Yes/no cells of the appeal log (``clinical_documentation``, ``provider_letter``,
#: ``parity_cited``), after :func:`normalize_token`.
YES_VALUES: Final[tuple[str, ...]] = ("yes", "y", "true", "1", "x")
NO_VALUES: Final[tuple[str, ...]] = ("no", "n", "false", "0")
