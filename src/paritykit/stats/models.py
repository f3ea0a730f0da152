"""Binomial regression on grouped counts: the MH/SUD odds ratio adjusted for covariates."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from paritykit import columns as col
from paritykit.errors import ConfigurationError
from paritykit.stats._input import as_keys, check_columns, check_counts, normalize_sides
from paritykit.stats.proportions import _check_alpha, _z
from paritykit.stats.results import DisparityModelResult
from paritykit.vocab import MHSUD

__all__ = ["MHSUD_TERM", "disparity_model"]

#: Name of the MH/SUD indicator in the coefficient table.
MHSUD_TERM = "mhsud"

_COEF_COLUMNS = ["term", "estimate", "std_error", "z", "p_value", "odds_ratio", "low", "high"]


def _design(frame: pd.DataFrame, covariates: Sequence[str], is_mhsud: np.ndarray) -> pd.DataFrame:
    parts: dict[str, np.ndarray] = {
        "const": np.ones(len(frame)),
        MHSUD_TERM: is_mhsud.astype(float),
    }
    for name in covariates:
        series = frame[name]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            parts[name] = series.to_numpy(dtype=float)
            continue
        levels = sorted(series.astype(str).unique())
        for level in levels[1:]:
            parts[f"{name}[{level}]"] = (series.astype(str) == level).to_numpy(dtype=float)
    return pd.DataFrame(parts, index=frame.index)


def disparity_model(
    summary: pd.DataFrame,
    *,
    events: str = "denied",
    trials: str = "claims",
    covariates: Sequence[str] | str = (col.PLAN_ID, col.CLASSIFICATION),
    cluster: str | None = None,
    alpha: float = 0.05,
) -> DisparityModelResult:
    """Binomial GLM (logistic regression) of events on side and covariates, on grouped counts.

    Fits ``logit P(event) = const + b * mhsud + covariates`` to rows of event and trial
    counts (``endog = [events, trials - events]``). For categorical covariates this is the
    same likelihood as a claim-level logistic regression, so the estimates and model-based
    standard errors are identical, but it never touches claim lines. ``exp(b)`` is the MH/SUD
    odds ratio adjusted for the covariates. Matches R's ``glm(cbind(k, n - k) ~ ...,
    family = binomial)``.

    With ``cluster`` (e.g. ``"plan_id"``) the standard errors are cluster-robust (sandwich
    with the ``G / (G - 1)`` small-sample factor, as R's ``sandwich::vcovCL(type = "HC0")``).
    Because each grouped row lies within one cluster, this equals the claim-level cluster-
    robust result; the ``(N - 1) / (N - K)`` factor statsmodels adds by default is left out
    because ``N`` would count summary rows, not claims.

    Parameters
    ----------
    summary : pandas.DataFrame
        Tidy counts with a ``side`` column and the ``events``, ``trials`` and covariate
        columns. Text/categorical covariates become indicator terms (first level in sorted
        order is the reference); numeric covariates enter as they are.
    events, trials : str
        Count columns.
    covariates : str or sequence of str
        Adjustment columns.
    cluster : str, optional
        Column whose values define clusters for robust standard errors.
    alpha : float, default 0.05
        One minus the confidence level.

    Returns
    -------
    DisparityModelResult

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"plan_id": ["A", "A", "B", "B"], "side": ["mhsud", "ms"] * 2,
    ...                   "denied": [10, 5, 20, 10], "claims": [100, 100, 100, 100]})
    >>> r = disparity_model(s, covariates=["plan_id"])
    >>> round(r.odds_ratio, 2)
    2.2
    """
    alpha = _check_alpha(alpha)
    covs = as_keys(covariates)
    if col.SIDE in covs:
        raise ConfigurationError("'side' is always in the model; do not list it in covariates.")
    if events == trials:
        raise ConfigurationError(f"events and trials must differ; both are {events!r}.")
    needed = [col.SIDE, events, trials, *covs, *([cluster] if cluster else [])]
    frame = check_columns(summary, needed, "summary")
    check_counts(frame, events, trials, "summary")
    sides = normalize_sides(frame, "summary")
    k = pd.to_numeric(frame[events]).to_numpy(dtype=float)
    n = pd.to_numeric(frame[trials]).to_numpy(dtype=float)
    keep = n > 0
    notes = []
    if (~keep).any():
        notes.append(f"{int((~keep).sum())} row(s) with zero {trials} left out")
    frame = frame.loc[keep]
    k, n = k[keep], n[keep]
    is_mhsud = (sides[keep] == MHSUD).to_numpy()
    n_clusters = int(frame[cluster].nunique()) if cluster else 0

    def empty(why: str) -> DisparityModelResult:
        return DisparityModelResult(
            odds_ratio=math.nan, odds_ratio_low=math.nan, odds_ratio_high=math.nan,
            p_value=math.nan, events=events, trials=trials, covariates=tuple(covs),
            cluster=cluster, cov_type="cluster" if cluster else "nonrobust", alpha=alpha,
            n_trials=int(n.sum()), n_rows=len(frame), n_clusters=n_clusters, converged=False,
            coefficients=pd.DataFrame(columns=_COEF_COLUMNS),
            note="; ".join([*notes, why]),
        )  # fmt: skip

    if not is_mhsud.any() or is_mhsud.all():
        return empty("the model needs both MH/SUD and M/S rows")
    k1, n1 = k[is_mhsud].sum(), n[is_mhsud].sum()
    k0, n0 = k[~is_mhsud].sum(), n[~is_mhsud].sum()
    if k1 in (0, n1) or k0 in (0, n0):
        return empty(f"a side has no {events} or only {events}: the odds ratio is not finite")
    if cluster and n_clusters < 2:
        return empty(f"cluster-robust errors need at least two {cluster} values")

    exog = _design(frame, covs, is_mhsud)
    endog = np.column_stack([k, n - k])
    model = sm.GLM(endog, exog, family=sm.families.Binomial())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if cluster:
            groups = pd.factorize(frame[cluster])[0]
            fit = model.fit(
                cov_type="cluster",
                cov_kwds={"groups": groups, "use_correction": False},
                tol=1e-12,
                maxiter=200,
            )
            cov = np.asarray(fit.cov_params()) * n_clusters / (n_clusters - 1)
        else:
            fit = model.fit(tol=1e-12, maxiter=200)
            cov = np.asarray(fit.cov_params())
    for w in caught:
        notes.append(f"statsmodels: {str(w.message).splitlines()[0]}")
    params = np.asarray(fit.params)
    se = np.sqrt(np.diag(cov))
    zval = params / se
    pval = 2 * stats.norm.sf(np.abs(zval))
    zc = _z(alpha)
    coefs = pd.DataFrame(
        {
            "term": list(exog.columns),
            "estimate": params,
            "std_error": se,
            "z": zval,
            "p_value": pval,
            "odds_ratio": np.exp(params),
            "low": np.exp(params - zc * se),
            "high": np.exp(params + zc * se),
        }
    )
    row = coefs.loc[coefs["term"] == MHSUD_TERM].iloc[0]
    rank = np.linalg.matrix_rank(exog.to_numpy())
    if rank < exog.shape[1]:
        notes.append("the covariates are collinear: some terms are not identified")
    return DisparityModelResult(
        odds_ratio=float(row["odds_ratio"]),
        odds_ratio_low=float(row["low"]),
        odds_ratio_high=float(row["high"]),
        p_value=float(row["p_value"]),
        events=events,
        trials=trials,
        covariates=tuple(covs),
        cluster=cluster,
        cov_type="cluster" if cluster else "nonrobust",
        alpha=alpha,
        n_trials=int(n.sum()),
        n_rows=len(frame),
        n_clusters=n_clusters,
        converged=bool(fit.converged),
        coefficients=coefs,
        note="; ".join(notes),
    )
