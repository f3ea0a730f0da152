"""Seeded simulation: the per-cell procedure keeps the FDR near nominal and finds real gaps.

Monte Carlo tolerances are three standard errors of the estimated rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from paritykit import columns as col
from paritykit import compare_rates

ALPHA = 0.05
N_REPS = 200
N_CELLS = 30


def _simulate(rng: np.random.Generator, ratios: np.ndarray) -> pd.DataFrame:
    m = len(ratios)
    n_ms = rng.integers(40, 2500, size=m)
    n_mh = rng.integers(40, 1500, size=m)
    p_ms = rng.uniform(0.04, 0.25, size=m)
    p_mh = np.minimum(p_ms * ratios, 0.99)
    cls = [f"cell{i:02d}" for i in range(m)]
    return pd.DataFrame({
        "plan_id": np.repeat("P", 2 * m),
        "classification": np.repeat(cls, 2),
        "side": np.tile(["mhsud", "ms"], m),
        "denied": np.column_stack([rng.binomial(n_mh, p_mh), rng.binomial(n_ms, p_ms)]).ravel(),
        "claims": np.column_stack([n_mh, n_ms]).ravel(),
    })  # fmt: skip


def test_fdr_near_nominal_under_no_disparity():
    rng = np.random.default_rng(20240601)
    any_rejection = 0
    any_flag = 0
    for _ in range(N_REPS):
        t = compare_rates(_simulate(rng, np.ones(N_CELLS)), alpha=ALPHA)
        any_rejection += bool((t[col.P_ADJUSTED] < ALPHA).any())
        any_flag += bool(t[col.FLAGGED].any())
    # Under the complete null every rejection is false, so FDR = P(any rejection).
    fdr = any_rejection / N_REPS
    se = np.sqrt(ALPHA * (1 - ALPHA) / N_REPS)
    assert fdr <= ALPHA + 3 * se
    assert fdr >= 0.005  # not absurdly conservative
    # Flags need the adverse direction too: about half the two-sided rejections.
    assert any_flag <= any_rejection


def test_fdr_controlled_and_large_disparity_found_with_mixed_cells():
    rng = np.random.default_rng(7)
    ratios = np.ones(N_CELLS)
    ratios[:5] = 1.5
    fdp = []
    found_large = 0
    for _ in range(N_REPS // 2):
        summary = _simulate(rng, ratios)
        # Cell 0 is a large cell with a 1.5x disparity: 10% vs 15% on 3,000 claims a side.
        big = summary["classification"] == "cell00"
        summary.loc[big, "claims"] = 3000
        summary.loc[big & (summary["side"] == "ms"), "denied"] = rng.binomial(3000, 0.10)
        summary.loc[big & (summary["side"] == "mhsud"), "denied"] = rng.binomial(3000, 0.15)
        t = compare_rates(summary, alpha=ALPHA)
        rejected = t[col.P_ADJUSTED] < ALPHA
        false = rejected & (np.arange(N_CELLS) >= 5)
        fdp.append(false.sum() / max(rejected.sum(), 1))
        found_large += bool(t.loc[0, col.FLAGGED])
    fdr = float(np.mean(fdp))
    assert fdr <= ALPHA * 25 / 30 + 3 * np.std(fdp) / np.sqrt(len(fdp)) + 0.01
    assert found_large / (N_REPS // 2) >= 0.97
