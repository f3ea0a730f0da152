"""The regulator directory: complete for every state, well formed, sourced, and looked up right."""

from __future__ import annotations

import re
from importlib import resources

import pandas as pd
import pytest

from paritykit.errors import ConfigurationError
from paritykit.regulators import (
    REGULATOR_COLUMNS,
    REGULATOR_KINDS,
    STATE_CODES,
    ebsa_office_for,
    find_regulators,
    regulator_directory,
    regulators_version,
)

# The 50 states and DC, written out here independently of the module's own list.
_STATE_TEXT = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
)
EXPECTED_STATES = set(_STATE_TEXT.split(" "))
USPS_CODES = EXPECTED_STATES | {"PR", "GU", "VI", "AS", "MP"}
ZIP = re.compile(r"^\d{5}(-\d{4})?$")
PHONE = re.compile(r"^\d{3}-\d{3}-\d{4}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
DATA_TEXT = (resources.files("paritykit") / "data" / "regulators.csv").read_text("utf-8")


@pytest.fixture(scope="module")
def directory() -> pd.DataFrame:
    return regulator_directory()


def _filled(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].dropna()


def test_the_module_state_list_is_the_50_states_and_dc() -> None:
    assert set(STATE_CODES) == EXPECTED_STATES
    assert len(STATE_CODES) == 51


def test_header_comments_give_version_date_and_sources() -> None:
    header = [line for line in DATA_TEXT.splitlines() if line.startswith("#")]
    assert any(re.search(r"version=2026\.1\b", line) for line in header)
    assert any(re.search(r"compiled=\d{4}-\d{2}-\d{2}", line) for line in header)
    assert any("REGULATORS_SOURCES.md" in line for line in header)
    assert regulators_version() == "2026.1"


def test_the_sources_note_exists_beside_the_data() -> None:
    note = resources.files("paritykit") / "data" / "REGULATORS_SOURCES.md"
    text = note.read_text("utf-8")
    assert "version 2026.1" in text
    assert "## Missing" in text


def test_columns_and_kinds(directory: pd.DataFrame) -> None:
    assert tuple(directory.columns) == REGULATOR_COLUMNS
    assert directory["kind"].notna().all()
    assert set(directory["kind"]) <= set(REGULATOR_KINDS)


@pytest.mark.parametrize("kind", ["state_insurance", "state_medicaid"])
def test_every_state_and_dc_has_exactly_one_office_of_each_state_kind(
    directory: pd.DataFrame, kind: str
) -> None:
    rows = directory[directory["kind"] == kind]
    assert rows["state"].notna().all()
    assert sorted(rows["state"]) == sorted(EXPECTED_STATES)
    assert not rows["state"].duplicated().any()
    suffix = "DOI" if kind == "state_insurance" else "MEDICAID"
    assert (rows["office_id"] == rows["state"] + "-" + suffix).all()


def test_office_ids_are_unique_and_upper_case(directory: pd.DataFrame) -> None:
    assert directory["office_id"].notna().all()
    assert not directory["office_id"].duplicated().any()
    assert directory["office_id"].str.fullmatch(r"[A-Z][A-Z0-9-]+").all()


def test_no_blank_name_or_source(directory: pd.DataFrame) -> None:
    assert directory["name"].notna().all()
    assert (directory["name"].str.strip() != "").all()
    assert directory["source_url"].notna().all()


def test_federal_rows_present(directory: pd.DataFrame) -> None:
    for kind in ("ebsa_national", "cms", "opm"):
        rows = directory[directory["kind"] == kind]
        assert len(rows) == 1, kind
        assert rows["state"].isna().all(), kind
    ids = set(directory["office_id"])
    assert {"EBSA-NATIONAL", "CMS-NFGP", "OPM-FEHB"} <= ids
    regional = directory[directory["kind"] == "ebsa_regional"]
    assert len(regional) == 10
    assert regional["state"].isna().all()
    assert regional["office_id"].str.startswith("EBSA-").all()


def test_ebsa_national_contact_is_complete(directory: pd.DataFrame) -> None:
    row = directory.set_index("office_id").loc["EBSA-NATIONAL"]
    for column in ("complaint_url", "street", "city", "state_code", "zip", "phone"):
        assert pd.notna(row[column]), column
    # EBSA's published toll-free number is 1-866-444-EBSA; "EBSA" on a keypad is 3272.
    keypad = {"E": "3", "B": "2", "S": "7", "A": "2"}
    assert row["phone"] == "866-444-" + "".join(keypad[c] for c in "EBSA")


def test_urls_are_https(directory: pd.DataFrame) -> None:
    for url in _filled(directory, "complaint_url"):
        assert url.startswith("https://"), url
    for url in _filled(directory, "source_url"):
        # A stored copy of an official page may be of its http address; nothing else is allowed.
        assert re.match(r"^https?://[^\s/]+\.[a-z]{2,}(/\S*)?$", url), url


def test_zip_phone_email_and_state_codes_are_well_formed(directory: pd.DataFrame) -> None:
    for value in _filled(directory, "zip"):
        assert ZIP.match(value), value
    for value in _filled(directory, "phone"):
        assert PHONE.match(value), value
    for value in _filled(directory, "email"):
        assert EMAIL.match(value), value
    for value in _filled(directory, "state_code"):
        assert value in USPS_CODES, value
    for value in _filled(directory, "checked_on"):
        assert pd.Timestamp("2026-01-01") <= value <= pd.Timestamp.now(), value


def test_an_address_is_whole_or_absent(directory: pd.DataFrame) -> None:
    has_line = directory["street"].notna() | directory["po_box"].notna()
    parts = directory[["city", "state_code", "zip"]].notna()
    assert (parts.all(axis=1) == has_line).all()
    # A confirmed fact carries the date it was confirmed.
    assert directory.loc[has_line, "checked_on"].notna().all()


def test_state_offices_address_in_their_own_state(directory: pd.DataFrame) -> None:
    rows = directory[directory["kind"].isin(["state_insurance", "state_medicaid"])]
    rows = rows[rows["state_code"].notna()]
    assert (rows["state_code"] == rows["state"]).all()


def test_serves_states_only_on_regional_rows_and_valid(directory: pd.DataFrame) -> None:
    others = directory[directory["kind"] != "ebsa_regional"]
    assert others["serves_states"].isna().all()
    for text in _filled(directory, "serves_states"):
        parts = [p.strip() for p in text.split(";")]
        assert parts and set(parts) <= EXPECTED_STATES, text
        assert len(parts) == len(set(parts)), text


def test_parity_law_only_on_state_insurance_rows(directory: pd.DataFrame) -> None:
    others = directory[directory["kind"] != "state_insurance"]
    assert others["parity_law"].isna().all()
    cited = directory.dropna(subset=["parity_law"])
    # A citation names a code section, and says where it was confirmed.
    assert cited["parity_law"].str.contains(r"\d").all()
    assert cited["checked_on"].notna().all()
    assert cited["note"].str.contains("parity_law:").all()


def test_no_state_is_served_by_two_regional_offices(directory: pd.DataFrame) -> None:
    seen: dict[str, str] = {}
    for office, text in directory[["office_id", "serves_states"]].dropna().itertuples(index=False):
        for code in (p.strip() for p in text.split(";")):
            assert code not in seen, f"{code} is served by {seen[code]} and {office}"
            seen[code] = office


@pytest.mark.parametrize("state", sorted(EXPECTED_STATES))
def test_every_state_resolves_to_exactly_one_ebsa_office(state: str) -> None:
    office = ebsa_office_for(state)
    assert office["kind"] in ("ebsa_regional", "ebsa_national")
    if office["kind"] == "ebsa_regional":
        assert state in [p.strip() for p in office["serves_states"].split(";")]
    else:
        assert find_regulators(state, "ebsa_regional").empty


def test_ebsa_office_for_uses_a_regional_office_that_serves_the_state(
    monkeypatch: pytest.MonkeyPatch, directory: pd.DataFrame
) -> None:
    import paritykit.regulators as regulators

    fake = directory.copy()
    fake.loc[fake["office_id"] == "EBSA-CINCINNATI", "serves_states"] = "OH;KY"
    monkeypatch.setattr(regulators, "_load", lambda: ("test", fake))
    assert ebsa_office_for("ky")["office_id"] == "EBSA-CINCINNATI"
    assert ebsa_office_for("TX")["office_id"] == "EBSA-NATIONAL"
    fake.loc[fake["office_id"] == "EBSA-DALLAS", "serves_states"] = "OH"
    with pytest.raises(ConfigurationError, match=r"2 EBSA regional offices for OH"):
        ebsa_office_for("OH")


def test_find_regulators_by_state_and_kind() -> None:
    ohio = find_regulators(" oh ")
    assert set(ohio["office_id"]) >= {"OH-DOI", "OH-MEDICAID", "EBSA-NATIONAL", "CMS-NFGP"}
    assert not ohio["office_id"].str.match(r"^(?!OH-)[A-Z]{2}-(DOI|MEDICAID)$").any()
    assert find_regulators("TX", "state_medicaid")["office_id"].tolist() == ["TX-MEDICAID"]
    assert find_regulators("DC", "opm")["office_id"].tolist() == ["OPM-FEHB"]


@pytest.mark.parametrize("bad", ["XX", "PR", "Ohio", "", "O H"])
def test_unknown_state_is_a_configuration_error_listing_valid_codes(bad: str) -> None:
    with pytest.raises(ConfigurationError, match=r"Unknown state .*AK, AL, .*WY\."):
        find_regulators(bad)
    with pytest.raises(ConfigurationError, match=r"Unknown state"):
        ebsa_office_for(bad)


def test_unknown_kind_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"Unknown regulator kind 'insurer'"):
        find_regulators("OH", "insurer")


def test_directory_is_cached_but_callers_get_copies() -> None:
    first = regulator_directory()
    first.loc[:, "name"] = "changed"
    assert regulator_directory()["name"].ne("changed").all()
