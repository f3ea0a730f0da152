"""paritykit: find and document mental-health parity (MHPAEA) violations.

The package reads as its pipeline: load -> validate -> classify -> aggregate -> test ->
evidence. Public names are re-exported here and imported when first used (PEP 562), so
``import paritykit`` and the command line start without loading pandas' statistics stack:
``paritykit.read_835`` loads the 835 reader, ``paritykit.compare_rates`` statsmodels.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from paritykit._version import __version__
from paritykit.errors import (
    ConfigurationError,
    DataValidationError,
    InputFileError,
    ParityKitError,
    ParityKitWarning,
    UnmappedCodeError,
)

#: Public name -> the module that defines it (one place; ``__all__`` is derived from it).
_EXPORTS: dict[str, str] = {
    "summarize_outcomes": "paritykit.aggregate.outcomes",
    "AppealOutcomes": "paritykit.analysis.appeal_outcomes",
    "appeal_outcomes": "paritykit.analysis.appeal_outcomes",
    "AppealDeadlines": "paritykit.analysis.appeals",
    "appeal_deadlines": "paritykit.analysis.appeals",
    "OpenDenials": "paritykit.analysis.denials",
    "open_denials": "paritykit.analysis.denials",
    "IssuerDenials": "paritykit.analysis.issuers",
    "issuer_denials": "paritykit.analysis.issuers",
    "ComparativeAnalysisCheck": "paritykit.analysis.nqtl",
    "NqtlReview": "paritykit.analysis.nqtl",
    "check_comparative_analysis": "paritykit.analysis.nqtl",
    "nqtl_review": "paritykit.analysis.nqtl",
    "PayerScorecard": "paritykit.analysis.payers",
    "payer_scorecard": "paritykit.analysis.payers",
    "QuantitativeTestResult": "paritykit.analysis.quantitative",
    "quantitative_test": "paritykit.analysis.quantitative",
    "CarcTable": "paritykit.classify.carc",
    "carc_table": "paritykit.classify.carc",
    "classify_carc": "paritykit.classify.carc",
    "lookup_carc": "paritykit.classify.carc",
    "classify_claims": "paritykit.classify.claims",
    "RULES_VERSION": "paritykit.classify.rules",
    "RuleSet": "paritykit.classify.rules",
    "default_rules": "paritykit.classify.rules",
    "load_rules": "paritykit.classify.rules",
    "AppealLetter": "paritykit.evidence.appeal_letter",
    "draft_appeal_letter": "paritykit.evidence.appeal_letter",
    "PatternComplaint": "paritykit.evidence.pattern_complaint",
    "pattern_complaint": "paritykit.evidence.pattern_complaint",
    "AppealLog": "paritykit.load.appeal_log",
    "read_appeal_log": "paritykit.load.appeal_log",
    "read_benefits": "paritykit.load.benefits",
    "BillingExport": "paritykit.load.billing",
    "BillingMapping": "paritykit.load.billing",
    "read_billing_export": "paritykit.load.billing",
    "ColumnMap": "paritykit.load.claims",
    "load_column_map": "paritykit.load.claims",
    "scan_claims": "paritykit.load.claims",
    "PreparedClaims": "paritykit.load.prepare",
    "prepare_claims": "paritykit.load.prepare",
    "recorded_validation": "paritykit.load.prepare",
    "read_comparative_analysis": "paritykit.load.nqtl",
    "read_nqtls": "paritykit.load.nqtl",
    "PlanFacts": "paritykit.load.plan_facts",
    "read_plan_facts": "paritykit.load.plan_facts",
    "SbcRead": "paritykit.load.sbc",
    "read_sbc": "paritykit.load.sbc",
    "TcPuf": "paritykit.load.tc_puf",
    "read_tc_puf": "paritykit.load.tc_puf",
    "Remittances": "paritykit.load.x12",
    "read_835": "paritykit.load.x12",
    "EvidencePack": "paritykit.report",
    "build_evidence_pack": "paritykit.report",
    "compare_distributions": "paritykit.stats",
    "compare_rates": "paritykit.stats",
    "disparity_model": "paritykit.stats",
    "stratified_test": "paritykit.stats",
    "ClaimsDisparity": "paritykit.synth.claims",
    "SyntheticClaims": "paritykit.synth.claims",
    "synthesize_claims": "paritykit.synth.claims",
    "sample_comparative_analysis": "paritykit.synth.nqtls",
    "sample_nqtls": "paritykit.synth.nqtls",
    "synthetic_appeal_log": "paritykit.synth.appeal_log",
    "synthetic_remittances": "paritykit.synth.remittances",
    "write_835": "paritykit.synth.remittances",
    "ClaimsValidation": "paritykit.validate.claims",
    "validate_claims": "paritykit.validate.claims",
}

__all__ = sorted(
    [
        "ConfigurationError",
        "DataValidationError",
        "InputFileError",
        "ParityKitError",
        "ParityKitWarning",
        "UnmappedCodeError",
        "__version__",
        *_EXPORTS,
    ]
)


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use and cache the name here."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'paritykit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from paritykit.aggregate.outcomes import summarize_outcomes
    from paritykit.analysis.appeal_outcomes import AppealOutcomes, appeal_outcomes
    from paritykit.analysis.appeals import AppealDeadlines, appeal_deadlines
    from paritykit.analysis.denials import OpenDenials, open_denials
    from paritykit.analysis.issuers import IssuerDenials, issuer_denials
    from paritykit.analysis.nqtl import (
        ComparativeAnalysisCheck,
        NqtlReview,
        check_comparative_analysis,
        nqtl_review,
    )
    from paritykit.analysis.payers import PayerScorecard, payer_scorecard
    from paritykit.analysis.quantitative import QuantitativeTestResult, quantitative_test
    from paritykit.classify.carc import CarcTable, carc_table, classify_carc, lookup_carc
    from paritykit.classify.claims import classify_claims
    from paritykit.classify.rules import RULES_VERSION, RuleSet, default_rules, load_rules
    from paritykit.evidence.appeal_letter import AppealLetter, draft_appeal_letter
    from paritykit.evidence.pattern_complaint import PatternComplaint, pattern_complaint
    from paritykit.load.appeal_log import AppealLog, read_appeal_log
    from paritykit.load.benefits import read_benefits
    from paritykit.load.billing import BillingExport, BillingMapping, read_billing_export
    from paritykit.load.claims import ColumnMap, load_column_map, scan_claims
    from paritykit.load.nqtl import read_comparative_analysis, read_nqtls
    from paritykit.load.plan_facts import PlanFacts, read_plan_facts
    from paritykit.load.prepare import PreparedClaims, prepare_claims, recorded_validation
    from paritykit.load.sbc import SbcRead, read_sbc
    from paritykit.load.tc_puf import TcPuf, read_tc_puf
    from paritykit.load.x12 import Remittances, read_835
    from paritykit.report import EvidencePack, build_evidence_pack
    from paritykit.stats import (
        compare_distributions,
        compare_rates,
        disparity_model,
        stratified_test,
    )
    from paritykit.synth.appeal_log import synthetic_appeal_log
    from paritykit.synth.claims import ClaimsDisparity, SyntheticClaims, synthesize_claims
    from paritykit.synth.nqtls import sample_comparative_analysis, sample_nqtls
    from paritykit.synth.remittances import synthetic_remittances, write_835
    from paritykit.validate.claims import ClaimsValidation, validate_claims
