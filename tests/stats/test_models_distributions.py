"""disparity_model against R glm/vcovCL; compare_distributions against R wilcox.test and the
Brunner-Munzel formula.

Tolerances: 1e-7 relative for GLM quantities (both sides iterate to convergence), 1e-9 for rank
tests (closed forms or exact distributions).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from paritykit import columns as col
from paritykit import compare_distributions, disparity_model
from paritykit.errors import ConfigurationError, DataValidationError
from paritykit.stats import DISTRIBUTION_COLUMNS
from paritykit.stats.distributions import rank_test

ORACLES = Path(__file__).resolve().parents[1] / "oracles"


@pytest.fixture(scope="module")
def model_data() -> pd.DataFrame:
    return pd.read_csv(ORACLES / "model_data.csv")


@pytest.fixture(scope="module")
def rank_data() -> pd.DataFrame:
    return pd.read_csv(ORACLES / "rank_data.csv")


@pytest.mark.parametrize(
    ("name", "covariates"), [("side_only", ()), ("plan_class", ("plan_id", "classification"))]
)
def test_disparity_model_against_R_glm(name, covariates, model_data, r_models):
    case = f"glm_{name}"
    r = disparity_model(model_data, covariates=covariates)
    coef = r.coefficients.set_index("term").loc["mhsud"]
    assert coef["estimate"] == pytest.approx(r_models(case, "estimate"), rel=1e-7)
    assert coef["std_error"] == pytest.approx(r_models(case, "std_error"), rel=1e-7)
    assert r.p_value == pytest.approx(r_models(case, "p_value"), rel=1e-6)
    assert r.odds_ratio_low == pytest.approx(r_models(case, "odds_ratio_low"), rel=1e-7)
    assert r.odds_ratio_high == pytest.approx(r_models(case, "odds_ratio_high"), rel=1e-7)
    assert r.n_trials == model_data["claims"].sum() and r.converged


@pytest.mark.parametrize(
    ("name", "covariates"), [("side_only", ()), ("plan_class", ("plan_id", "classification"))]
)
def test_cluster_robust_errors_against_R_vcovCL(name, covariates, model_data, r_models):
    r = disparity_model(model_data, covariates=covariates, cluster="plan_id")
    coef = r.coefficients.set_index("term").loc["mhsud"]
    assert coef["std_error"] == pytest.approx(r_models(f"glm_{name}", "cluster_std_error"),
                                              rel=1e-7)  # fmt: skip
    assert r.cov_type == "cluster" and r.n_clusters == 4


def test_grouped_model_equals_claim_level_logistic_regression(model_data):
    rows = []
    for rec in model_data.itertuples(index=False):
        for outcome, count in ((1, rec.denied), (0, rec.claims - rec.denied)):
            rows.append((rec.side == "mhsud", rec.classification, outcome, count))
    claims = pd.DataFrame(rows, columns=["mhsud", "cls", "y", "n"])
    claims = claims.loc[claims.index.repeat(claims["n"])]
    exog = sm.add_constant(pd.DataFrame({
        "mhsud": claims["mhsud"].astype(float),
        "cls": (claims["cls"] == "outpatient_in_network").astype(float),
    }))  # fmt: skip
    fit = sm.Logit(claims["y"].to_numpy(), exog.to_numpy()).fit(disp=0, tol=1e-12)
    r = disparity_model(model_data, covariates="classification")
    coef = r.coefficients.set_index("term").loc["mhsud"]
    assert coef["estimate"] == pytest.approx(fit.params[1], rel=1e-7)
    assert coef["std_error"] == pytest.approx(fit.bse[1], rel=1e-6)


def test_disparity_model_edge_cases(model_data):
    none = model_data.assign(
        denied=np.where(model_data["side"] == "mhsud", 0, model_data["denied"])
    )
    r = disparity_model(none)
    assert math.isnan(r.odds_ratio) and "not finite" in r.note
    one_side = model_data[model_data["side"] == "ms"]
    assert "both MH/SUD and M/S" in disparity_model(one_side).note
    zero = pd.concat([model_data, model_data.head(1).assign(denied=0, claims=0)])
    assert "zero claims left out" in disparity_model(zero).note
    with pytest.raises(ConfigurationError, match="side"):
        disparity_model(model_data, covariates=("side",))
    assert "Adjusted for plan id, classification" in disparity_model(model_data).sentence()


@pytest.mark.parametrize("name", ["ties", "exact", "large"])
def test_rank_tests_against_R(name, rank_data, r_models):
    part = rank_data[rank_data["sample"] == name]
    x = part.loc[part["side"] == "mhsud", "value"].to_numpy()
    y = part.loc[part["side"] == "ms", "value"].to_numpy()
    stat, p, _ = rank_test(x, y, test="mann_whitney")
    assert stat == r_models(f"wilcox_{name}", "statistic")
    assert p == pytest.approx(r_models(f"wilcox_{name}", "p_value"), rel=1e-9)
    stat, p, _ = rank_test(x, y, test="brunner_munzel")
    assert abs(stat) == pytest.approx(
        abs(r_models(f"brunner_munzel_{name}", "statistic")), rel=1e-9
    )
    assert p == pytest.approx(r_models(f"brunner_munzel_{name}", "p_value"), rel=1e-9)


def test_compare_distributions_against_R(rank_data, r_models):
    data = rank_data.rename(columns={"sample": "classification"})
    t = compare_distributions(data, value="value", by="classification", worse="lower",
                              n_boot=500).set_index("classification")  # fmt: skip
    assert list(t.columns) == list(DISTRIBUTION_COLUMNS)
    for name in ("ties", "exact", "large"):
        row = t.loc[name]
        assert row[col.MHSUD_MEDIAN] == pytest.approx(r_models(f"median_{name}", "mhsud"))
        assert row[col.MS_MEDIAN] == pytest.approx(r_models(f"median_{name}", "ms"))
        assert row[col.RELATIVE_EFFECT] == pytest.approx(
            r_models(f"relative_effect_{name}", "estimate"), rel=1e-12
        )
        assert row[col.P_VALUE] == pytest.approx(
            r_models(f"brunner_munzel_{name}", "p_value"), rel=1e-9
        )
        assert row[col.MEDIAN_RATIO_LOW] <= row[col.MEDIAN_RATIO] <= row[col.MEDIAN_RATIO_HIGH]
    # Only the large sample (MH/SUD paid about 80% of M/S) is flagged.
    assert t[col.FLAGGED].to_dict() == {"exact": False, "large": True, "ties": False}


def test_bootstrap_is_seeded(rank_data):
    data = rank_data[rank_data["sample"] == "large"]
    a = compare_distributions(data, value="value", worse="lower", n_boot=300, seed=1)
    b = compare_distributions(data, value="value", worse="lower", n_boot=300, seed=1)
    c = compare_distributions(data, value="value", worse="lower", n_boot=300, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert a.loc[0, col.MEDIAN_RATIO_LOW] != c.loc[0, col.MEDIAN_RATIO_LOW]


def test_compare_distributions_edge_cases():
    d = pd.DataFrame({"classification": ["a"] * 3 + ["b"] * 4 + ["c"] * 5,
                      "side": ["mhsud", "ms", "ms", "mhsud", "mhsud", "ms", "ms",
                               "mhsud", "mhsud", "mhsud", "ms", "ms"],
                      "days": [3, 2, 4, 5, 5, 5, 5, 1, 2, None, 0, 0]})  # fmt: skip
    t = compare_distributions(d, value="days", by="classification", worse="higher",
                              n_boot=100).set_index("classification")  # fmt: skip
    assert "fewer than 2" in t.loc["a", col.NOTE] and math.isnan(t.loc["a", col.P_VALUE])
    assert "undefined" in t.loc["b", col.NOTE]  # every value the same
    assert "1 missing value" in t.loc["c", col.NOTE]
    assert "not positive" in t.loc["c", col.NOTE]
    assert not t[col.FLAGGED].any()
    with pytest.raises(DataValidationError, match="not numbers"):
        compare_distributions(d.assign(days="x"), value="days", worse="higher")
