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
# --- labels: codes as a reader says them -----------------------------------------------------
#: A coded value (snake_case, or a one-word code) at the start of a cell: see :func:`is_code`.
CODE_PATTERN: Final = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_TOKEN = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")

#: How a reader says each coded value of the data contracts and the results. A code not listed
#: here reads as its words in sentence case (``no_ms_counterpart`` -> "No ms counterpart", with
#: "ms" and "mhsud" spelled M/S and MH/SUD; see :func:`label_for`).
LABELS: Final[dict[str, str]] = {
    # classifications and sub-classifications
    "inpatient_in_network": "Inpatient, in network",
    "inpatient_out_of_network": "Inpatient, out of network",
    "outpatient_in_network": "Outpatient, in network",
    "outpatient_out_of_network": "Outpatient, out of network",
    "emergency": "Emergency care",
    "prescription_drugs": "Prescription drugs",
    "office_visits": "Office visits",
    "all_other_outpatient": "All other outpatient",
    # sides, coverage units, requirement types
    "ms": "M/S",
    "mhsud": "MH/SUD",
    "self_only": "Self-only",
    "self_plus_one": "Self plus one",
    "family": "Family",
    "copay": "Copay",
    "coinsurance": "Coinsurance",
    "deductible": "Deductible",
    "out_of_pocket_max": "Out-of-pocket maximum",
    "day_limit": "Day limit",
    "visit_limit": "Visit limit",
    "combined": "Combined",
    "separate": "Separate",
    # the quantitative test
    "single_level": "Single level",
    "combination": "Combination of levels",
    "predominant_level_exceeded": "More restrictive than the predominant level",
    "not_substantially_all": "Does not apply to substantially all M/S benefits",
    "no_ms_counterpart": "No M/S counterpart",
    "no_ms_benefits": "No M/S benefits in the classification",
    "separate_accumulation": "Accumulates separately for MH/SUD",
    "mhsud_not_listed": "MH/SUD benefits not listed",
    "near_threshold": "Near a threshold",
    # severities
    "noncompliant": "Fails the quantitative test",
    "depends_on_payments": "Depends on the plan's projected payments",
    "warning_sign": "Warning sign",
    "insufficient": "Analysis insufficient",
    "review": "For review",
    "none": "None",
    # plan types
    "erisa_self_funded": "Self-funded employer plan (ERISA)",
    "erisa_insured": "Insured employer plan (ERISA)",
    "individual": "Individual-market insurance",
    "non_federal_governmental": "Non-federal governmental plan",
    "medicaid_managed_care": "Medicaid managed care plan",
    "chip": "CHIP managed care plan",
    "church": "Church plan",
    "fehb": "Federal Employees Health Benefits plan",
    # statistics
    "pearson_chi_square": "Pearson chi-square",
    "fisher_exact": "Fisher's exact test",
    "fdr_bh": "Benjamini-Hochberg",
    "fdr_by": "Benjamini-Yekutieli",
    "holm": "Holm",
    "bonferroni": "Bonferroni",
    "crude_odds_ratio": "Odds ratio, crude (not stratified)",
    "crude_risk_ratio": "Risk ratio, crude (not stratified)",
    "mh_odds_ratio": "Odds ratio, Mantel-Haenszel",
    "mh_risk_ratio": "Risk ratio, Mantel-Haenszel",
    "cmh_test": "Cochran-Mantel-Haenszel test",
    "cmh_test_uncorrected": "Cochran-Mantel-Haenszel test, no continuity correction",
    "breslow_day": "Breslow-Day test (homogeneity)",
    # outcome measures
    "denial_rate": "Denial rate",
    "medical_necessity_denial_rate": "Medical-necessity denial rate",
    "prior_auth_denial_rate": "Prior-authorization denial rate",
    "prior_auth_reason_denial_rate": "Denial rate for missing prior authorization",
    "out_of_network_rate": "Out-of-network share of claims",
    "allowed_per_unit": "Allowed amount per claim",
    "paid_to_allowed": "Paid share of allowed amount",
    # claims, networks, remittances, payers
    "line": "Claim line",
    "claim": "Claim",
    "in_network": "In network",
    "out_of_network": "Out of network",
    "in": "In network",
    "out": "Out of network",
    "paid": "Paid",
    "denied": "Denied",
    "not_required": "Not required",
    "approved": "Approved",
    "professional": "Professional",
    "institutional": "Institutional",
    "pharmacy": "Pharmacy",
    "payer": "Payer",
    "payer_procedure": "Payer and procedure",
    "medical_necessity": "Medical necessity",
    "authorization": "Authorization",
    "missing_information": "Missing information",
    "timely_filing": "Timely filing",
    "eligibility": "Eligibility",
    "duplicate": "Duplicate",
    "non_covered": "Not covered",
    "benefit_limit": "Benefit limit",
    "prior_auth": "Prior authorization",
    "administrative": "Administrative",
    "other": "Other",
    "unknown": "Unknown code",
    "no_reason": "No reason code",
    "payment_date": "Payment date",
    "denial_date": "Denial date",
    "national": "National",
    "state": "State",
    "skipped": "Skipped",
    "dropped": "Dropped",
    "excluded": "Excluded",
    "normalized": "Normalized",
    "read": "Read",
}
#: Words of column names as a reader says them (:func:`column_label`).
_WORDS: Final[dict[str, str]] = {
    "mhsud": "MH/SUD",
    "ms": "M/S",
    "id": "ID",
    "ci": "CI",
    "bh": "BH",
    "mn": "medical-necessity",
    "carc": "CARC",
    "nqtl": "NQTL",
    "qtl": "QTL",
    "sha256": "SHA-256",
    "icd": "ICD",
    "oon": "out-of-network",
    "auth": "authorization",
    "df": "df",
}
#: Column headers that the word rule would say badly.
COLUMN_LABELS: Final[dict[str, str]] = {
    "p_value": "p-value",
    "p_adjusted": "Adjusted p-value",
    "p_holm": "p-value, Holm",
    "p_bh": "p-value, Benjamini-Hochberg",
    "ms_total_payments": "M/S payments, total",
    "ms_subject_payments": "M/S payments subject to the type",
    "subject_share": "Share subject",
    "threshold": "Threshold",
    "mhsud_subject": "MH/SUD subject",
    "mhsud_level": "MH/SUD level",
    "predominant_threshold": "Predominant threshold",
    "sub_classification": "Sub-classification",
    "cell": "Plan and classification",
    "df": "Degrees of freedom",
    "rank": "Rank",
    "sha256": "SHA-256",
    "bytes": "Bytes",
    "decision_days_mean": "Days to decision, mean",
    "days_to_payment_median": "Days to payment, median",
    "paid_to_allowed": "Paid share of allowed",
    "allowed_per_unit": "Allowed per claim line",
    "suppressed": "Withheld (small cells)",
    "out_of_network_claims": "Out-of-network claims",
    "out_of_network_rate": "Out-of-network share",
    "prior_auth_reason_denial_rate": "Denial rate, missing prior authorization",
    "detectable_ratio": "Detectable ratio",
    "worst_severity": "Most serious finding",
    "mn_denials_bh": "Medical-necessity denials, BH",
    "mn_denials_other": "Medical-necessity denials, other",
    "bh_share_of_mn_denials": "BH share of medical-necessity denials",
}


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def _spoken(token: str) -> str:
    """A snake_case token as words, with the abbreviations readers know spelled out."""
    return " ".join(_WORDS.get(part, part) for part in token.split("_") if part)


def is_code(value: object) -> bool:
    """Return True when ``value`` is a snake_case code (``warning_sign``, ``self_only``).

    Examples
    --------
    >>> is_code("warning_sign"), is_code("Warning sign"), is_code("SAMPLE-B")
    (True, False, False)
    """
    return isinstance(value, str) and CODE_PATTERN.match(value) is not None


def label_for(code: object) -> str:
    """Return a coded value as a reader says it, for a cell on screen or on paper.

    The labels of :data:`LABELS` (classifications, sides, requirement types, severities, plan
    types, statistics) and the NQTL types come first; any other snake_case code reads as its
    words in sentence case. Text that is not a code is returned unchanged.

    Parameters
    ----------
    code : object
        A coded value, e.g. ``"outpatient_in_network"``.

    Returns
    -------
    str

    Examples
    --------
    >>> label_for("outpatient_in_network"), label_for("warning_sign"), label_for("mhsud")
    ('Outpatient, in network', 'Warning sign', 'MH/SUD')
    >>> label_for("fails_whatever_the_payments"), label_for("SAMPLE-B")
    ('Fails whatever the payments', 'SAMPLE-B')
    """
    text = str(code)
    if text in LABELS:
        return LABELS[text]
    from paritykit.validate.nqtl import NQTL_TYPE_LABELS

    if text in NQTL_TYPE_LABELS and text != "other":
        return _sentence(NQTL_TYPE_LABELS[text])
    if text.startswith("denied_") and text[len("denied_") :] in LABELS:
        return "Denied: " + LABELS[text[len("denied_") :]].lower()
    if not is_code(text):
        return text
    return _sentence(_spoken(text))


def humanize_text(text: str) -> str:
    """Replace the snake_case codes inside a sentence by their labels (in lower case).

    Examples
    --------
    >>> humanize_text("prior_auth_denial_rate undefined: prior_auth_requests is 0")
    'prior-authorization denial rate undefined: prior authorization requests is 0'
    """

    def one(match: re.Match[str]) -> str:
        label = label_for(match.group(0))
        return (
            label
            if label[:2].isupper() or label.startswith(("M/S", "MH/SUD"))
            else (label[:1].lower() + label[1:])
        )

    return _TOKEN.sub(one, text)


def column_label(name: object) -> str:
    """Return a column header as a reader says it ("MH/SUD rate", "Adjusted p-value").

    Examples
    --------
    >>> column_label("mhsud_rate"), column_label("p_adjusted"), column_label("rate_ratio_low")
    ('MH/SUD rate', 'Adjusted p-value', 'Rate ratio, low')
    >>> column_label("denied_medical_necessity"), column_label("plan_id")
    ('Denied: medical necessity', 'Plan ID')
    """
    text = str(name)
    if text in COLUMN_LABELS:
        return COLUMN_LABELS[text]
    if text in LABELS and "_" in text:
        return LABELS[text]
    if text.startswith("denied_") and text[len("denied_") :] in LABELS:
        return "Denied: " + LABELS[text[len("denied_") :]].lower()
    for end in ("low", "high"):
        if text.endswith("_" + end) and len(text) > len(end) + 1:
            return f"{column_label(text[: -len(end) - 1])}, {end}"
    if " " in text or not text.islower():
        return _sentence(text)
    return _sentence(_spoken(text))


def level_label(requirement: object, level: object) -> str:
    """Return a QTL level with its unit ("$20 copay", "20% coinsurance", "30-visit limit").

    A blank or zero level is "no copay" (for limits, a blank is "no day limit").

    Examples
    --------
    >>> level_label("copay", 20.0), level_label("coinsurance", 20), level_label("visit_limit", 30)
    ('$20 copay', '20% coinsurance', '30-visit limit')
    >>> level_label("deductible", 1500), level_label("day_limit", None), level_label("copay", 0)
    ('$1,500 deductible', 'no day limit', 'no copay')
    """
    kind = str(requirement)
    words = LABELS.get(kind, _spoken(kind)).lower()
    try:
        value = float(level)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = float("nan")
    if value != value or (kind not in TREATMENT_LIMITS and value == 0):
        return f"no {words}"
    shown = f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    if kind == "coinsurance":
        return f"{value:g}% coinsurance"
    if kind in TREATMENT_LIMITS:
        unit = "day" if kind == "day_limit" else "visit"
        return f"{shown}-{unit} limit"
    return f"${shown} {words}"
