"""paritykit: find and document mental-health parity (MHPAEA) violations.

The package reads as its pipeline: load -> validate -> classify -> aggregate -> test ->
evidence. Public names are re-exported here; each block below belongs to one pipeline stage
and extends ``__all__`` itself.
"""

from paritykit._version import __version__
from paritykit.errors import (
    ConfigurationError,
    DataValidationError,
    InputFileError,
    ParityKitError,
    ParityKitWarning,
    UnmappedCodeError,
)

__all__ = [
    "ConfigurationError",
    "DataValidationError",
    "InputFileError",
    "ParityKitError",
    "ParityKitWarning",
    "UnmappedCodeError",
    "__version__",
]

# --- benefits and the quantitative test (issue 2) ----------------------------------------------
from paritykit.analysis.quantitative import QuantitativeTestResult, quantitative_test
from paritykit.load.benefits import read_benefits

__all__ += ["QuantitativeTestResult", "quantitative_test", "read_benefits"]

# --- claims engine (issue 3) -------------------------------------------------------------------
from paritykit.aggregate.outcomes import summarize_outcomes
from paritykit.classify.claims import classify_claims
from paritykit.classify.rules import RULES_VERSION, RuleSet, default_rules, load_rules
from paritykit.load.claims import ColumnMap, load_column_map, scan_claims
from paritykit.synth.claims import ClaimsDisparity, SyntheticClaims, synthesize_claims
from paritykit.validate.claims import ClaimsValidation, validate_claims

__all__ += [
    "RULES_VERSION",
    "ClaimsDisparity",
    "ClaimsValidation",
    "ColumnMap",
    "RuleSet",
    "SyntheticClaims",
    "classify_claims",
    "default_rules",
    "load_column_map",
    "load_rules",
    "scan_claims",
    "summarize_outcomes",
    "synthesize_claims",
    "validate_claims",
]

# --- statistics (issue 4) ----------------------------------------------------------------------
from paritykit.stats import (
    compare_distributions,
    compare_rates,
    disparity_model,
    stratified_test,
)

__all__ += ["compare_distributions", "compare_rates", "disparity_model", "stratified_test"]

# --- remittances and practices (issue 6) -------------------------------------------------------
from paritykit.analysis.appeals import AppealDeadlines, appeal_deadlines
from paritykit.classify.carc import CarcTable, carc_table, classify_carc, lookup_carc
from paritykit.load.x12 import Remittances, read_835
from paritykit.synth.remittances import synthetic_remittances, write_835

__all__ += [
    "AppealDeadlines",
    "CarcTable",
    "Remittances",
    "appeal_deadlines",
    "carc_table",
    "classify_carc",
    "lookup_carc",
    "read_835",
    "synthetic_remittances",
    "write_835",
]

# --- public issuer data (issue 7) --------------------------------------------------------------
from paritykit.analysis.issuers import IssuerDenials, issuer_denials
from paritykit.load.tc_puf import TcPuf, read_tc_puf

__all__ += ["IssuerDenials", "TcPuf", "issuer_denials", "read_tc_puf"]

# --- evidence pack (issue 5) -------------------------------------------------------------------
from paritykit.load.plan_facts import PlanFacts, read_plan_facts
from paritykit.report import EvidencePack, build_evidence_pack

__all__ += ["EvidencePack", "PlanFacts", "build_evidence_pack", "read_plan_facts"]

# --- NQTL review (issue 8) ---
from paritykit.analysis.nqtl import (
    ComparativeAnalysisCheck,
    NqtlReview,
    check_comparative_analysis,
    nqtl_review,
)
from paritykit.load.nqtl import read_comparative_analysis, read_nqtls
from paritykit.synth.nqtls import sample_comparative_analysis, sample_nqtls

__all__ += [
    "ComparativeAnalysisCheck",
    "NqtlReview",
    "check_comparative_analysis",
    "nqtl_review",
    "read_comparative_analysis",
    "read_nqtls",
    "sample_comparative_analysis",
    "sample_nqtls",
]

# --- practices: scorecard and appeals (issue 6, part 2) ---
from paritykit.analysis.denials import OpenDenials, open_denials
from paritykit.analysis.payers import PayerScorecard, payer_scorecard
from paritykit.evidence.appeal_letter import AppealLetter, draft_appeal_letter
from paritykit.load.billing import BillingExport, BillingMapping, read_billing_export

__all__ += [
    "AppealLetter",
    "BillingExport",
    "BillingMapping",
    "OpenDenials",
    "PayerScorecard",
    "draft_appeal_letter",
    "open_denials",
    "payer_scorecard",
    "read_billing_export",
]
