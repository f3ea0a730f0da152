"""Screening without projected payments (issue 15).

The expected answers come from the regulation's rules, not from paritykit's output: 29 CFR
2590.712(c)(3) -- a type applies to substantially all M/S benefits when it covers at least
two-thirds of the M/S payments in the classification; the predominant level is the level (or the
least restrictive level of the most-restrictive-first combination) covering more than one-half
of the subject payments; MH/SUD benefits may not carry a more restrictive level, nor the type at
all when it is not substantially all. Examples 1 and 2 of (c)(3) are in ``helpers``.

The oracle used by the property tests restates those rules directly: with payments p on the
listed M/S benefits, the MH/SUD level m complies exactly when the subject benefits receive at
least two-thirds of all payments and the benefits at levels at least as restrictive as m receive
more than one-half of the subject payments.
"""

from __future__ import annotations

import re
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paritykit as pk

from .helpers import example_1, example_2, mh, ms, table

DEPENDS = "depends_on_payments"
FAILS = "fails_whatever_the_payments"
PASSES = "passes_whatever_the_payments"


def without_payments(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(projected_payments=None)


def only_row(result: pk.QuantitativeTestResult) -> pd.Series:
    frame = result.to_frame()
    assert len(frame) == 1
    return frame.iloc[0]


_PART = re.compile(
    r"the M/S benefits with (?P<what>.+?) \((?P<names>[^()]*)\) receive "
    r"(?P<share>at least two-thirds|more than half) of the projected payments for "
    r"(?P<of>all M/S benefits in .+? \((?P<all>[^()]*)\)|M/S benefits with .+? \((?P<sub>[^()]*)\))"
)


def condition_parts(condition: str) -> dict[str, set[str]]:
    """{'two_thirds': benefits that must reach 2/3, 'half': benefits that must exceed 1/2}."""
    assert condition.startswith("complies only if ")
    parts: dict[str, set[str]] = {}
    for m in _PART.finditer(condition):
        key = "two_thirds" if m["share"] == "at least two-thirds" else "half"
        parts[key] = set(m["names"].split(", "))
        parts[key + "_of"] = set((m["all"] or m["sub"]).split(", "))
    return parts


# --- the regulation's examples with payments removed -------------------------------------------


def test_example_1_without_payments_depends_on_both_thresholds() -> None:
    row = only_row(pk.quantitative_test(without_payments(example_1(mhsud_level=15))))
    assert row["screening"] == DEPENDS
    assert pd.isna(row["compliant"]) and pd.isna(row["substantially_all"])
    parts = condition_parts(row["screening_condition"])
    # The 0% benefit is not subject: coinsurance is on every listed benefit but one.
    assert parts["two_thirds"] == {
        "benefit at 10%",
        "benefit at 15%",
        "benefit at 20%",
        "benefit at 30%",
    }
    assert "benefit at 0%" in parts["two_thirds_of"]
    # Levels at least as restrictive as 15%: 15, 20, 30.
    assert parts["half"] == {"benefit at 15%", "benefit at 20%", "benefit at 30%"}
    assert "coinsurance of 15% or more" in row["screening_condition"]
    assert row["screening_benefits"].count("benefit at") == 5


def test_example_1_payments_satisfy_the_stated_condition() -> None:
    # The regulation's payments: subject 800/1000 = 80% >= 2/3; >= 15%: 700/800 > 1/2.
    full = only_row(pk.quantitative_test(example_1(mhsud_level=15)))
    assert full["compliant"]
    assert pd.isna(full["screening"])


def test_example_1_mhsud_above_every_level_fails_whatever_the_payments() -> None:
    result = pk.quantitative_test(without_payments(example_1(mhsud_level=35)))
    row = only_row(result)
    assert row["screening"] == FAILS
    assert row["compliant"] is False or not row["compliant"]
    assert result.findings["finding_kind"].tolist()[0] == "mhsud_above_every_ms_level"
    assert pd.isna(row["screening_condition"])


def test_example_1_mhsud_at_or_below_every_level_depends_only_on_two_thirds() -> None:
    row = only_row(pk.quantitative_test(without_payments(example_1(mhsud_level=10))))
    parts = condition_parts(row["screening_condition"])
    assert row["screening"] == DEPENDS
    assert set(parts) == {"two_thirds", "two_thirds_of"}


def test_every_benefit_subject_and_mhsud_least_restrictive_passes_whatever() -> None:
    frame = example_1(mhsud_level=10)
    frame = frame[frame["level"] != 0]  # drop the 0% benefit: coinsurance on every benefit
    row = only_row(pk.quantitative_test(without_payments(frame)))
    assert row["screening"] == PASSES
    assert bool(row["compliant"]) and bool(row["substantially_all"])


def test_every_benefit_subject_mhsud_in_between_depends_on_one_half_only() -> None:
    frame = example_2(mhsud_level=20)
    frame = frame[frame["level"] != 0]
    row = only_row(pk.quantitative_test(without_payments(frame)))
    assert row["screening"] == DEPENDS
    assert bool(row["substantially_all"])
    parts = condition_parts(row["screening_condition"])
    assert set(parts) == {"half", "half_of"}
    assert parts["half"] == {"benefit at $20", "benefit at $50"}
    assert "copays of $20 or more" in row["screening_condition"]
    # With the regulation's payments ($20 + $50 = 400 of 800: exactly one-half) the full test
    # fails, and the condition (more than half) is indeed violated.
    full = only_row(pk.quantitative_test(frame))
    assert not full["compliant"]


def test_example_2_without_payments_states_the_copay_condition() -> None:
    row = only_row(pk.quantitative_test(without_payments(example_2(mhsud_level=15))))
    assert row["screening"] == DEPENDS
    parts = condition_parts(row["screening_condition"])
    assert parts["half"] == {"benefit at $15", "benefit at $20", "benefit at $50"}
    assert "predominant M/S copay" in row["finding"] and "$15 or more" in row["finding"]


def test_single_level_on_every_benefit_is_the_predominant_level() -> None:
    cls = "emergency"
    frame = table(
        [
            ms(cls, "er", "copay", 250, None),
            ms(cls, "ambulance", "copay", 250, None),
            mh(cls, "psych er", "copay", 300),
        ]
    )
    row = only_row(pk.quantitative_test(frame))
    assert row["screening"] == FAILS and row["predominant_level"] == 250


# --- bright lines stay as they are ---------------------------------------------------------------


def test_separate_deductible_fails_whatever_the_payments() -> None:
    cls = "outpatient_in_network"
    frame = table(
        [
            ms(cls, "office", "deductible", 1500, None, accumulation="combined"),
            ms(cls, "surgery", "deductible", None, None),
            mh(cls, "therapy", "deductible", 250, accumulation="separate"),
        ]
    )
    result = pk.quantitative_test(frame)
    row = only_row(result)
    assert row["screening"] == FAILS and not row["compliant"]
    kinds = set(result.findings["finding_kind"])
    assert "separate_accumulation" in kinds and "depends_on_payments" not in kinds


def test_mhsud_only_visit_limit_fails_whatever_the_payments() -> None:
    cls = "outpatient_in_network"
    frame = table(
        [
            ms(cls, "office", "copay", 25, None),
            mh(cls, "therapy", "copay", 25),
            mh(cls, "therapy", "visit_limit", 20),
        ]
    )
    result = pk.quantitative_test(frame)
    det = result.to_frame().set_index("requirement_type")
    assert det.loc["visit_limit", "screening"] == FAILS
    assert det.loc["copay", "screening"] == PASSES
    assert "no_ms_counterpart" in set(result.findings["finding_kind"])


def test_day_limit_condition_counts_fewer_days_as_more_restrictive() -> None:
    cls = "inpatient_in_network"
    frame = table(
        [
            ms(cls, "rehab", "day_limit", 30, None),
            ms(cls, "snf", "day_limit", 60, None),
            mh(cls, "psych stay", "day_limit", 45),
        ]
    )
    row = only_row(pk.quantitative_test(frame))
    assert row["screening"] == DEPENDS
    assert condition_parts(row["screening_condition"])["half"] == {"rehab"}
    assert "day limits of 45 days or fewer" in row["screening_condition"]


# --- scope, mixed input, result API --------------------------------------------------------------


def test_scope_note_and_screening_frame() -> None:
    result = pk.quantitative_test(without_payments(example_2(mhsud_level=15)))
    notes = result.findings[result.findings["finding_kind"] == "screening_scope"]
    assert len(notes) == 1 and "listed" in notes.iloc[0]["finding"]
    frame = result.screening
    assert frame["screening"].tolist() == [DEPENDS]
    assert result.n_depends == 1 and result.n_noncompliant == 0
    assert "depend on the projected payments" in result.summary()


def test_mixed_payments_in_one_classification_are_an_error() -> None:
    frame = example_2(mhsud_level=15)
    frame.loc[1, "projected_payments"] = None  # DataFrame rows are numbered from 1: row 2
    with pytest.raises(pk.DataValidationError) as info:
        pk.quantitative_test(frame)
    problems = info.value.problems
    assert problems["column"].tolist() == ["projected_payments"]
    assert problems["row"].tolist() == [2]
    assert "no projected payments" in problems["problem"].iloc[0]


def test_classifications_with_and_without_payments_in_one_plan() -> None:
    paid = example_2(mhsud_level=20)
    unpaid = without_payments(example_1(mhsud_level=35))
    det = pk.quantitative_test(pd.concat([paid, unpaid], ignore_index=True)).to_frame()
    det = det.set_index("classification")
    assert pd.isna(det.loc["outpatient_in_network", "screening"])
    assert not det.loc["outpatient_in_network", "compliant"]
    assert det.loc["inpatient_out_of_network", "screening"] == FAILS


# --- near-threshold notes ------------------------------------------------------------------------


def near_notes(frame: pd.DataFrame, **kw: float) -> list[str]:
    found = pk.quantitative_test(frame, **kw).findings
    return found.loc[found["finding_kind"] == "near_threshold", "finding"].tolist()


def test_example_2_combination_reaching_exactly_one_half_is_noted() -> None:
    notes = near_notes(example_2(mhsud_level=15))
    assert any("exactly one-half" in n and "($50, $20)" in n for n in notes)


def test_level_at_49_percent_is_noted() -> None:
    cls = "emergency"
    frame = table(
        [
            ms(cls, "a", "copay", 100, 49),
            ms(cls, "b", "copay", 50, 51),
            mh(cls, "psych", "copay", 50),
        ]
    )
    notes = near_notes(frame)
    assert any("$100 copay level" in n and "49.00%" in n for n in notes)


@pytest.mark.parametrize(("subject", "noted"), [(62, True), (71, True), (61, False), (72, False)])
def test_subject_share_within_the_band_of_two_thirds(subject: int, noted: bool) -> None:
    cls = "emergency"
    frame = table(
        [
            ms(cls, "a", "copay", 100, subject),
            ms(cls, "b", "copay", 0, 100 - subject),
            mh(cls, "psych", "copay", 50),
        ]
    )
    # |62% - 66.67%| = 4.67 points, |71% - 66.67%| = 4.33: within 5 points; 61% and 72% are not.
    assert any("of two-thirds" in n for n in near_notes(frame)) is noted


def test_band_is_a_parameter() -> None:
    cls = "emergency"
    frame = table(
        [
            ms(cls, "a", "copay", 100, 62),
            ms(cls, "b", "copay", 0, 38),
            mh(cls, "psych", "copay", 50),
        ]
    )
    assert not any("of two-thirds" in n for n in near_notes(frame, near_band=0.02))


# --- property: the full test agrees with the screening -------------------------------------------

LEVELS = {
    "copay": [None, 0, 10, 20, 30],
    "coinsurance": [None, 0, 10, 20],
    "day_limit": [None, 10, 30, 60],
}


@st.composite
def designs(draw: st.DrawFn) -> tuple[str, list[object], object]:
    req = draw(st.sampled_from(sorted(LEVELS)))
    levels = draw(st.lists(st.sampled_from(LEVELS[req]), min_size=1, max_size=6))
    mh_level = draw(st.sampled_from([lv for lv in LEVELS[req] if lv not in (None, 0)] + [None]))
    return req, levels, mh_level


def frame_of(req: str, levels: list[object], mh_level: object, pays: list[object]) -> pd.DataFrame:
    cls = "inpatient_in_network"
    rows = [
        ms(cls, f"b{i}", req, lv, pay) for i, (lv, pay) in enumerate(zip(levels, pays, strict=True))
    ]
    rows.append(mh(cls, "psych", req, mh_level))
    return table(rows)


def subject(req: str, lv: object) -> bool:
    return lv is not None and (req == "day_limit" or lv != 0)


def at_least_as_restrictive(req: str, lv: object, m: object) -> bool:
    return lv <= m if req == "day_limit" else lv >= m  # type: ignore[operator]


def oracle(req: str, levels: list[object], m: object, pays: list[Fraction]) -> bool:
    """The regulation's test restated: subject >= 2/3 of all, restrictive > 1/2 of subject."""
    if m is None:
        return True
    total = sum(pays, Fraction(0))
    subj = sum((p for lv, p in zip(levels, pays, strict=True) if subject(req, lv)), Fraction(0))
    if subj == 0:
        return False
    strict = sum(
        (
            p
            for lv, p in zip(levels, pays, strict=True)
            if subject(req, lv) and at_least_as_restrictive(req, lv, m)
        ),
        Fraction(0),
    )
    return subj >= Fraction(2, 3) * total and strict > subj / 2


def holds(condition: str, levels: list[object], pays: list[Fraction]) -> bool:
    """Evaluate the stated condition, reading only its benefit lists, on the payments."""
    pay = {f"b{i}": p for i, p in enumerate(pays)}
    ok = True
    for m in _PART.finditer(condition):
        part = sum((pay[b] for b in m["names"].split(", ")), Fraction(0))
        base = sum((pay[b] for b in (m["all"] or m["sub"]).split(", ")), Fraction(0))
        ok &= (
            part >= Fraction(2, 3) * base
            if m["share"] == "at least two-thirds"
            else part > base / 2
        )
    return ok


@settings(max_examples=80, deadline=None)
@given(
    design=designs(),
    cents=st.lists(st.integers(1, 100_000), min_size=6, max_size=6),
)
def test_full_test_agrees_with_the_screening(
    design: tuple[str, list[object], object], cents: list[int]
) -> None:
    req, levels, m = design
    pays = [Fraction(c, 100) for c in cents[: len(levels)]]
    screened = only_row(pk.quantitative_test(frame_of(req, levels, m, [None] * len(levels))))
    full = only_row(pk.quantitative_test(frame_of(req, levels, m, [float(p) for p in pays])))
    truth = oracle(req, levels, m, pays)
    assert bool(full["compliant"]) is truth  # the implementation agrees with the oracle
    if screened["screening"] == PASSES:
        assert truth
    elif screened["screening"] == FAILS:
        assert not truth
    else:
        assert screened["screening"] == DEPENDS
        # Payments consistent with the stated condition pass, payments violating it fail.
        assert holds(screened["screening_condition"], levels, pays) is truth


@settings(max_examples=60, deadline=None)
@given(design=designs())
def test_depends_means_some_payments_pass_and_some_fail(
    design: tuple[str, list[object], object],
) -> None:
    req, levels, m = design
    row = only_row(pk.quantitative_test(frame_of(req, levels, m, [None] * len(levels))))
    # Payments heavy on one benefit at a time (each 1000 times the rest) span the answers.
    outcomes = set()
    for heavy in range(len(levels)):
        pays = [Fraction(1000 if i == heavy else 1) for i in range(len(levels))]
        outcomes.add(oracle(req, levels, m, pays))
    # Plus: heavy on all subject-and-restrictive benefits together.
    pays = [
        Fraction(
            1000
            if subject(req, lv) and m is not None and at_least_as_restrictive(req, lv, m)
            else 1
        )
        for lv in levels
    ]
    outcomes.add(oracle(req, levels, m, pays))
    if row["screening"] == DEPENDS:
        assert outcomes == {True, False}
    else:
        assert outcomes == {row["screening"] == PASSES}
