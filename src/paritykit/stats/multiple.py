"""Multiple-comparison control across the cells of a comparison table."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from statsmodels.stats.multitest import multipletests

from paritykit.errors import ConfigurationError

__all__ = ["CORRECTIONS", "Correction", "adjust_p_values"]

Correction = Literal["fdr_bh", "fdr_by", "holm", "hochberg", "bonferroni", "none"]
#: Accepted ``correction`` values; the names follow ``statsmodels.stats.multitest``.
CORRECTIONS: tuple[str, ...] = ("fdr_bh", "fdr_by", "holm", "hochberg", "bonferroni", "none")


def adjust_p_values(p_values: ArrayLike, *, method: Correction = "fdr_bh") -> NDArray[np.float64]:
    """Adjust p-values for multiple comparisons; NaN p-values stay NaN and are not counted.

    The family is every non-missing p-value passed in. ``"fdr_bh"`` (Benjamini-Hochberg)
    controls the false discovery rate; ``"holm"`` controls the family-wise error rate and is
    uniformly more powerful than Bonferroni. Values equal R's ``p.adjust`` with
    ``method = "BH"``, ``"BY"``, ``"holm"``, ``"hochberg"``, ``"bonferroni"``.

    Examples
    --------
    >>> adjust_p_values([0.01, 0.04, float("nan"), 0.03], method="holm").round(3)
    array([0.03, 0.06,  nan, 0.06])
    """
    if method not in CORRECTIONS:
        raise ConfigurationError(
            f"correction must be one of {CORRECTIONS}; got {method!r}. Use 'fdr_bh' "
            "(Benjamini-Hochberg) or 'holm' when in doubt."
        )
    p = np.asarray(p_values, dtype=float).ravel()
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if not ok.any():
        return out
    if method == "none":
        out[ok] = p[ok]
        return out
    sm_name = "simes-hochberg" if method == "hochberg" else method
    out[ok] = multipletests(p[ok], method=sm_name)[1]
    return out
