"""Interpretation sentences: warning signs with numbers, never legal conclusions."""

from __future__ import annotations

import re

import pandas as pd

from paritykit import compare_rates, disparity_model, stratified_test
from paritykit.stats import rate_sentences, two_proportions
from paritykit.stats.text import WARNING_SIGN, describe_group, format_p

_LEGAL_CONCLUSION = re.compile(r"\b(violates|is in violation|non-?compliant|illegal)\b", re.I)


def _summary() -> pd.DataFrame:
    return pd.DataFrame({
        "plan_id": ["P1"] * 4,
        "classification": ["outpatient_in_network"] * 2 + ["emergency"] * 2,
        "side": ["mhsud", "ms"] * 2,
        "denied": [1420, 810, 11, 10],
        "claims": [10000, 10000, 100, 100],
    })  # fmt: skip


def test_flagged_row_sentence_reads_as_warning_sign():
    t = compare_rates(_summary())
    s = rate_sentences(t)
    flagged = s[t["flagged"]].iloc[0]
    assert flagged.startswith(
        "MH/SUD claims in plan P1, outpatient in-network were denied at 14.2% vs 8.1% for M/S "
        "(ratio 1.75, 95% CI 1.62-1.90; adjusted p < 0.001)."  # Katz: 1.7531 x/÷ 1.0852
    )
    assert WARNING_SIGN in flagged
    assert not _LEGAL_CONCLUSION.search(flagged)


def test_non_significant_sentence_shows_detectable_ratio():
    t = compare_rates(_summary())
    s = rate_sentences(t)[~t["flagged"]].iloc[0]
    assert "could be chance" in s and "80% power" in s
    assert "not evidence that the plan is at parity" in s


def test_untested_row_sentence_gives_reason():
    t = compare_rates(
        pd.DataFrame(
            {
                "plan_id": ["P1"],
                "classification": ["emergency"],
                "side": ["ms"],
                "denied": [3],
                "claims": [40],
            }
        )
    )
    assert "could not be compared (no MH/SUD claims)" in rate_sentences(t).iloc[0]


def test_result_objects_render_sentences():
    s = _summary()
    for text in (
        two_proportions(1420, 10000, 810, 10000).sentence(),
        stratified_test(s, strata="classification").sentence(),
        disparity_model(s, covariates="classification").sentence(),
    ):
        assert "MH/SUD" in text
        assert not _LEGAL_CONCLUSION.search(text)


def test_formatting_helpers():
    assert format_p(0.0004, adjusted=True) == "adjusted p < 0.001"
    assert format_p(0.2345) == "p = 0.23"
    assert describe_group({"classification": "inpatient_out_of_network"}) == (
        "inpatient out-of-network"
    )
