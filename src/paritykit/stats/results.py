"""Frozen result classes returned by the low-level statistics functions.

Every result carries the settings that produced it (``alpha``, ``method``, ...), prints as a
short text block (:meth:`summary`), turns into a one-row tidy DataFrame (:meth:`to_frame`),
renders as HTML in notebooks and can say what it means in one plain-English sentence
(:meth:`sentence`), phrased as a warning sign, never as a legal conclusion.

Two-group results use one orientation throughout: group 1 is MH/SUD (the group whose
treatment is in question), group 2 is M/S; a table is ``[[events_1, non_events_1],
[events_2, non_events_2]]``, so a ratio above 1 means MH/SUD has the higher rate.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = [
    "BreslowDayResult",
    "CMHResult",
    "DifferenceInterval",
    "DisparityModelResult",
    "FisherResult",
    "ProportionInterval",
    "StratifiedResult",
    "TwoProportionsResult",
]


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return f"{value:.6g}"
    return str(value)


class _ResultMixin:
    """Shared rendering: ``to_frame``, ``summary`` and ``_repr_html_``."""

    def _scalar_fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, pd.DataFrame):
                continue
            if isinstance(value, tuple):
                value = ", ".join(str(v) for v in value)
            out[f.name] = value
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return the scalar fields as a one-row DataFrame."""
        return pd.DataFrame([self._scalar_fields()])

    def summary(self) -> str:
        """Return a readable multi-line text summary."""
        lines = [type(self).__name__]
        for name, value in self._scalar_fields().items():
            lines.append(f"  {name}: {_fmt(value)}")
        return "\n".join(lines)

    def sentence(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return f"<p>{self.sentence()}</p>" + self.to_frame().T.to_html(header=False)

    def __str__(self) -> str:
        return self.summary()


@dataclass(frozen=True, repr=True)
class ProportionInterval(_ResultMixin):
    """A proportion ``events / trials`` with its confidence interval."""

    estimate: float
    low: float
    high: float
    events: int
    trials: int
    alpha: float
    method: str = "wilson"
    note: str = ""

    def sentence(self) -> str:
        from paritykit.stats.text import format_interval, format_percent

        if self.trials == 0:
            return f"No trials, so no proportion can be estimated ({self.note})."
        return (
            f"{self.events} of {self.trials} ({format_percent(self.estimate)}; "
            f"{format_interval(self.low, self.high, self.alpha, percent=True)})."
        )


@dataclass(frozen=True)
class DifferenceInterval(_ResultMixin):
    """The difference ``events1/trials1 - events2/trials2`` with its confidence interval."""

    difference: float
    low: float
    high: float
    events1: int
    trials1: int
    events2: int
    trials2: int
    alpha: float
    method: str = "newcombe_hybrid_score"
    note: str = ""

    def sentence(self) -> str:
        from paritykit.stats.text import format_interval, format_points

        if math.isnan(self.difference):
            return f"The difference could not be estimated ({self.note})."
        return (
            f"The MH/SUD rate minus the M/S rate is {format_points(self.difference)} "
            f"({format_interval(self.low * 100, self.high * 100, self.alpha, unit=' points')})."
        )


@dataclass(frozen=True)
class TwoProportionsResult(_ResultMixin):
    """Pearson chi-square (z) test of two proportions, with rate ratio and odds ratio."""

    rate1: float
    rate2: float
    difference: float
    statistic: float
    df: int
    p_value: float
    rate_ratio: float
    rate_ratio_low: float
    rate_ratio_high: float
    odds_ratio: float
    odds_ratio_low: float
    odds_ratio_high: float
    events1: int
    trials1: int
    events2: int
    trials2: int
    alpha: float
    correction: bool
    method: str = "pearson_chi_square"
    note: str = ""

    def sentence(self) -> str:
        from paritykit.stats.text import rate_comparison_sentence

        return rate_comparison_sentence(
            mhsud_rate=self.rate1,
            ms_rate=self.rate2,
            ratio=self.rate_ratio,
            low=self.rate_ratio_low,
            high=self.rate_ratio_high,
            p_value=self.p_value,
            alpha=self.alpha,
            adjusted=False,
            note=self.note,
        )


@dataclass(frozen=True)
class FisherResult(_ResultMixin):
    """Fisher's exact test; for 2 x 2 tables the conditional MLE odds ratio as in R."""

    p_value: float
    odds_ratio: float
    odds_ratio_low: float
    odds_ratio_high: float
    sample_odds_ratio: float
    alternative: str
    alpha: float
    shape: tuple[int, int]
    method: str = "fisher_exact"
    note: str = ""

    def sentence(self) -> str:
        from paritykit.stats.text import format_interval, format_p

        if self.shape != (2, 2):
            return (
                f"Fisher's exact test of independence on a {self.shape[0]} x {self.shape[1]} "
                f"table: {format_p(self.p_value)}."
            )
        return (
            f"Conditional maximum-likelihood odds ratio {self.odds_ratio:.2f} "
            f"({format_interval(self.odds_ratio_low, self.odds_ratio_high, self.alpha)}); "
            f"Fisher's exact test {format_p(self.p_value)}."
        )


@dataclass(frozen=True)
class CMHResult(_ResultMixin):
    """Cochran-Mantel-Haenszel test and the Mantel-Haenszel common odds ratio."""

    statistic: float
    df: int
    p_value: float
    odds_ratio: float
    odds_ratio_low: float
    odds_ratio_high: float
    correction: bool
    alpha: float
    n_strata: int
    n_strata_used: int
    method: str = "cochran_mantel_haenszel"
    note: str = ""

    def sentence(self) -> str:
        from paritykit.stats.text import format_interval, format_p

        if math.isnan(self.statistic):
            return f"The stratified test could not be computed ({self.note})."
        return (
            f"Within strata, the Mantel-Haenszel common odds ratio is {self.odds_ratio:.2f} "
            f"({format_interval(self.odds_ratio_low, self.odds_ratio_high, self.alpha)}; "
            f"CMH {format_p(self.p_value)}, {self.n_strata_used} strata)."
        )


@dataclass(frozen=True)
class BreslowDayResult(_ResultMixin):
    """Breslow-Day test that the odds ratio is the same in every stratum."""

    statistic: float
    df: int
    p_value: float
    tarone: bool
    n_strata: int
    n_strata_used: int
    method: str = "breslow_day"
    note: str = ""

    def sentence(self) -> str:
        from paritykit.stats.text import format_p

        if math.isnan(self.statistic):
            return f"Homogeneity of the odds ratio could not be tested ({self.note})."
        verdict = (
            "the odds ratio differs between strata, so a single pooled ratio hides variation"
            if self.p_value < 0.05
            else "no evidence that the odds ratio differs between strata"
        )
        return f"Breslow-Day test {format_p(self.p_value)}: {verdict}."


@dataclass(frozen=True)
class StratifiedResult(_ResultMixin):
    """A pooled, within-stratum comparison of MH/SUD against M/S, beside the crude one.

    ``strata`` holds one row per stratum (counts, rates, odds ratio); ``to_frame`` returns
    one row per measure (crude and Mantel-Haenszel odds and risk ratios, CMH tests,
    Breslow-Day) with the columns ``measure``, ``estimate``, ``low``, ``high``,
    ``statistic``, ``df``, ``p_value`` and ``method``.
    """

    events: str
    trials: str
    strata_columns: tuple[str, ...]
    alpha: float
    mh_odds_ratio: float
    mh_odds_ratio_low: float
    mh_odds_ratio_high: float
    mh_risk_ratio: float
    mh_risk_ratio_low: float
    mh_risk_ratio_high: float
    cmh: CMHResult
    cmh_uncorrected: CMHResult
    breslow_day: BreslowDayResult
    crude: TwoProportionsResult
    direction_reversed: bool
    n_strata: int
    n_strata_used: int
    strata: pd.DataFrame = field(compare=False, repr=False)
    note: str = ""

    def to_frame(self) -> pd.DataFrame:
        """Return one row per measure: crude and pooled estimates and the tests."""
        nan = float("nan")
        rows = [
            ("crude_odds_ratio", self.crude.odds_ratio, self.crude.odds_ratio_low,
             self.crude.odds_ratio_high, self.crude.statistic, self.crude.df,
             self.crude.p_value, "unstratified; Woolf logit interval; Pearson chi-square"),
            ("crude_risk_ratio", self.crude.rate_ratio, self.crude.rate_ratio_low,
             self.crude.rate_ratio_high, nan, nan, nan, "unstratified; Katz log interval"),
            ("mh_odds_ratio", self.mh_odds_ratio, self.mh_odds_ratio_low,
             self.mh_odds_ratio_high, nan, nan, nan,
             "Mantel-Haenszel; Robins-Breslow-Greenland interval"),
            ("mh_risk_ratio", self.mh_risk_ratio, self.mh_risk_ratio_low,
             self.mh_risk_ratio_high, nan, nan, nan,
             "Mantel-Haenszel; Greenland-Robins interval"),
            ("cmh_test", nan, nan, nan, self.cmh.statistic, self.cmh.df, self.cmh.p_value,
             "Cochran-Mantel-Haenszel with continuity correction"),
            ("cmh_test_uncorrected", nan, nan, nan, self.cmh_uncorrected.statistic,
             self.cmh_uncorrected.df, self.cmh_uncorrected.p_value,
             "Cochran-Mantel-Haenszel without continuity correction"),
            ("breslow_day", nan, nan, nan, self.breslow_day.statistic, self.breslow_day.df,
             self.breslow_day.p_value,
             "Breslow-Day with Tarone's correction" if self.breslow_day.tarone
             else "Breslow-Day"),
        ]  # fmt: skip
        return pd.DataFrame(
            rows,
            columns=["measure", "estimate", "low", "high", "statistic", "df", "p_value", "method"],
        )

    def summary(self) -> str:
        """Return a readable text summary with the measures table."""
        head = (
            f"StratifiedResult: {self.events}/{self.trials}, strata "
            f"{', '.join(self.strata_columns) or '(none)'}; {self.n_strata_used} of "
            f"{self.n_strata} strata used"
        )
        parts = [head, self.to_frame().to_string(index=False), self.sentence()]
        if self.note:
            parts.append(f"note: {self.note}")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return f"<p>{self.sentence()}</p>" + self.to_frame().to_html(index=False)

    def sentence(self) -> str:
        from paritykit.stats.text import stratified_sentence

        return stratified_sentence(self)


@dataclass(frozen=True)
class DisparityModelResult(_ResultMixin):
    """Binomial GLM on grouped counts: the MH/SUD odds ratio adjusted for covariates.

    ``coefficients`` has one row per model term with ``term``, ``estimate`` (log odds),
    ``std_error``, ``z``, ``p_value``, ``odds_ratio``, ``low`` and ``high``.
    """

    odds_ratio: float
    odds_ratio_low: float
    odds_ratio_high: float
    p_value: float
    events: str
    trials: str
    covariates: tuple[str, ...]
    cluster: str | None
    cov_type: str
    alpha: float
    n_trials: int
    n_rows: int
    n_clusters: int
    converged: bool
    coefficients: pd.DataFrame = field(compare=False, repr=False)
    note: str = ""

    def summary(self) -> str:
        """Return a readable text summary with the coefficient table."""
        head = super().summary()
        return f"{head}\n{self.coefficients.to_string(index=False)}"

    def sentence(self) -> str:
        from paritykit.stats.text import model_sentence

        return model_sentence(self)
