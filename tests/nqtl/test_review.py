"""As-written findings and outcome links: each finding type triggered and not triggered."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

import paritykit as pk
from paritykit import columns as C
from paritykit.analysis.nqtl import (
    COMPARISON_COLUMNS,
    FINDING_COLUMNS,
    FINDING_KINDS,
    OUTCOME_TEST_COLUMNS,
    RULE_2013,
    RULE_2021,
    RULE_2024,
)
from paritykit.errors import ConfigurationError

from .helpers import CLS, SUFFICIENT, outcomes, pair, row


def kinds(table: pd.DataFrame, **kw: object) -> list[str]:
    return pk.nqtl_review(table, **kw).findings["finding_kind"].tolist()


def test_identical_pair_has_no_finding() -> None:
    review = pk.nqtl_review(pair(mh={"review_interval_days": 7}, ms={"review_interval_days": 7}))
    assert review.findings.empty
    assert list(review.findings.columns) == list(FINDING_COLUMNS)
    assert list(review.to_frame().columns) == list(COMPARISON_COLUMNS)
    assert review.to_frame()[C.WORST_SEVERITY].isna().all()


# --- no M/S counterpart ----------------------------------------------------------------------


def test_no_ms_counterpart_when_ms_does_not_apply_or_is_missing() -> None:
    assert kinds(pair("prior_authorization", ms={"applies": False})) == ["no_ms_counterpart"]
    only_mh = pd.DataFrame([row("mhsud", "service_exclusion", scope="wilderness programs")])
    review = pk.nqtl_review(only_mh)
    first = review.findings.iloc[0]
    assert first["finding_kind"] == "no_ms_counterpart"
    assert first["severity"] == "warning_sign" and first["rule_basis"] == RULE_2013
    assert "lists no M/S counterpart" in first["finding"]
    assert review.to_frame().loc[0, C.MS_APPLIES] is pd.NA


def test_no_ms_counterpart_not_when_only_ms_applies_or_ms_applies_too() -> None:
    assert kinds(pair("prior_authorization", mh={"applies": False})) == []
    assert "no_ms_counterpart" not in kinds(pair("prior_authorization"))


def test_no_ms_counterpart_respects_sub_classifications() -> None:
    out, other, office = "outpatient_in_network", "all_other_outpatient", "office_visits"
    table = pd.DataFrame(
        [
            row("mhsud", "prior_authorization", classification=out),
            row("ms", "prior_authorization", classification=out, sub_classification=other),
            row("ms", "prior_authorization", classification=out, sub_classification=office,
                applies=False),
        ]
    )  # fmt: skip
    review = pk.nqtl_review(table)
    found = review.findings
    assert found["finding_kind"].tolist() == ["no_ms_counterpart"]
    assert found["sub_classification"].tolist() == ["office_visits"]
    # A whole-classification M/S row is a counterpart for every sub-classification.
    table.loc[1, "sub_classification"] = None
    table = table.drop(index=2)
    assert kinds(table) == []


# --- stricter review interval ----------------------------------------------------------------


def test_shorter_mhsud_interval_is_a_warning_sign() -> None:
    review = pk.nqtl_review(
        pair(mh={"review_interval_days": 3}, ms={"review_interval_days": "7 days"})
    )
    rec = review.findings.iloc[0]
    assert rec["finding_kind"] == "stricter_review_interval"
    assert "every 3 days" in rec["finding"] and "every 7 days" in rec["finding"]
    assert "2.33 times" in rec["finding"]


@pytest.mark.parametrize(("mh", "ms"), [(7, 7), (7, 3), (10, 7)])
def test_equal_or_longer_interval_is_not(mh: int, ms: int) -> None:
    assert kinds(pair(mh={"review_interval_days": mh}, ms={"review_interval_days": ms})) == []


def test_interval_on_one_side_only_is_a_review_point() -> None:
    review = pk.nqtl_review(pair(mh={"review_interval_days": 3}))
    assert review.findings["finding_kind"].tolist() == ["review_interval_missing"]
    assert review.findings.loc[0, "severity"] == "review"
    assert kinds(pair()) == []


# --- broader scope ---------------------------------------------------------------------------


def test_all_mhsud_services_vs_selected_ms_services() -> None:
    table = pair(
        "prior_authorization",
        mh={"scope": "All outpatient therapy visits"},
        ms={"scope": "advanced imaging; outpatient surgery"},
    )
    assert kinds(table) == ["broader_scope"]


@pytest.mark.parametrize(
    ("mh_scope", "ms_scope"),
    [
        ("all outpatient services", "every outpatient service"),
        ("psychological testing", "all outpatient services"),
        ("all outpatient services", None),
    ],
)
def test_scope_not_broader(mh_scope: str, ms_scope: str | None) -> None:
    assert kinds(pair("prior_authorization", mh={"scope": mh_scope}, ms={"scope": ms_scope})) == []


# --- factors and evidentiary standards ---------------------------------------------------------


def test_factor_used_only_for_mhsud_is_a_warning_sign() -> None:
    table = pair(
        "reimbursement_method",
        mh={"factors": "Medicare benchmark; supply of therapists"},
        ms={"factors": "Medicare benchmark"},
    )
    review = pk.nqtl_review(table)
    rec = review.findings.iloc[0]
    assert (rec["finding_kind"], rec["severity"]) == ("factors_differ", "warning_sign")
    assert "used only for MH/SUD: supply of therapists" in rec["finding"]


def test_factor_used_only_for_ms_is_a_review_point() -> None:
    table = pair(mh={"factors": "high cost"}, ms={"factors": "high cost; safety risk"})
    review = pk.nqtl_review(table)
    assert review.findings["finding_kind"].tolist() == ["factors_differ"]
    assert review.findings.loc[0, "severity"] == "review"


def test_same_factors_in_other_order_and_case_do_not_differ() -> None:
    table = pair(mh={"factors": "Variation in length of stay;  HIGH COST"})
    assert kinds(table) == []


def test_evidentiary_standards_differ() -> None:
    table = pair(mh={"evidentiary_standards": "internal reports"})
    assert kinds(table) == ["evidentiary_standards_differ"]
    assert kinds(pair(mh={"evidentiary_standards": "Cost per episode above $5,000; "
                          "coefficient of variation above 0.5"})) == []  # fmt: skip


@pytest.mark.parametrize("value", [None, "n/a", "Various", "TBD"])
def test_missing_or_placeholder_factors_are_insufficient(value: str | None) -> None:
    review = pk.nqtl_review(pair(mh={"factors": value}))
    rec = review.findings.iloc[0]
    assert (rec["finding_kind"], rec["severity"]) == ("factors_missing", "insufficient")
    assert rec["rule_basis"] == RULE_2021
    assert "on MH/SUD benefits" in rec["finding"]


def test_missing_standards_checked_on_ms_side_too_but_not_when_ms_does_not_apply() -> None:
    review = pk.nqtl_review(pair(ms={"evidentiary_standards": "proprietary"}))
    assert review.findings["finding_kind"].tolist() == ["evidentiary_standards_missing"]
    assert "on M/S benefits" in review.findings.loc[0, "finding"]
    table = pair(ms={"applies": False, "evidentiary_standards": None})
    assert kinds(table) == ["no_ms_counterpart"]


# --- DOL warning signs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nqtl_type", "text", "category"),
    [
        ("reimbursement_method", "market factors", "market factors"),
        (
            "concurrent_review",
            "patient must show measurable progress",
            "probability of improvement",
        ),
        ("facility_type_restriction", "Joint Commission accreditation", "accreditation"),
        ("service_exclusion", "court-ordered treatment", "court-ordered"),
        ("written_treatment_plan", "treatment plan within 5 days", "written treatment plan"),
    ],
)
def test_dol_warning_sign_when_only_mhsud_mentions_it(
    nqtl_type: str, text: str, category: str
) -> None:
    table = pair(nqtl_type, mh={"factors": f"high cost; {text}"}, ms={"factors": "high cost"})
    found = pk.nqtl_review(table).findings
    sign = found[found["finding_kind"] == "dol_warning_sign"]
    assert len(sign) == 1
    assert category in sign["finding"].iloc[0]
    assert "Warning Signs - Plan or Policy NQTLs" in sign["citation"].iloc[0]
    assert "Appendix" not in sign["citation"].iloc[0]


def test_dol_warning_sign_not_when_ms_mentions_it_too() -> None:
    table = pair("reimbursement_method", mh={"factors": "market factors"},
                 ms={"factors": "market factors"})  # fmt: skip
    assert kinds(table) == []


def test_residential_pattern_only_counts_for_exclusions() -> None:
    concurrent = pair(mh={"scope": "residential treatment stays"}, ms={"scope": "skilled nursing"})
    assert kinds(concurrent) == []
    exclusion = pair(
        "service_exclusion",
        mh={"scope": "residential treatment"},
        ms={"scope": "cosmetic surgery"},
    )
    assert kinds(exclusion) == ["dol_warning_sign"]


# --- outcome links ---------------------------------------------------------------------------


def test_outcome_disparity_links_prior_authorization_to_its_denial_rate() -> None:
    table = pair("prior_authorization")
    review = pk.nqtl_review(table, outcomes=outcomes(60, 200, 40, 400))
    tests = review.outcome_tests
    assert list(tests.columns) == list(OUTCOME_TEST_COLUMNS)
    assert tests[C.MEASURE].tolist() == [C.PRIOR_AUTH_DENIAL_RATE]
    # The disparity test against an independent implementation (Pearson, no correction).
    expected = chi2_contingency([[60, 140], [40, 360]], correction=False)[1]
    assert tests.loc[0, C.P_VALUE] == pytest.approx(expected, rel=1e-9)
    assert tests.loc[0, C.RATE_RATIO] == pytest.approx((60 / 200) / (40 / 400))
    found = review.findings
    assert found["finding_kind"].tolist() == ["outcome_disparity"]
    rec = found.iloc[0]
    assert rec["measure"] == C.PRIOR_AUTH_DENIAL_RATE and bool(rec["flagged"])
    assert rec["mhsud_rate"] == pytest.approx(0.3) and rec["ms_rate"] == pytest.approx(0.1)
    assert "30.0%" in rec["finding"] and "not proof" in rec["finding"]


def test_no_outcome_disparity_when_rates_are_alike() -> None:
    review = pk.nqtl_review(pair("prior_authorization"), outcomes=outcomes(20, 200, 40, 400))
    assert review.findings.empty
    assert not review.outcome_tests.loc[0, C.FLAGGED]


def test_findings_carry_the_linked_measure() -> None:
    table = pair("prior_authorization", ms={"applies": False})
    review = pk.nqtl_review(table, outcomes=outcomes(20, 200, 40, 400))
    rec = review.findings.iloc[0]
    assert rec["finding_kind"] == "no_ms_counterpart"
    assert rec["measure"] == C.PRIOR_AUTH_DENIAL_RATE
    assert rec["mhsud_rate"] == pytest.approx(0.1) and not rec["flagged"]
    assert np.isfinite(rec["p_adjusted"])


def test_network_nqtls_link_out_of_network_share_and_allowed_ratio() -> None:
    review = pk.nqtl_review(pair("reimbursement_method"), outcomes=outcomes(1, 10, 1, 10))
    tests = review.outcome_tests.set_index(C.MEASURE)
    assert tests.loc[C.OUT_OF_NETWORK_RATE, C.MHSUD_TRIALS] == 1000
    assert tests.loc[C.ALLOWED_PER_UNIT, C.RATE_RATIO] == pytest.approx(0.8)
    assert not tests.loc[C.ALLOWED_PER_UNIT, C.FLAGGED]
    assert np.isnan(tests.loc[C.ALLOWED_PER_UNIT, C.P_VALUE])


def test_missing_outcome_column_is_a_note_not_an_error() -> None:
    summary = outcomes(60, 200, 40, 400).drop(columns=["prior_auth_requests"])
    review = pk.nqtl_review(pair("prior_authorization"), outcomes=summary)
    assert review.outcome_tests.empty and review.findings.empty
    assert any("prior_auth_requests" in n for n in review.notes)
    review = pk.nqtl_review(pair(), outcomes=summary.drop(columns=["classification"]))
    assert any("classification" in n for n in review.notes)


def test_outcomes_without_the_plan_are_noted() -> None:
    summary = outcomes(60, 200, 40, 400).assign(plan_id="OTHER")
    review = pk.nqtl_review(pair("prior_authorization"), outcomes=summary)
    assert review.outcome_tests.empty
    assert any("no outcome rows for plan P" in n for n in review.notes)


def test_outcomes_from_a_csv_file(tmp_path) -> None:
    path = tmp_path / "summary.csv"
    outcomes(60, 200, 40, 400).to_csv(path, index=False)
    review = pk.nqtl_review(pair("prior_authorization"), outcomes=path)
    assert review.findings["finding_kind"].tolist() == ["outcome_disparity"]


def test_bad_options() -> None:
    with pytest.raises(ConfigurationError, match="alpha"):
        pk.nqtl_review(pair(), alpha=1.5)
    with pytest.raises(ConfigurationError, match="correction"):
        pk.nqtl_review(pair(), correction="sidak")  # type: ignore[arg-type]


# --- sample plans, wording and result object ---------------------------------------------------


def test_sample_plans_clean_and_warning_signs() -> None:
    review = pk.nqtl_review(pk.sample_nqtls())
    by_plan = review.findings.groupby("plan_id")["finding_kind"].apply(set).to_dict()
    assert "SAMPLE-A" not in by_plan
    assert {"no_ms_counterpart", "stricter_review_interval", "factors_differ",
            "dol_warning_sign"} <= by_plan["SAMPLE-B"]  # fmt: skip
    assert {"no_ms_counterpart", "evidentiary_standards_missing"} <= by_plan["SAMPLE-C"]
    b = review.findings[review.findings["plan_id"] == "SAMPLE-B"]
    pa = b[b["finding_kind"] == "no_ms_counterpart"].iloc[0]
    assert (pa["classification"], pa["sub_classification"]) == (
        "outpatient_in_network",
        "office_visits",
    )


_VIOLATION_WORDS = re.compile(
    r"violat|illegal|unlawful|non-?complian|is not compliant|breaks the law|in breach",
    re.IGNORECASE,
)


def test_no_finding_states_a_violation_as_fact() -> None:
    summary = outcomes(60, 200, 40, 400)
    tables = [
        pk.sample_nqtls(),
        pair("prior_authorization", ms={"applies": False}),
        pair(
            mh={
                "review_interval_days": 1,
                "factors": "market factors; n/a",
                "evidentiary_standards": None,
            },
            ms={"review_interval_days": 7},
        ),
    ]
    seen = set()
    for table in tables:
        review = pk.nqtl_review(table, outcomes=summary, analysis=pk.sample_comparative_analysis())
        for rec in review.findings.to_dict("records"):
            seen.add(rec["finding_kind"])
            for name in ("finding", "disclosure_request"):
                assert not _VIOLATION_WORDS.search(rec[name]), rec[name]
            assert "Question for the plan" in rec["finding"]
            assert rec["disclosure_request"].startswith("Please provide")
            assert rec["rule_basis"] in (RULE_2013, RULE_2021, RULE_2024)
            assert rec["severity"] in ("warning_sign", "review", "insufficient")
    assert len(seen) >= 10 and seen <= set(FINDING_KINDS)


def test_findings_are_ordered_most_serious_first() -> None:
    table = pd.concat(
        [pair(mh={"review_interval_days": 3}, ms={"review_interval_days": None}),
         pair("prior_authorization", mh={"factors": None}, ms={"applies": False})],
        ignore_index=True,
    )  # fmt: skip
    severities = pk.nqtl_review(table).findings["severity"].tolist()
    rank = {"warning_sign": 0, "insufficient": 1, "review": 2}
    assert severities == sorted(severities, key=rank.__getitem__)
    assert severities[0] == "warning_sign" and severities[-1] == "review"


def test_summary_and_html() -> None:
    review = pk.nqtl_review(pk.sample_nqtls())
    text = review.summary()
    assert "SAMPLE-B" in text and "not conclusions" in text
    assert "<table" in review._repr_html_()
    assert review.n_warning_signs == int((review.findings["severity"] == "warning_sign").sum())
    assert review.n_warning_signs > 0


def test_row_order_does_not_change_findings() -> None:
    table = pk.sample_nqtls()
    a = pk.nqtl_review(table).findings
    b = pk.nqtl_review(table.sample(frac=1.0, random_state=3).reset_index(drop=True)).findings
    pd.testing.assert_frame_equal(a, b)


def test_analysis_argument_adds_sufficiency_findings() -> None:
    table = pair()
    review = pk.nqtl_review(table, analysis=[SUFFICIENT])
    assert review.findings.empty
    assert (review.analysis_elements["element_status"] == "present").all()
    review = pk.nqtl_review(pd.concat([table, pair("prior_authorization")]), analysis=[SUFFICIENT])
    assert review.findings["finding_kind"].tolist() == ["analysis_not_provided"]
    assert review.findings.loc[0, "nqtl_type"] == "prior_authorization"
    assert review.findings.loc[0, "classification"] == CLS


def test_out_of_network_share_pools_the_network_classifications() -> None:
    # A summary by classification puts every out-of-network claim in the OON classification.
    inn, oon = "outpatient_in_network", "outpatient_out_of_network"
    summary = pd.DataFrame(
        {
            "plan_id": ["P"] * 4,
            "classification": [inn, inn, oon, oon],
            "side": ["mhsud", "ms", "mhsud", "ms"],
            "claims": [800, 950, 200, 50],
            "out_of_network_claims": [0, 0, 200, 50],
            "allowed_amount": [1.0, 1.0, 1.0, 1.0],
        }
    )
    table = pair("network_admission", mh={"classification": inn}, ms={"classification": inn})
    review = pk.nqtl_review(table, outcomes=summary)
    test = review.outcome_tests.set_index(C.MEASURE).loc[C.OUT_OF_NETWORK_RATE]
    assert (test[C.MHSUD_EVENTS], test[C.MHSUD_TRIALS]) == (200, 1000)
    assert (test[C.MS_EVENTS], test[C.MS_TRIALS]) == (50, 1000)
    assert test[C.FLAGGED]
    rec = review.findings.iloc[0]
    assert rec["finding_kind"] == "outcome_disparity"
    assert "outpatient care (in- and out-of-network claims pooled) is 20.0%" in rec["finding"]
    # The allowed amount per claim stays within the classification.
    allowed = review.outcome_tests.set_index(C.MEASURE).loc[C.ALLOWED_PER_UNIT]
    assert allowed[C.MHSUD_TRIALS] == 800


def test_one_disclosure_request_per_nqtl_with_findings() -> None:
    table = pair("prior_authorization", mh={"factors": "cost"}, ms={"applies": False})
    review = pk.nqtl_review(table, outcomes=outcomes(60, 200, 40, 400))
    requests = review.disclosure_requests()
    assert len(requests) == 1
    rec = requests.iloc[0]
    assert rec["severity"] == "warning_sign"
    assert set(rec["finding_kind"].split("; ")) == {"no_ms_counterpart", "outcome_disparity"}
    assert "its own data on the prior-authorization denial rate" in rec["disclosure_request"]
    assert pk.nqtl_review(pair()).disclosure_requests().empty
