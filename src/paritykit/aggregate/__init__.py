"""Stage 4, aggregate: claim lines to count/sum tables, computed in the engine."""

from paritykit.aggregate.outcomes import OUTCOME_COLUMNS, RATE_DEFINITIONS, summarize_outcomes

__all__ = ["OUTCOME_COLUMNS", "RATE_DEFINITIONS", "summarize_outcomes"]
