"""Column names of every input contract and tidy output, defined once.

Import names from here instead of typing string literals, so that ``p_value`` is ``p_value``
everywhere. Modules add their own output columns here rather than inventing local spellings.
"""

from __future__ import annotations

# --- shared keys -------------------------------------------------------------------------
PLAN_ID = "plan_id"
COVERAGE_UNIT = "coverage_unit"
CLASSIFICATION = "classification"
SUB_CLASSIFICATION = "sub_classification"
SIDE = "side"

# --- benefits contract (one row per benefit bucket and requirement type) ------------------
BENEFIT = "benefit"
REQUIREMENT_TYPE = "requirement_type"
LEVEL = "level"
PROJECTED_PAYMENTS = "projected_payments"
ACCUMULATION = "accumulation"

BENEFITS_REQUIRED: tuple[str, ...] = (
    PLAN_ID,
    CLASSIFICATION,
    SIDE,
    BENEFIT,
    REQUIREMENT_TYPE,
    LEVEL,
    PROJECTED_PAYMENTS,
)
BENEFITS_OPTIONAL: tuple[str, ...] = (COVERAGE_UNIT, SUB_CLASSIFICATION, ACCUMULATION)
BENEFITS_COLUMNS: tuple[str, ...] = (
    PLAN_ID,
    COVERAGE_UNIT,
    CLASSIFICATION,
    SUB_CLASSIFICATION,
    SIDE,
    BENEFIT,
    REQUIREMENT_TYPE,
    LEVEL,
    PROJECTED_PAYMENTS,
    ACCUMULATION,
)
#: Added by :func:`paritykit.read_benefits`: the row number as the user sees it in the source.
SOURCE_ROW = "source_row"

# --- claims contract (one row per claim line) ---------------------------------------------
CLAIM_ID = "claim_id"
LINE_NUMBER = "line_number"
MEMBER_ID = "member_id"
SERVICE_DATE = "service_date"
DIAGNOSIS_CODE = "diagnosis_code"
PROCEDURE_CODE = "procedure_code"
REVENUE_CODE = "revenue_code"
PLACE_OF_SERVICE = "place_of_service"
BILL_TYPE = "bill_type"
CLAIM_TYPE = "claim_type"
NETWORK_STATUS = "network_status"
STATUS = "status"
DENIAL_REASON = "denial_reason"
PRIOR_AUTH = "prior_auth"
BILLED_AMOUNT = "billed_amount"
ALLOWED_AMOUNT = "allowed_amount"
PAID_AMOUNT = "paid_amount"
DECISION_DAYS = "decision_days"
CLASSIFIED_BY = "classified_by"

# --- quantitative test output ---------------------------------------------------------------
MS_TOTAL_PAYMENTS = "ms_total_payments"
MS_SUBJECT_PAYMENTS = "ms_subject_payments"
SUBJECT_SHARE = "subject_share"
SUBSTANTIALLY_ALL = "substantially_all"
PREDOMINANT_LEVEL = "predominant_level"
PREDOMINANT_SHARE = "predominant_share"
MHSUD_LEVEL = "mhsud_level"
SEPARATE_ACCUMULATION = "separate_accumulation"
COMPLIANT = "compliant"
FINDING = "finding"
LEVEL_PAYMENTS = "level_payments"
SHARE_OF_SUBJECT = "share_of_subject"
SHARE_OF_TOTAL = "share_of_total"
RESTRICTIVENESS_RANK = "restrictiveness_rank"
IN_COMBINATION = "in_combination"
CUMULATIVE_SHARE = "cumulative_share"
IS_PREDOMINANT = "is_predominant"
FINDING_KIND = "finding_kind"
SEVERITY = "severity"
CITATION = "citation"

# --- statistics output (shared by the stats module and the evidence writers) ---------------
P_VALUE = "p_value"
P_ADJUSTED = "p_adjusted"
FLAGGED = "flagged"
NOTE = "note"

# --- statistics output (issue 4: paritykit.stats) -------------------------------------------

# --- claims engine and outcome summaries (issue 3) -------------------------------------------

# --- remittances and practices (issue 6) ------------------------------------------------------

# --- public issuer data (issue 7: TC-PUF) -----------------------------------------------------
