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
#: Payment-free screening (a classification whose M/S rows carry no projected payments).
SCREENING = "screening"
SCREENING_CONDITION = "screening_condition"
SCREENING_BENEFITS = "screening_benefits"
#: Aggregate lifetime and annual dollar limits (29 CFR 2590.712(b)).
DOLLAR_LIMIT_RULE = "dollar_limit_rule"
MS_LIMIT = "ms_limit"
MHSUD_LIMIT = "mhsud_limit"

# --- statistics output (shared by the stats module and the evidence writers) ---------------
P_VALUE = "p_value"
P_ADJUSTED = "p_adjusted"
FLAGGED = "flagged"
NOTE = "note"

# --- statistics output (issue 4: paritykit.stats) -------------------------------------------
MHSUD_EVENTS = "mhsud_events"
MHSUD_TRIALS = "mhsud_trials"
MHSUD_RATE = "mhsud_rate"
MS_EVENTS = "ms_events"
MS_TRIALS = "ms_trials"
MS_RATE = "ms_rate"
RATE_RATIO = "rate_ratio"
RATE_RATIO_LOW = "rate_ratio_low"
RATE_RATIO_HIGH = "rate_ratio_high"
RATE_DIFFERENCE = "rate_difference"
RATE_DIFFERENCE_LOW = "rate_difference_low"
RATE_DIFFERENCE_HIGH = "rate_difference_high"
ODDS_RATIO = "odds_ratio"
ODDS_RATIO_LOW = "odds_ratio_low"
ODDS_RATIO_HIGH = "odds_ratio_high"
STATISTIC = "statistic"
TEST = "test"
DETECTABLE_RATIO = "detectable_ratio"
MHSUD_N = "mhsud_n"
MS_N = "ms_n"
MHSUD_MEDIAN = "mhsud_median"
MS_MEDIAN = "ms_median"
MEDIAN_RATIO = "median_ratio"
MEDIAN_RATIO_LOW = "median_ratio_low"
MEDIAN_RATIO_HIGH = "median_ratio_high"
RELATIVE_EFFECT = "relative_effect"

# --- claims engine and outcome summaries (issue 3) -------------------------------------------
#: Required columns of the claims contract (one row per claim line). ``diagnosis_code`` must be
#: present as a column but may be blank on a line (classification then falls back to codes).
CLAIMS_REQUIRED: tuple[str, ...] = (
    CLAIM_ID,
    LINE_NUMBER,
    PLAN_ID,
    SERVICE_DATE,
    DIAGNOSIS_CODE,
    CLAIM_TYPE,
    NETWORK_STATUS,
    STATUS,
    BILLED_AMOUNT,
    ALLOWED_AMOUNT,
)
CLAIMS_OPTIONAL: tuple[str, ...] = (
    MEMBER_ID,
    PROCEDURE_CODE,
    REVENUE_CODE,
    PLACE_OF_SERVICE,
    BILL_TYPE,
    DENIAL_REASON,
    PRIOR_AUTH,
    PAID_AMOUNT,
    DECISION_DAYS,
)
CLAIMS_COLUMNS: tuple[str, ...] = (
    CLAIM_ID,
    LINE_NUMBER,
    PLAN_ID,
    MEMBER_ID,
    SERVICE_DATE,
    DIAGNOSIS_CODE,
    PROCEDURE_CODE,
    REVENUE_CODE,
    PLACE_OF_SERVICE,
    BILL_TYPE,
    CLAIM_TYPE,
    NETWORK_STATUS,
    STATUS,
    DENIAL_REASON,
    PRIOR_AUTH,
    BILLED_AMOUNT,
    ALLOWED_AMOUNT,
    PAID_AMOUNT,
    DECISION_DAYS,
)
#: Added by :func:`paritykit.classify_claims`: the version of the rule set that classified a line.
RULESET_VERSION = "ruleset_version"
#: Outcome summary (:func:`paritykit.summarize_outcomes`).
UNIT = "unit"
CLAIMS = "claims"
CLAIM_LINES = "claim_lines"
DENIED = "denied"
DENIED_MEDICAL_NECESSITY = "denied_medical_necessity"
DENIED_PRIOR_AUTH = "denied_prior_auth"
DENIED_MISSING_INFORMATION = "denied_missing_information"
DENIED_NON_COVERED = "denied_non_covered"
DENIED_ADMINISTRATIVE = "denied_administrative"
DENIED_BENEFIT_LIMIT = "denied_benefit_limit"
PRIOR_AUTH_REQUESTS = "prior_auth_requests"
PRIOR_AUTH_DENIED = "prior_auth_denied"
OUT_OF_NETWORK_CLAIMS = "out_of_network_claims"
DECISION_DAYS_MEAN = "decision_days_mean"
DENIAL_RATE = "denial_rate"
MEDICAL_NECESSITY_DENIAL_RATE = "medical_necessity_denial_rate"
PRIOR_AUTH_REASON_DENIAL_RATE = "prior_auth_reason_denial_rate"
PRIOR_AUTH_DENIAL_RATE = "prior_auth_denial_rate"
OUT_OF_NETWORK_RATE = "out_of_network_rate"
ALLOWED_PER_UNIT = "allowed_per_unit"
PAID_TO_ALLOWED = "paid_to_allowed"
#: Claims validation (:func:`paritykit.validate_claims`): one row per check.
CHECK = "check"
LINES = "lines"
ACTION = "action"

# --- remittances and practices (issue 6) ------------------------------------------------------
# Claim lines read from X12 835 remittances (beyond the claims contract above).
PROCEDURE_QUALIFIER = "procedure_qualifier"
PROCEDURE_MODIFIERS = "procedure_modifiers"
UNITS = "units"
LINE_CONTROL_NUMBER = "line_control_number"
REMARK_CODES = "remark_codes"
ADJUDICATION_LEVEL = "adjudication_level"
DENIAL_GROUP_CODE = "denial_group_code"
CLAIM_STATUS_CODE = "claim_status_code"
CLAIM_FILING_INDICATOR = "claim_filing_indicator"
FACILITY_CODE = "facility_code"
PAYER_ID = "payer_id"
PAYER_CLAIM_CONTROL_NUMBER = "payer_claim_control_number"
#: A remittance claim's identity: payer, CLP01, CLP07 and service dates joined by "|".
CLAIM_KEY = "claim_key"
CLAIM_BILLED_AMOUNT = "claim_billed_amount"
CLAIM_PAID_AMOUNT = "claim_paid_amount"
PATIENT_RESPONSIBILITY_AMOUNT = "patient_responsibility_amount"
CLAIM_RECEIVED_DATE = "claim_received_date"
PAYMENT_DATE = "payment_date"
PAYMENT_NUMBER = "payment_number"
PAYMENT_METHOD = "payment_method"
SOURCE_FILE = "source_file"
SEGMENT_NUMBER = "segment_number"
#: An X12 transaction set (ST01, e.g. "835", "999") of a file that was skipped.
TRANSACTION_SET = "transaction_set"
# One row per CAS adjustment (claim level when line_number is null).
GROUP_CODE = "group_code"
CARC = "carc"
ADJUSTMENT_AMOUNT = "adjustment_amount"
ADJUSTMENT_QUANTITY = "adjustment_quantity"
# CLP02 = 22 reversals and the payments they cancel.
ORIGINAL_SOURCE_FILE = "original_source_file"
ORIGINAL_SEGMENT_NUMBER = "original_segment_number"
MATCHED = "matched"
# PLB provider-level adjustments.
PROVIDER_ID = "provider_id"
FISCAL_PERIOD_DATE = "fiscal_period_date"
ADJUSTMENT_REASON = "adjustment_reason"
REFERENCE_ID = "reference_id"
# Problems found while reading remittances reuse ACTION ("action") from the claims section.
# CARC denial-reason categories (paritykit.classify.carc).
CARC_LABEL = "carc_label"
CARC_CATEGORY = "carc_category"
COUNTS_AS_DENIAL = "counts_as_denial"
MH_SPECIFIC = "mh_specific"
CARC_TABLE_VERSION = "carc_table_version"
# Code-list facts carried by the CARC table (not added to classified data).
CARC_STATUS = "carc_status"
CARC_START_DATE = "carc_start_date"
CARC_STOP_DATE = "carc_stop_date"
# Appeal deadlines (paritykit.appeal_deadlines).
DEADLINE = "deadline"
DUE_DATE = "due_date"
PERIOD = "period"
COUNTED_FROM = "counted_from"
START_DATE = "start_date"

# --- public issuer data (issue 7: TC-PUF) -----------------------------------------------------
# Identity of TC-PUF rows (issuers and plans frames of paritykit.read_tc_puf).
TC_SHEET = "sheet"
TC_SHEETS = "sheets"
MARKET = "market"
EXCHANGE_TYPE = "exchange_type"
STATE = "state"
ISSUER_ID = "issuer_id"
ISSUER_NAME = "issuer_name"
ISSUER_NEW_TO_EXCHANGE = "issuer_new_to_exchange"
DENTAL_ONLY = "dental_only"
HAS_MEDICAL_PLANS = "has_medical_plans"
#: The issuer has a medical (QHP) plan on an individual-market sheet (KFF counts those only).
HAS_INDIVIDUAL_MEDICAL_PLANS = "has_individual_medical_plans"
PLAN_NEW_OR_RETURNING = "plan_new_or_returning"
PLAN_TYPE = "plan_type"
PRODUCT_TYPE = "product_type"
METAL_LEVEL = "metal_level"
CLAIMS_PAYMENT_POLICIES_URL = "claims_payment_policies_url"
PLAN_COUNT = "plans"
ROWS_COLLAPSED = "rows_collapsed"
# Counts (issuer-level in the issuers frame, plan-level in the plans frame).
CLAIMS_RECEIVED_IN_NETWORK = "claims_received_in_network"
CLAIMS_RECEIVED_OUT_OF_NETWORK = "claims_received_out_of_network"
CLAIMS_DENIED_IN_NETWORK = "claims_denied_in_network"
CLAIMS_DENIED_OUT_OF_NETWORK = "claims_denied_out_of_network"
CLAIMS_RESUBMITTED_IN_NETWORK = "claims_resubmitted_in_network"
CLAIMS_RESUBMITTED_OUT_OF_NETWORK = "claims_resubmitted_out_of_network"
CLAIMS_RECEIVED_TOTAL = "claims_received_total"
CLAIMS_DENIED_TOTAL = "claims_denied_total"
CLAIMS_RESUBMITTED_TOTAL = "claims_resubmitted_total"
INTERNAL_APPEALS_FILED = "internal_appeals_filed"
INTERNAL_APPEALS_OVERTURNED = "internal_appeals_overturned"
INTERNAL_APPEALS_OVERTURNED_PERCENT = "internal_appeals_overturned_percent"
EXTERNAL_APPEALS_FILED = "external_appeals_filed"
EXTERNAL_APPEALS_OVERTURNED = "external_appeals_overturned"
EXTERNAL_APPEALS_OVERTURNED_PERCENT = "external_appeals_overturned_percent"
DENIED_REFERRAL_REQUIRED = "denied_referral_required"
DENIED_OUT_OF_NETWORK = "denied_out_of_network"
DENIED_SERVICES_EXCLUDED = "denied_services_excluded"
DENIED_NOT_MEDICALLY_NECESSARY_EXCLUDING_BH = "denied_not_medically_necessary_excluding_bh"
DENIED_NOT_MEDICALLY_NECESSARY_BH_ONLY = "denied_not_medically_necessary_bh_only"
DENIED_BENEFIT_LIMIT_REACHED = "denied_benefit_limit_reached"
DENIED_MEMBER_NOT_COVERED = "denied_member_not_covered"
DENIED_INVESTIGATIONAL_EXPERIMENTAL_COSMETIC = "denied_investigational_experimental_cosmetic"
DENIED_ADMINISTRATIVE_REASON = "denied_administrative_reason"
DENIED_OTHER = "denied_other"
ENROLLMENT = "enrollment"
DISENROLLMENT = "disenrollment"
ENROLLMENT_PLANS_MISSING = "enrollment_plans_missing"
#: Plans counted for an issuer's enrollment, and how many of them report a number.
ENROLLMENT_PLANS = "enrollment_plans"
ENROLLMENT_PLANS_REPORTED = "enrollment_plans_reported"
#: Sum of the plan enrollment figures an issuer reports: its enrollment when every plan reports
#: one, otherwise only a lower bound (masked plans are unknown, not zero).
ENROLLMENT_REPORTED = "enrollment_reported"
#: Companion column of every TC-PUF count: ``<count>_marker`` holds the marker that stood in
#: the cell ("*", "**", "***", "N/A", or "blank" for an empty cell); missing when a number did.
MARKER_SUFFIX = "_marker"
# issuer_denials output (paritykit.analysis.issuers).
NETWORK = "network"
CLAIMS_RECEIVED = "claims_received"
CLAIMS_DENIED = "claims_denied"
# DENIAL_RATE ("denial_rate") is shared with the claims section above.
CI_LOW = "ci_low"
CI_HIGH = "ci_high"
RANK_IN_STATE = "rank_in_state"
ISSUERS_IN_STATE = "issuers_in_state"
APPEAL_RATE = "appeal_rate"
OVERTURN_RATE = "overturn_rate"
#: Internal appeals filed by issuers that also report how many were overturned (the
#: denominator of a pooled overturn rate).
APPEALS_FILED_WITH_OVERTURNED = "internal_appeals_filed_with_overturned"
OVERTURN_CI_LOW = "overturn_ci_low"
OVERTURN_CI_HIGH = "overturn_ci_high"
MN_DENIALS_BH = "mn_denials_bh"
MN_DENIALS_OTHER = "mn_denials_other"
BH_SHARE = "bh_share_of_mn_denials"
BH_SHARE_CI_LOW = "bh_share_ci_low"
BH_SHARE_CI_HIGH = "bh_share_ci_high"
PLANS_REPORTING_MN = "plans_reporting_mn"
PLANS_NOT_REPORTING_MN = "plans_not_reporting_mn"
SCOPE = "scope"
ISSUERS_POOLED = "issuers"
REFERENCE = "reference"
REFERENCE_CLAIMS_RECEIVED = "reference_claims_received"
REFERENCE_CLAIMS_DENIED = "reference_claims_denied"
REFERENCE_RATE = "reference_rate"
RATE_RATIO = "rate_ratio"
RATE_RATIO_CI_LOW = "rate_ratio_ci_low"
RATE_RATIO_CI_HIGH = "rate_ratio_ci_high"
P_HOLM = "p_holm"
P_BH = "p_bh"
EXCLUSION_REASON = "reason"
EXCLUSION_REASONS_ALL = "all_reasons"
DETAIL = "detail"
KIND = "kind"

# --- NQTL review (issue 8) ---
# NQTL inventory contract (one row per plan x classification x side x NQTL type [x scope]).
# ``scope`` reuses SCOPE ("scope") from the issue 7 section above.
NQTL_TYPE = "nqtl_type"
APPLIES = "applies"
REVIEW_INTERVAL_DAYS = "review_interval_days"
FACTORS = "factors"
EVIDENTIARY_STANDARDS = "evidentiary_standards"
NQTL_SOURCE = "source"
NQTL_REQUIRED: tuple[str, ...] = (PLAN_ID, CLASSIFICATION, SIDE, NQTL_TYPE, APPLIES)
NQTL_OPTIONAL: tuple[str, ...] = (
    SUB_CLASSIFICATION,
    SCOPE,
    REVIEW_INTERVAL_DAYS,
    FACTORS,
    EVIDENTIARY_STANDARDS,
    NQTL_SOURCE,
)
NQTL_COLUMNS: tuple[str, ...] = (
    PLAN_ID,
    CLASSIFICATION,
    SUB_CLASSIFICATION,
    SIDE,
    NQTL_TYPE,
    APPLIES,
    SCOPE,
    REVIEW_INTERVAL_DAYS,
    FACTORS,
    EVIDENTIARY_STANDARDS,
    NQTL_SOURCE,
)
# NQTL review output: side-by-side comparison, findings and linked outcome tests.
MHSUD_APPLIES = "mhsud_applies"
MS_APPLIES = "ms_applies"
MHSUD_SCOPE = "mhsud_scope"
MS_SCOPE = "ms_scope"
MHSUD_REVIEW_INTERVAL_DAYS = "mhsud_review_interval_days"
MS_REVIEW_INTERVAL_DAYS = "ms_review_interval_days"
MHSUD_FACTORS = "mhsud_factors"
MS_FACTORS = "ms_factors"
MHSUD_EVIDENTIARY_STANDARDS = "mhsud_evidentiary_standards"
MS_EVIDENTIARY_STANDARDS = "ms_evidentiary_standards"
MHSUD_SOURCE = "mhsud_source"
MS_SOURCE = "ms_source"
WORST_SEVERITY = "worst_severity"
RULE_BASIS = "rule_basis"
DISCLOSURE_REQUEST = "disclosure_request"
MEASURE = "measure"
# Comparative-analysis answers (one row per NQTL; the six elements of the analysis).
DESCRIPTION = "description"
FACTOR_DEFINITIONS = "factor_definitions"
AS_WRITTEN_ANALYSIS = "as_written_analysis"
IN_OPERATION_ANALYSIS = "in_operation_analysis"
RELEVANT_DATA = "relevant_data"
NO_DATA_REASON = "no_data_reason"
FINDINGS_AND_CONCLUSIONS = "findings_and_conclusions"
ANALYSIS_KEY: tuple[str, ...] = (PLAN_ID, CLASSIFICATION, SUB_CLASSIFICATION, NQTL_TYPE)
ANALYSIS_ELEMENTS: tuple[str, ...] = (
    DESCRIPTION,
    FACTORS,
    EVIDENTIARY_STANDARDS,
    AS_WRITTEN_ANALYSIS,
    IN_OPERATION_ANALYSIS,
    FINDINGS_AND_CONCLUSIONS,
)
ANALYSIS_COLUMNS: tuple[str, ...] = (
    *ANALYSIS_KEY,
    DESCRIPTION,
    FACTORS,
    FACTOR_DEFINITIONS,
    EVIDENTIARY_STANDARDS,
    AS_WRITTEN_ANALYSIS,
    IN_OPERATION_ANALYSIS,
    RELEVANT_DATA,
    NO_DATA_REASON,
    FINDINGS_AND_CONCLUSIONS,
)
# Sufficiency table (one row per analysis x element).
ELEMENT = "element"
ELEMENT_NUMBER = "element_number"
ELEMENT_STATUS = "element_status"
WORDS = "words"

# --- practices: scorecard and appeals (issue 6, part 2) ---
# Billing exports: columns beyond the claims contract that a mapping may name.
DENIAL_DATE = "denial_date"
# Payer scorecard (paritykit.payer_scorecard): one row per payer, or per payer x procedure code.
GROUPING = "grouping"
DENIAL_RATE_LOW = "denial_rate_low"
DENIAL_RATE_HIGH = "denial_rate_high"
#: Prefix of the denied-by-CARC-category counts (``denied_medical_necessity``, ...).
DENIED_PREFIX = "denied_"
DENIED_NO_REASON = "denied_no_reason"
PAID_LINES = "paid_lines"
PAID_AMOUNT_MEDIAN = "paid_amount_median"
PAID_AMOUNT_MEAN = "paid_amount_mean"
ALLOWED_AMOUNT_MEDIAN = "allowed_amount_median"
DAYS_TO_PAYMENT_MEDIAN = "days_to_payment_median"
OTHER_PAYERS_CLAIM_LINES = "other_payers_claim_lines"
OTHER_PAYERS_DENIED = "other_payers_denied"
OTHER_PAYERS_DENIAL_RATE = "other_payers_denial_rate"
# Paid against Medicare (paritykit.analysis.medicare): one row per payer x procedure code.
PAYER = "payer"
N_LINES = "n_lines"
MEDIAN_PAID = "median_paid"
MEDIAN_ALLOWED = "median_allowed"
MEDICARE_AMOUNT = "medicare_amount"
PAID_PCT_OF_MEDICARE = "paid_pct_of_medicare"
ALLOWED_PCT_OF_MEDICARE = "allowed_pct_of_medicare"
LOCALITY = "locality"
FEE_SCHEDULE_YEAR = "year"
FEE_SCHEDULE_SOURCE = "source"
MODIFIER = "modifier"
FEE_AMOUNT = "amount"
# Open denials and their appeal deadlines (paritykit.open_denials).
DENIAL_NOTICE_DATE = "denial_notice_date"
NOTICE_DATE_SOURCE = "notice_date_source"
APPEAL_DEADLINE = "appeal_deadline"
DAYS_LEFT = "days_left"
EXTERNAL_REVIEW_DEADLINE = "external_review_deadline"
#: "12 days left (due 2024-07-13)", "due today" or "passed on 2024-03-01 (832 days ago)".
DEADLINE_STATUS = "deadline_status"
#: When the final internal denial (the plan's decision on the appeal) was received.
FINAL_DENIAL_DATE = "final_denial_date"
#: The external-review window as text: a date, or "4 months after the final internal denial".
EXTERNAL_REVIEW_WINDOW = "external_review_window"
#: What to do about a denial: an internal appeal, or "check and resubmit" for a duplicate.
NEXT_STEP = "next_step"

# --- practices: appeal log, outcomes and pattern complaints (issue 16) ---
# Appeal log contract (one row per event about a denied claim: a call, an appeal, a decision).
EVENT = "event"
EVENT_DATE = "date"
OUTCOME = "outcome"
REPRESENTATIVE = "representative"
REFERENCE_NUMBER = "reference_number"
CLINICAL_DOCUMENTATION = "clinical_documentation"
PROVIDER_LETTER = "provider_letter"
PARITY_CITED = "parity_cited"
NOTES = "notes"
#: What an appeal contained (yes/no), in the order the outcome tables show them.
APPEAL_CONTENTS: tuple[str, ...] = (CLINICAL_DOCUMENTATION, PROVIDER_LETTER, PARITY_CITED)
APPEAL_LOG_REQUIRED: tuple[str, ...] = (CLAIM_ID, PLAN_ID, EVENT, EVENT_DATE)
APPEAL_LOG_COLUMNS: tuple[str, ...] = (
    CLAIM_ID,
    PLAN_ID,
    EVENT,
    EVENT_DATE,
    OUTCOME,
    REPRESENTATIVE,
    REFERENCE_NUMBER,
    CLINICAL_DOCUMENTATION,
    PROVIDER_LETTER,
    PARITY_CITED,
    NOTES,
)
# Open denials followed through the log (paritykit.open_denials(..., log=...)).
APPEAL_STAGE = "appeal_stage"
LAST_EVENT = "last_event"
LAST_EVENT_DATE = "last_event_date"
APPEAL_FILED_DATE = "appeal_filed_date"
DECISION_DUE = "decision_due"
NEXT_DEADLINE = "next_deadline"
# Appeal outcomes (paritykit.appeal_outcomes): one row per grouping value.
GROUP_VALUE = "group_value"
APPEALS_DECIDED = "appeals_decided"
OVERTURNED = "overturned"
UPHELD = "upheld"
OVERTURN_RATE_LOW = "overturn_rate_low"
OVERTURN_RATE_HIGH = "overturn_rate_high"
PUBLISHED_RATE = "published_rate"
PUBLISHED_SOURCE = "published_source"
