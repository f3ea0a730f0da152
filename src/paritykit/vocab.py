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
