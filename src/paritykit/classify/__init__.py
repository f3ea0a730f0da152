"""Stage 3, classify: MH/SUD vs M/S and the six benefit classifications."""

from paritykit.classify.claims import CLASSIFIED_COLUMNS, classify_claims
from paritykit.classify.rules import RULES_VERSION, RuleSet, default_rules, load_rules

__all__ = [
    "CLASSIFIED_COLUMNS",
    "RULES_VERSION",
    "RuleSet",
    "classify_claims",
    "default_rules",
    "load_rules",
]
