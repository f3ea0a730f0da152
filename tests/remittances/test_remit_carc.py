"""CARC denial-reason categories: complete, versioned, our own labels, unknown codes kept."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paritykit import ConfigurationError, DataValidationError, InputFileError
from paritykit import columns as C
from paritykit.classify.carc import (
    CARC_CATEGORIES,
    UNKNOWN_CATEGORY,
    carc_table,
    classify_carc,
    normalize_carc,
)

REQUIRED_CATEGORIES = {
    "medical_necessity", "authorization", "missing_information", "coding", "timely_filing",
    "non_covered", "benefit_limit", "eligibility", "network", "duplicate",
    "coordination_of_benefits", "contractual", "patient_responsibility", "other",
}  # fmt: skip


@pytest.fixture(scope="module")
def reference(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / "carc_reference.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_categories_are_the_agreed_list() -> None:
    assert set(CARC_CATEGORIES) == REQUIRED_CATEGORIES
    assert set(carc_table().table[C.CARC_CATEGORY]) <= REQUIRED_CATEGORIES


def test_every_reference_code_is_in_the_table(reference) -> None:
    ours = set(carc_table().table[C.CARC])
    assert {r["carc"] for r in reference} == ours


def test_clear_denial_flags_agree_with_the_reference(reference) -> None:
    table = carc_table().table.set_index(C.CARC)
    for row in reference:
        if row["counts_as_denial"] in ("yes", "no"):
            expected = row["counts_as_denial"] == "yes"
            assert bool(table.loc[row["carc"], C.COUNTS_AS_DENIAL]) is expected, row["carc"]


def test_suggested_categories_kept_where_they_are_ours(reference) -> None:
    table = carc_table().table.set_index(C.CARC)
    for row in reference:
        if row["suggested_category"] in REQUIRED_CATEGORIES:
            assert table.loc[row["carc"], C.CARC_CATEGORY] == row["suggested_category"], row["carc"]


def test_labels_are_our_own_short_words(reference) -> None:
    table = carc_table().table.set_index(C.CARC)
    for row in reference:
        label = table.loc[row["carc"], C.CARC_LABEL]
        assert 0 < len(label) <= 60
        assert label.lower() != row["description_x12"].lower().rstrip(".")


def test_key_parity_codes() -> None:
    t = carc_table()
    assert t.lookup("50")[C.CARC_CATEGORY] == "medical_necessity"
    for code in ("150", "151", "152"):
        assert t.lookup(code)[C.CARC_CATEGORY] == "medical_necessity"
    assert t.lookup("197")[C.CARC_CATEGORY] == "authorization"
    assert t.lookup("198")[C.CARC_CATEGORY] == "authorization"
    assert t.lookup("45")[C.COUNTS_AS_DENIAL] is False
    assert t.lookup("122")[C.MH_SPECIFIC] is True
    assert t.lookup("1")[C.CARC_CATEGORY] == "patient_responsibility"


def test_version_is_recorded() -> None:
    t = carc_table()
    assert t.version == "2026.1"
    out = classify_carc(pd.DataFrame({C.DENIAL_REASON: ["50"]}))
    assert out[C.CARC_TABLE_VERSION].tolist() == ["2026.1"]
    assert "2026.1" in t.summary()


def test_unknown_codes_are_counted_not_dropped() -> None:
    df = pd.DataFrame({C.CARC: ["A7", "50", "A7", None, "co-197"]})
    out = classify_carc(df, column=C.CARC)
    assert len(out) == len(df)
    assert out[C.CARC_CATEGORY].tolist() == [
        UNKNOWN_CATEGORY,
        "medical_necessity",
        UNKNOWN_CATEGORY,
        None,
        "authorization",
    ]
    assert out[C.COUNTS_AS_DENIAL].isna().tolist() == [True, False, True, True, False]
    assert (out[C.CARC_CATEGORY] == UNKNOWN_CATEGORY).sum() == 2


@given(st.lists(st.sampled_from(["50", "197", "16", "ZZ", "A7", "45", "1", None]), max_size=30))
def test_classification_is_total_and_order_free(codes) -> None:
    df = pd.DataFrame({C.DENIAL_REASON: codes})
    out = classify_carc(df)
    assert out[C.CARC_CATEGORY].notna().sum() == df[C.DENIAL_REASON].notna().sum()
    rev = classify_carc(df.iloc[::-1])
    assert (
        rev[C.CARC_CATEGORY].value_counts().to_dict()
        == out[C.CARC_CATEGORY].value_counts().to_dict()
    )


def test_normalize_carc() -> None:
    assert normalize_carc(" PR-1 ") == "1"
    assert normalize_carc("CO 045") == "45"
    assert normalize_carc("b13") == "B13"
    assert normalize_carc(float("nan")) is None
    assert normalize_carc("") is None


def test_missing_column() -> None:
    with pytest.raises(ConfigurationError, match="column 'carc' not found"):
        classify_carc(pd.DataFrame({"x": [1]}), column="carc")


def test_user_table(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "# local table; version=local-3\n"
        "carc,label,category,counts_as_denial,mh_specific,note\n"
        "50,not needed,medical_necessity,yes,no,\n"
        "A7,payer special,other,yes,no,\n"
    )
    out = classify_carc(pd.DataFrame({C.DENIAL_REASON: ["A7", "197"]}), table=path)
    assert out[C.CARC_CATEGORY].tolist() == ["other", UNKNOWN_CATEGORY]
    assert out[C.CARC_TABLE_VERSION].tolist() == ["local-3", "local-3"]


def test_bad_user_tables(tmp_path: Path) -> None:
    no_version = tmp_path / "a.csv"
    no_version.write_text("carc,label,category,counts_as_denial,mh_specific,note\n")
    with pytest.raises(InputFileError, match="no version line"):
        carc_table(no_version)
    bad = tmp_path / "b.csv"
    bad.write_text(
        "# version=1\ncarc,label,category,counts_as_denial,mh_specific,note\n"
        "50,x,medical,yes,no,\n50,x,other,maybe,no,\n"
    )
    with pytest.raises(DataValidationError) as err:
        carc_table(bad)
    problems = err.value.problems
    assert problems["row"].tolist() == [3, 4, 4]
    assert problems["problem"].tolist() == ["unknown category", "duplicate code", "not yes/no"]
