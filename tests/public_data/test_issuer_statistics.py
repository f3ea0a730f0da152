"""issuer_denials statistics against R and published values, on small synthetic inputs.

R reference values (R 4.x):
  prop.test(15, 50, correct = FALSE)$conf.int          -> 0.1910, 0.4375  (Wilson score)
  prop.test(c(15, 25), c(50, 50), correct = FALSE)     -> X-squared = 4.1667, p-value = 0.04123
  p.adjust(c(.01, .02, .03, .04, .05), "holm")         -> 0.05 0.08 0.09 0.09 0.09
  p.adjust(c(.01, .02, .03, .04, .05), "BH")           -> 0.05 0.05 0.05 0.05 0.05
Rate-ratio intervals are checked against statsmodels' Table2x2 (log-scale Wald, as R's
epitools::riskratio(method = "wald")).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import Table2x2

from paritykit import ConfigurationError, issuer_denials
from paritykit.analysis.issuers import _adjust
from paritykit.load.tc_puf import ISSUER_COUNT_COLUMNS, PLAN_COUNT_COLUMNS, TcPuf


def _issuer(state: str, iid: str, received: float, denied: float, **extra: object) -> dict:
    row: dict[str, object] = {
        "state": state,
        "issuer_id": iid,
        "issuer_name": f"Issuer {iid}",
        "dental_only": False,
        "has_medical_plans": True,
        "enrollment": 5000.0,
        "enrollment_marker": None,
    }
    for column in ISSUER_COUNT_COLUMNS:
        row[column] = 10.0
        row[column + "_marker"] = None
    row.update(claims_received_in_network=received, claims_denied_in_network=denied)
    row.update(extra)
    return row


def _plan(state: str, iid: str, bh: float, other: float, product: str = "QHP") -> dict:
    row: dict[str, object] = {c: 0.0 for c in PLAN_COUNT_COLUMNS}
    row.update(state=state, issuer_id=iid, product_type=product)
    row.update(denied_not_medically_necessary_bh_only=bh)
    row.update(denied_not_medically_necessary_excluding_bh=other)
    return row


def _puf(issuers: list[dict], plans: list[dict] | None = None) -> TcPuf:
    plan_frame = pd.DataFrame(
        plans or [], columns=["state", "issuer_id", "product_type", *PLAN_COUNT_COLUMNS]
    )
    return TcPuf(
        issuers=pd.DataFrame(issuers), plans=plan_frame, layout="py2024", plan_year=2024,
        source="synthetic",
    )  # fmt: skip


def test_wilson_interval_against_R() -> None:
    result = issuer_denials(
        _puf([_issuer("OH", "A", 50, 15), _issuer("OH", "B", 50, 25)]), filters="none"
    )
    a = result.rates[(result.rates["issuer_id"] == "A") & (result.rates["network"] == "in_network")]
    assert a["denial_rate"].item() == pytest.approx(0.3)
    assert a["ci_low"].item() == pytest.approx(0.1910, abs=1e-4)
    assert a["ci_high"].item() == pytest.approx(0.4375, abs=1e-4)


def test_state_comparison_p_value_and_rate_ratio() -> None:
    result = issuer_denials(
        _puf([_issuer("OH", "A", 50, 15), _issuer("OH", "B", 50, 25)]), filters="none"
    )
    comp = result.comparisons
    row = comp[(comp["issuer_id"] == "A") & (comp["reference"] == "state")]
    row = row[row["network"] == "in_network"].iloc[0]
    assert row["reference_rate"] == pytest.approx(0.5)
    assert row["p_value"] == pytest.approx(0.04123, abs=5e-6)
    assert row["rate_ratio"] == pytest.approx(0.6)
    table = Table2x2(np.array([[15, 35], [25, 25]]))
    low, high = table.riskratio_confint(alpha=0.05)
    assert row["rate_ratio_ci_low"] == pytest.approx(low, rel=1e-9)
    assert row["rate_ratio_ci_high"] == pytest.approx(high, rel=1e-9)
    assert row["rate_ratio_ci_low"] == pytest.approx(0.3617, abs=1e-4)


def test_multiple_comparison_adjustment_against_R() -> None:
    p = pd.Series([0.01, 0.02, np.nan, 0.03, 0.04, 0.05])
    holm = _adjust(p, "holm")
    bh = _adjust(p, "fdr_bh")
    np.testing.assert_allclose(holm.dropna(), [0.05, 0.08, 0.09, 0.09, 0.09])
    np.testing.assert_allclose(bh.dropna(), [0.05] * 5)
    assert np.isnan(holm[2]) and np.isnan(bh[2])


def test_only_issuer_in_state_gets_note_not_a_number() -> None:
    result = issuer_denials(
        _puf([_issuer("OH", "A", 5000, 500), _issuer("TX", "B", 5000, 1000)]), filters="kff"
    )
    state = result.comparisons[result.comparisons["reference"] == "state"]
    assert state["rate_ratio"].isna().all()
    assert state["note"].str.contains("only issuer").all()
    national = result.comparisons[
        (result.comparisons["reference"] == "national") & (result.comparisons["issuer_id"] == "A")
    ]
    assert national["reference_rate"].iloc[0] == pytest.approx(0.2)  # the rest of the nation


def test_kff_exclusions_with_reasons() -> None:
    issuers = [
        _issuer("OH", "ok", 5000, 500),
        _issuer("OH", "small", 999, 100),
        _issuer("OH", "few_enrollees", 5000, 500, enrollment=999.0),
        _issuer("OH", "too_many_denials", 5000, 6000),
        _issuer("OH", "dental", 5000, 500, dental_only=True, has_medical_plans=False),
        _issuer("OH", "marked", np.nan, 10, claims_received_in_network_marker="**"),
        _issuer("OH", "no_enrollment", 5000, 500, enrollment=np.nan, enrollment_marker="*"),
        _issuer("OH", "shop_only", 5000, 500, has_individual_medical_plans=False),
    ]
    result = issuer_denials(_puf(issuers))
    reasons = dict(zip(result.exclusions["issuer_id"], result.exclusions["reason"], strict=True))
    # KFF's method as its 2024 edition applies it: no enrollment test.
    assert reasons == {
        "small": "claims_received_below_1000",
        "too_many_denials": "denials_exceed_claims",
        "dental": "dental_only",
        "marked": "claims_received_missing",
        "shop_only": "no_individual_medical_plans",
    }
    assert result.issuers["issuer_id"].tolist() == ["ok", "few_enrollees", "no_enrollment"]
    none = issuer_denials(_puf(issuers), filters="none")
    assert set(none.exclusions["issuer_id"]) == {"marked", "too_many_denials"}


def test_enrollment_test_only_where_enrollment_is_known() -> None:
    """A masked plan is unknown, not small: only a known enrollment below the minimum drops."""
    issuers = [
        _issuer("OH", "ok", 5000, 500),
        _issuer("OH", "known_small", 5000, 500, enrollment=640.0, enrollment_reported=640.0,
                enrollment_plans=7, enrollment_plans_reported=7),
        _issuer("OH", "masked", 5000, 500, enrollment=np.nan, enrollment_marker="*",
                enrollment_reported=655.0, enrollment_plans=49, enrollment_plans_reported=4),
        _issuer("OH", "masked_big", 5000, 500, enrollment=np.nan, enrollment_marker="**",
                enrollment_reported=4000.0, enrollment_plans=9, enrollment_plans_reported=3),
    ]  # fmt: skip
    result = issuer_denials(_puf(issuers), min_enrollment=1000)
    excluded = result.exclusions.set_index("issuer_id")
    assert excluded.index.tolist() == ["known_small"]
    assert excluded.loc["known_small", "reason"] == "enrollment_below_minimum"
    assert excluded.loc["known_small", "detail"] == (
        "fewer than 1,000 enrollees (640; enrollment reported for 7 of 7 plans)"
    )
    notes = result.issuers.set_index("issuer_id")["note"]
    assert "enrollment reported for 4 of 49 plans; those plans: 655 enrollees" in notes["masked"]
    assert "enrollment" not in notes["masked_big"]  # the reported plans reach the minimum
    assert "enrollment" not in notes["ok"]
    with pytest.raises(ConfigurationError, match="min_enrollment"):
        issuer_denials(_puf(issuers), min_enrollment=-5)


def test_behavioral_health_share_and_appeals() -> None:
    issuers = [
        _issuer("OH", "A", 5000, 1000, internal_appeals_filed=40.0,
                internal_appeals_overturned=10.0),
        _issuer("OH", "B", 5000, 500, internal_appeals_filed=np.nan,
                internal_appeals_filed_marker="**"),
    ]  # fmt: skip
    plans = [
        _plan("OH", "A", 15, 35),
        _plan("OH", "A", np.nan, 20),  # not reporting both reasons: left out of the share
        _plan("OH", "A", 5, 5, product="SADP"),  # dental plan: not counted
        _plan("OH", "B", 0, 0),
    ]
    result = issuer_denials(_puf(issuers, plans))
    a = result.issuers.set_index("issuer_id").loc["A"]
    assert a["bh_share_of_mn_denials"] == pytest.approx(0.3)
    assert a["bh_share_ci_low"] == pytest.approx(0.1910, abs=1e-4)  # same as R's 15/50
    assert a["plans_reporting_mn"] == 1 and a["plans_not_reporting_mn"] == 1
    assert a["overturn_rate"] == pytest.approx(0.25)
    assert a["appeal_rate"] == pytest.approx(40 / 1000)
    b = result.issuers.set_index("issuer_id").loc["B"]
    assert np.isnan(b["bh_share_of_mn_denials"]) and np.isnan(b["overturn_rate"])
    assert "undefined" in b["note"]
    national = result.pooled_appeals[result.pooled_appeals["scope"] == "national"].iloc[0]
    assert national["internal_appeals_filed"] == 40  # B's marked appeals are not zeros
    assert national["internal_appeals_filed_with_overturned"] == 40
    assert national["mn_denials_bh"] == 15


def test_bad_options() -> None:
    puf = _puf([_issuer("OH", "A", 5000, 500)])
    with pytest.raises(ConfigurationError, match="filters"):
        issuer_denials(puf, filters="kaiser")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="alpha"):
        issuer_denials(puf, alpha=1.5)


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(range(6))), st.lists(st.integers(0, 900), min_size=6, max_size=6))
def test_row_order_does_not_change_results(order: list[int], denied: list[int]) -> None:
    rows = [
        _issuer(state, str(i), 1000 + 100 * i, float(d))
        for i, (state, d) in enumerate(zip("AABBBC", denied, strict=True))
    ]
    base = issuer_denials(_puf(rows))
    shuffled = issuer_denials(_puf([rows[i] for i in order]))
    key = ["state", "issuer_id", "network", "reference"]
    a = base.comparisons.sort_values(key).reset_index(drop=True)
    b = shuffled.comparisons.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(base.pooled, shuffled.pooled)
