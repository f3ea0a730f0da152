"""CARC denial-reason categories: complete, versioned, our own labels, unknown codes kept.

The release checked here is the X12 Claim Adjustment Reason Code list (code list 139) as
updated on x12.org on 2025-11-01 (``src/paritykit/data/SOURCES.md``). The code numbers, their
status and the few stop dates below are written out by hand from that list, independently of
the bundled table, so a code dropped from or added to the table fails here.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paritykit import ConfigurationError, DataValidationError, InputFileError, read_835
from paritykit import columns as C
from paritykit.classify.carc import (
    CARC_CATEGORIES,
    CARC_STATUSES,
    UNKNOWN_CATEGORY,
    carc_table,
    classify_carc,
    lookup_carc,
    normalize_carc,
)

VERSION = "2026.2"

REQUIRED_CATEGORIES = {
    "medical_necessity", "authorization", "missing_information", "coding", "timely_filing",
    "non_covered", "benefit_limit", "eligibility", "network", "duplicate",
    "coordination_of_benefits", "contractual", "patient_responsibility", "other",
}  # fmt: skip


def _codes(prefix: str, first: int, last: int) -> set[str]:
    return {f"{prefix}{i}" for i in range(first, last + 1)}


#: Every code of the 2025-11-01 list: 1-308 and the lettered series.
RELEASE = (
    _codes("", 1, 308)
    | _codes("A", 0, 8)
    | _codes("B", 1, 23)
    | _codes("D", 1, 23)
    | _codes("P", 1, 32)
    | _codes("W", 1, 9)
    | _codes("Y", 1, 3)
)
#: The list's deactivated codes (the other 297 are current).
_DEACTIVATED_TEXT = (
    "15 17 25 28 30 36 37 38 41 42 43 46 47 48 52 57 62 63 64 65 67 68 71 72 73 77 79 80 81 82 "
    "83 84 86 87 88 92 93 98 99 113 120 123 124 125 126 127 138 141 145 156 162 165 168 191 196 "
    "214 217 218 220 221 230 244 255 A2 A3 A4 A7 B2 B3 B5 B6 B17 B18 B19 B21 W1 W2 W3 W4 W5 W6 "
    "W7 W8 W9 Y1 Y2 Y3"
)
DEACTIVATED = set(_DEACTIVATED_TEXT.split()) | _codes("D", 1, 23)

#: SHA-256 (first 16 hex digits) of a few X12 descriptions, normalised by _norm: the test
#: checks that no label copies them without reproducing X12's text here.
X12_DESCRIPTION_HASHES = {
    "1": "f67f43bf50a9c1aa",
    "2": "2010454406b89bdb",
    "3": "e6b183444dc0f8e0",
    "18": "d61f0a63d65f5504",
    "29": "31ed5dca135e6933",
    "66": "5f08f4f2639d0723",
    "96": "8cad643cf9596d36",
    "122": "4a77efb356376f81",
    "165": "06f53c4204db885c",
    "176": "972810b2ba9234b3",
    "235": "35ce64b616e41589",
    "253": "81611518e29e9d7b",
    "288": "c9403cadc3af3059",
    "A2": "b530c0c0ab9e6327",
    "B9": "5033772d6f6be58c",
    "B13": "d6f830ae341572e7",
    "P32": "9987acfe738e2e28",
}


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").rstrip(".").split())


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return carc_table().table.set_index(C.CARC)


def test_categories_are_the_agreed_list() -> None:
    assert set(CARC_CATEGORIES) == REQUIRED_CATEGORIES
    assert set(carc_table().table[C.CARC_CATEGORY]) <= REQUIRED_CATEGORIES
    assert UNKNOWN_CATEGORY not in CARC_CATEGORIES


def test_every_code_of_the_release_is_in_the_table(table) -> None:
    assert len(RELEASE) == 407 and len(DEACTIVATED) == 110
    assert set(table.index) == RELEASE
    assert table.index.is_unique
    for code in ("1", "2", "3", "16", "18", "45", "50", "96", "97", "119", "176", "197",
                 "204", "242", "251", "252", "253", "276", "288", "300", "301", "308",
                 "A0", "A8", "B7", "B9", "B23", "D23", "P1", "P32", "W9", "Y3"):  # fmt: skip
        assert code in table.index, code


def test_status_and_dates_follow_the_release(table) -> None:
    assert set(table[C.CARC_STATUS]) == set(CARC_STATUSES)
    assert set(table.index[table[C.CARC_STATUS] == "deactivated"]) == DEACTIVATED
    active = table[table[C.CARC_STATUS] == "active"]
    assert active[C.CARC_STOP_DATE].isna().all()
    # stop dates as the list gives them
    assert table.loc["A2", C.CARC_STOP_DATE] == date(2008, 1, 1)
    assert table.loc["38", C.CARC_STOP_DATE] == date(2013, 1, 1)
    assert table.loc["17", C.CARC_STOP_DATE] == date(2009, 7, 1)
    assert table.loc["B5", C.CARC_STOP_DATE] == date(2016, 5, 1)
    assert table.loc["1", C.CARC_START_DATE] == date(1995, 1, 1)
    assert table.loc["197", C.CARC_START_DATE] == date(2006, 10, 31)
    # a deactivated code whose stop date we could not source says so instead of guessing
    assert pd.isna(table.loc["15", C.CARC_STOP_DATE])
    assert "stop date not in our sources" in table.loc["15", C.NOTE]
    starts = table[C.CARC_START_DATE].dropna()
    stops = table[C.CARC_STOP_DATE].dropna()
    assert (stops > starts.reindex(stops.index)).all()


def test_active_on_uses_start_and_stop_dates() -> None:
    t = carc_table()
    assert t.active_on("CO-A2", date(2007, 12, 31)) is True
    assert t.active_on("A2", date(2008, 1, 1)) is True  # usable up to and including the stop
    assert t.active_on("A2", date(2008, 1, 2)) is False
    assert t.active_on("197", date(2006, 1, 1)) is False  # before the code existed
    assert t.active_on("15", date(2026, 1, 1)) is None  # deactivated, stop date unknown
    assert t.active_on("ZZ9", date(2026, 1, 1)) is None


def test_labels_are_our_own_short_words(table) -> None:
    labels = table[C.CARC_LABEL]
    assert labels.str.len().between(1, 60).all()
    for code, digest in X12_DESCRIPTION_HASHES.items():
        label = labels[code]
        assert hashlib.sha256(_norm(label).encode()).hexdigest()[:16] != digest, code


def test_flags_are_yes_no_and_mh_codes_marked(table) -> None:
    assert table[C.COUNTS_AS_DENIAL].map(type).eq(bool).all()
    assert set(table.index[table[C.MH_SPECIFIC]]) == {"122", "300", "301"}


@pytest.mark.parametrize(
    ("code", "category", "denial"),
    [
        ("1", "patient_responsibility", False),
        ("2", "patient_responsibility", False),
        ("3", "patient_responsibility", False),
        ("45", "contractual", False),
        ("50", "medical_necessity", True),
        ("150", "medical_necessity", True),
        ("197", "authorization", True),
        ("198", "authorization", True),
        ("16", "missing_information", True),
        ("18", "duplicate", True),
        ("29", "timely_filing", True),
        ("96", "non_covered", True),
        ("97", "coding", True),
        ("119", "benefit_limit", True),
        ("242", "network", True),
        ("22", "coordination_of_benefits", True),
        ("251", "missing_information", True),  # attachment incomplete: unpaid until supplied
        ("176", "missing_information", True),  # prescription expired: unpaid until renewed
        ("253", "other", False),  # sequestration: a statutory cut
        ("122", "other", False),  # psychiatric reduction: review, not a denial
        ("301", "non_covered", True),  # medical plan sends behavioral health elsewhere
        ("A2", "contractual", False),
        ("A1", "other", True),
    ],
)
def test_key_codes(code: str, category: str, denial: bool) -> None:
    row = lookup_carc(code)
    assert (row[C.CARC_CATEGORY], row[C.COUNTS_AS_DENIAL]) == (category, denial)


def test_version_and_release_are_recorded() -> None:
    t = carc_table()
    assert t.version == VERSION
    header = " ".join(t.comments)
    assert "2025-11-01" in header and "code list 139" in header and "SOURCES.md" in header
    out = classify_carc(pd.DataFrame({C.DENIAL_REASON: ["50"]}))
    assert out[C.CARC_TABLE_VERSION].tolist() == [VERSION]
    assert t.summary().splitlines()[0].endswith("407 codes (297 active, 110 deactivated)")


def test_zero_paid_lines_with_codes_missing_from_the_old_table_are_denied(make_835) -> None:
    claim = [
        "CLP*Z1*1*300.00*0**12*CTRL-Z1",
        "SVC*HC:90837*150.00*0**1",
        "CAS*CO*251*150.00",
        "SVC*HC:90834*150.00*0**1",
        "CAS*OA*176*150.00",
    ]
    r = read_835(make_835(claim))
    assert r.carc_table_version == VERSION
    assert r.claims[C.STATUS].tolist() == ["denied", "denied"]
    assert r.claims[C.DENIAL_REASON].tolist() == ["251", "176"]


def test_unknown_codes_are_counted_not_dropped() -> None:
    df = pd.DataFrame({C.CARC: ["ZZ9", "50", "ZZ9", None, "co-197", "999"]})
    out = classify_carc(df, column=C.CARC)
    assert len(out) == len(df)
    assert out[C.CARC_CATEGORY].tolist() == [
        UNKNOWN_CATEGORY,
        "medical_necessity",
        UNKNOWN_CATEGORY,
        None,
        "authorization",
        UNKNOWN_CATEGORY,
    ]
    assert out[C.COUNTS_AS_DENIAL].isna().tolist() == [True, False, True, True, False, True]


@pytest.mark.parametrize("value", ["CO-999", "ZZ9", "PR-", 12.5, ["50"], object()])
def test_lookup_of_an_unknown_code_never_raises(value: object) -> None:
    row = lookup_carc(value)
    assert row[C.CARC_CATEGORY] == UNKNOWN_CATEGORY
    assert row[C.COUNTS_AS_DENIAL] is None and row[C.CARC_LABEL] is None
    assert row[C.NOTE] == f"not in CARC table version {VERSION}"


def test_lookup_of_a_missing_value_has_no_category() -> None:
    for value in (None, float("nan"), "  "):
        assert lookup_carc(value)[C.CARC_CATEGORY] is None


@given(st.lists(st.sampled_from(["50", "197", "16", "ZZ", "999", "45", "1", "A2", None]),
                max_size=30))  # fmt: skip
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
        "Z7,payer special,other,yes,no,\n"
    )
    out = classify_carc(pd.DataFrame({C.DENIAL_REASON: ["Z7", "197"]}), table=path)
    assert out[C.CARC_CATEGORY].tolist() == ["other", UNKNOWN_CATEGORY]
    assert out[C.CARC_TABLE_VERSION].tolist() == ["local-3", "local-3"]
    mine = carc_table(path)
    assert mine.table[C.CARC_STATUS].isna().all()  # no status column: status unknown
    assert mine.active_on("50", date(2026, 1, 1)) is None


def test_user_table_with_status_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "dated.csv"
    path.write_text(
        "# version=d1\ncarc,label,category,counts_as_denial,mh_specific,status,start_date,"
        "stop_date,note\n50,x,medical_necessity,yes,no,active,1995-01-01,,\n"
        "Z7,y,other,no,no,deactivated,2001-02-03,2010-01-01,\n"
    )
    t = carc_table(path)
    assert t.lookup("Z7")[C.CARC_STOP_DATE] == date(2010, 1, 1)
    assert t.active_on("Z7", date(2011, 1, 1)) is False


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
    dated = tmp_path / "c.csv"
    dated.write_text(
        "# version=1\ncarc,label,category,counts_as_denial,mh_specific,status,start_date,"
        "stop_date,note\n50,x,other,yes,no,retired,01/01/1995,,\n"
        "51,x,other,yes,no,active,,2020-01-01,\n"
    )
    with pytest.raises(DataValidationError) as err:
        carc_table(dated)
    assert err.value.problems["problem"].tolist() == [
        "unknown status",
        "not a date",
        "stop date on an active code",
    ]
