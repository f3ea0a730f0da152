"""Stage 5, statistics: disparity tests that hold up in front of a regulator.

Table-level functions work on tidy outcome summaries (one row per group x side with event
and trial counts): :func:`compare_rates` (per cell), :func:`stratified_test` (pooled within
strata), :func:`disparity_model` (binomial GLM) and :func:`compare_distributions` (continuous
measures). Low-level functions return frozen results checked against R and published tables.
See ``docs/statistics.md`` for the methods and their references.
"""

from paritykit.stats.compare import RATE_COLUMNS, compare_rates
from paritykit.stats.distributions import DISTRIBUTION_COLUMNS, compare_distributions
from paritykit.stats.models import disparity_model
from paritykit.stats.multiple import CORRECTIONS, adjust_p_values
from paritykit.stats.power import detectable_ratio, power_two_proportions
from paritykit.stats.proportions import (
    fisher_exact,
    newcombe_difference,
    two_proportions,
    wilson_interval,
)
from paritykit.stats.results import (
    BreslowDayResult,
    CMHResult,
    DifferenceInterval,
    DisparityModelResult,
    FisherResult,
    ProportionInterval,
    StratifiedResult,
    TwoProportionsResult,
)
from paritykit.stats.stratified import (
    breslow_day,
    cmh,
    mantel_haenszel_risk_ratio,
    stratified_test,
)
from paritykit.stats.text import distribution_sentences, rate_sentences

__all__ = [
    "CORRECTIONS",
    "DISTRIBUTION_COLUMNS",
    "RATE_COLUMNS",
    "BreslowDayResult",
    "CMHResult",
    "DifferenceInterval",
    "DisparityModelResult",
    "FisherResult",
    "ProportionInterval",
    "StratifiedResult",
    "TwoProportionsResult",
    "adjust_p_values",
    "breslow_day",
    "cmh",
    "compare_distributions",
    "compare_rates",
    "detectable_ratio",
    "disparity_model",
    "distribution_sentences",
    "fisher_exact",
    "mantel_haenszel_risk_ratio",
    "newcombe_difference",
    "power_two_proportions",
    "rate_sentences",
    "stratified_test",
    "two_proportions",
    "wilson_interval",
]
