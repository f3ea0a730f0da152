"""The regulator directory: complete for every state, well formed, sourced, and looked up right."""

from __future__ import annotations

import re
from importlib import resources

import pandas as pd
import pytest

from paritykit.errors import ConfigurationError
from paritykit.regulators import (
    FACT_COLUMNS,
    REGULATOR_COLUMNS,
    REGULATOR_KINDS,
    ROUTE_COLUMNS,
    STATE_CODES,
    RegulatorRoute,
    ebsa_office_for,
    find_regulators,
    regulator_directory,
    regulator_route,
    regulator_sources,
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
    assert any(re.search(r"version=2026\.2\b", line) for line in header)
    assert any(re.search(r"compiled=\d{4}-\d{2}-\d{2}", line) for line in header)
    assert any("REGULATORS_SOURCES.md" in line for line in header)
    assert regulators_version() == "2026.2"


def test_the_sources_note_exists_beside_the_data() -> None:
    note = resources.files("paritykit") / "data" / "REGULATORS_SOURCES.md"
    text = note.read_text("utf-8")
    assert "version 2026.2" in text
    assert "## Source list" in text
    assert "## Filled cells" in text


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


def test_no_duplicate_rows(directory: pd.DataFrame) -> None:
    facts = directory.drop(columns=["office_id"]).astype("string").fillna("")
    assert not facts.duplicated().any()
    # One office per state and kind; no two state rows share a phone or a complaint page.
    state_rows = directory[directory["kind"].isin(["state_insurance", "state_medicaid"])]
    assert not state_rows.duplicated(subset=["kind", "state"]).any()
    for column in ("phone", "complaint_url"):
        filled = state_rows[column].dropna()
        assert not filled.duplicated().any(), filled[filled.duplicated()].tolist()


def test_federal_rows_present(directory: pd.DataFrame) -> None:
    expected = {"ebsa_national": 1, "cms": 2, "opm": 1}
    for kind, count in expected.items():
        rows = directory[directory["kind"] == kind]
        assert len(rows) == count, kind
        assert rows["state"].isna().all(), kind
    ids = set(directory["office_id"])
    assert {"EBSA-NATIONAL", "CMS-NFGP", "CMS-MARKET", "OPM-FEHB"} <= ids
    regional = directory[directory["kind"] == "ebsa_regional"]
    # The ten regional offices EBSA names, and the Seattle district office.
    cities = {
        "ATLANTA", "BOSTON", "CHICAGO", "CINCINNATI", "DALLAS", "KANSAS-CITY", "LOS-ANGELES",
        "NEW-YORK", "PHILADELPHIA", "SAN-FRANCISCO", "SEATTLE",
    }  # fmt: skip
    assert set(regional["office_id"]) == {f"EBSA-{city}" for city in cities}
    assert regional["state"].isna().all()
    for office_id, name in regional[["office_id", "name"]].itertuples(index=False):
        city = office_id.removeprefix("EBSA-").replace("-", " ").title()
        assert f"{city} Regional Office" in name or f"{city} District Office" in name, name


def test_every_filled_fact_names_a_listed_source(directory: pd.DataFrame) -> None:
    known = set(regulator_sources()["source_id"])
    problems = []
    for row in directory.itertuples(index=False):
        named: dict[str, str] = {}
        text = row.sources if isinstance(row.sources, str) else ""
        for part in filter(None, text.split(";")):
            fields, sep, source_id = part.partition("=")
            assert sep and source_id in known, f"{row.office_id}: bad sources entry {part!r}"
            for field in fields.split(","):
                assert field in FACT_COLUMNS, f"{row.office_id}: {field!r} is not a fact column"
                named[field] = source_id
        for column in FACT_COLUMNS:
            value = getattr(row, column)
            filled = isinstance(value, str) and value != ""
            if column == "name" and row.note.startswith("name not yet confirmed"):
                assert column not in named, row.office_id
                continue
            if filled and column not in named:
                problems.append(f"{row.office_id}.{column}")
            if not filled and column in named:
                problems.append(f"{row.office_id}.{column} (blank but sourced)")
    assert problems == []


def test_sources_list_is_well_formed() -> None:
    sources = regulator_sources()
    assert not sources["source_id"].duplicated().any()
    for address in sources["address"]:
        repo_file = re.fullmatch(r"[\w.-]+/[\w.-]+ \S+ @ [0-9a-f]{40}", address)
        assert repo_file or re.match(r"^https?://[^\s/]+\.[a-z]{2,}/\S*$", address), address
    assert (sources["read_on"] <= pd.Timestamp.now()).all()
    # Every listed source is used by some row, or named in a note.
    text = " ".join(regulator_directory()[["sources", "note"]].fillna("").agg(" ".join, axis=1))
    unused = [sid for sid in sources["source_id"] if not re.search(rf"\b{sid}\b", text)]
    assert unused == []


def test_ebsa_national_contact_is_complete(directory: pd.DataFrame) -> None:
    row = directory.set_index("office_id").loc["EBSA-NATIONAL"]
    for column in ("complaint_url", "street", "city", "state_code", "zip", "phone"):
        assert pd.notna(row[column]), column
    # EBSA's published toll-free number is 1-866-444-EBSA; "EBSA" on a keypad is 3272.
    keypad = {"E": "3", "B": "2", "S": "7", "A": "2"}
    assert row["phone"] == "866-444-" + "".join(keypad[c] for c in "EBSA")


def test_urls_are_https(directory: pd.DataFrame) -> None:
    for column in ("complaint_url", "website"):
        for url in _filled(directory, column):
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


def test_serves_states_only_on_field_offices_and_cms_market(directory: pd.DataFrame) -> None:
    others = directory[
        (directory["kind"] != "ebsa_regional") & (directory["office_id"] != "CMS-MARKET")
    ]
    assert others["serves_states"].isna().all()
    for text in _filled(directory, "serves_states"):
        parts = [p.strip() for p in text.split(";")]
        assert parts and set(parts) <= EXPECTED_STATES, text
        assert len(parts) == len(set(parts)), text


def test_phs_enforcer_on_every_state_insurance_row(directory: pd.DataFrame) -> None:
    doi = directory[directory["kind"] == "state_insurance"].set_index("state")
    assert set(doi["phs_enforcer"]) == {"state", "cms"}
    # CMS's list (as of April 23, 2024) of states not enforcing the ACA market reforms.
    assert set(doi.index[doi["phs_enforcer"] == "cms"]) == {"MO", "OK", "TN", "TX", "WY"}
    market = directory.set_index("office_id").loc["CMS-MARKET", "serves_states"]
    assert set(market.split(";")) == set(doi.index[doi["phs_enforcer"] == "cms"])
    assert directory.loc[directory["kind"] != "state_insurance", "phs_enforcer"].isna().all()


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
    regional = directory[directory["kind"] == "ebsa_regional"]
    for office, text in regional[["office_id", "serves_states"]].dropna().itertuples(index=False):
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
    assert ebsa_office_for("OK")["office_id"] == "EBSA-NATIONAL"
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


def test_field_offices_named_by_state_sources() -> None:
    # Texas's and Washington's insurance regulators and Connecticut's Healthcare Advocate
    # send self-funded plan complaints to these EBSA offices (TX3, WA2, CT-OHA).
    assert ebsa_office_for("TX")["office_id"] == "EBSA-DALLAS"
    assert ebsa_office_for("wa")["office_id"] == "EBSA-SEATTLE"
    assert ebsa_office_for("CT")["office_id"] == "EBSA-BOSTON"
    dallas = ebsa_office_for("TX")
    assert (dallas["street"], dallas["zip"], dallas["phone"]) == (
        "525 South Griffin St, Room 900",
        "75202",
        "972-850-4500",
    )


_UNMAPPED = sorted(
    set(_STATE_TEXT.split(" "))
    - {
        code
        for text in regulator_directory()
        .loc[lambda d: d["kind"] == "ebsa_regional", "serves_states"]
        .dropna()
        for code in text.split(";")
    }
)


@pytest.mark.xfail(
    strict=True,
    reason=f"EBSA field office not yet confirmed in a source for {len(_UNMAPPED)} states "
    "(see REGULATORS_SOURCES.md); flips to a failure to remove this mark once all are filled",
)
def test_every_state_maps_to_exactly_one_ebsa_field_office(directory: pd.DataFrame) -> None:
    regional = directory[directory["kind"] == "ebsa_regional"]
    for state in sorted(EXPECTED_STATES):
        serving = [
            office
            for office, text in regional[["office_id", "serves_states"]]
            .fillna("")
            .itertuples(index=False)
            if state in text.split(";")
        ]
        assert len(serving) == 1, (state, serving)


def _route(state: str, plan_type: str, insured: bool | None = None) -> list[tuple[str, str]]:
    offices = find_regulators(state, plan_type=plan_type, insured=insured)
    assert tuple(offices.columns) == REGULATOR_COLUMNS + ROUTE_COLUMNS
    assert offices["reason"].str.len().gt(20).all()
    return list(offices[["office_id", "role"]].itertuples(index=False, name=None))


@pytest.mark.parametrize(
    ("state", "plan_type", "insured", "expected"),
    [
        # Insured ERISA: the state regulates the policy, EBSA the plan.
        ("OH", "erisa_insured", None, [("OH-DOI", "primary"), ("EBSA-CINCINNATI", "copy")]),
        ("WA", "ERISA fully insured", None, [("WA-DOI", "primary"), ("EBSA-SEATTLE", "copy")]),
        (
            "TX",
            "erisa_insured",
            None,
            [("TX-DOI", "primary"), ("EBSA-DALLAS", "copy"), ("CMS-MARKET", "copy")],
        ),
        # Self-funded ERISA: EBSA only (no state insurance department).
        ("TX", "erisa_self_funded", None, [("EBSA-DALLAS", "primary")]),
        ("OH", "self_funded_erisa", None, [("EBSA-CINCINNATI", "primary")]),
        # Individual market: the state (and CMS where the state does not enforce).
        ("OH", "individual", None, [("OH-DOI", "primary")]),
        ("WY", "individual", None, [("WY-DOI", "primary"), ("CMS-MARKET", "copy")]),
        # Non-federal governmental: CMS, plus the state for an insured plan.
        ("OH", "non_federal_governmental", False, [("CMS-NFGP", "primary")]),
        (
            "OH",
            "non_federal_governmental",
            True,
            [("CMS-NFGP", "primary"), ("OH-DOI", "copy")],
        ),
        # Medicaid managed care and CHIP: the state Medicaid (CHIP) agency.
        ("OH", "medicaid_managed_care", None, [("OH-MEDICAID", "primary")]),
        ("CA", "medicaid_mco", None, [("CA-MEDICAID", "primary")]),
        ("TX", "chip", None, [("TX-MEDICAID", "primary")]),
        # FEHB: OPM.
        ("DC", "fehb", None, [("OPM-FEHB", "primary")]),
        ("OH", "FEHBP", None, [("OPM-FEHB", "primary")]),
        # Church plan: the state if insured; otherwise nobody in the directory.
        ("OH", "church", True, [("OH-DOI", "primary")]),
        ("OH", "church plan", False, []),
    ],
)
def test_find_regulators_routes_each_plan_type(
    state: str, plan_type: str, insured: bool | None, expected: list[tuple[str, str]]
) -> None:
    assert _route(state, plan_type, insured) == expected


def test_no_route_ever_sends_a_self_funded_plan_to_a_state_insurance_department() -> None:
    for state in sorted(EXPECTED_STATES):
        for plan_type in ("erisa_self_funded", "fehb", "medicaid_managed_care", "chip"):
            kinds = set(find_regulators(state, plan_type=plan_type)["kind"].astype(str))
            assert "state_insurance" not in kinds, (state, plan_type)
        governmental = find_regulators(state, plan_type="non_federal_governmental", insured=False)
        assert governmental["office_id"].tolist() == ["CMS-NFGP"]


def test_a_self_funded_church_plan_route_says_whom_to_contact() -> None:
    route = regulator_route("OH", "church", insured=False)
    assert isinstance(route, RegulatorRoute)
    assert route.offices.empty
    assert "26 U.S.C. 9812" in route.note and "IRS" in route.note
    unknown = regulator_route("OH", "church")
    assert unknown.offices["office_id"].tolist() == ["OH-DOI"]
    assert "IRS" in unknown.note  # not known whether insured: both routes are explained
    frame = regulator_route("TX", "erisa_insured").to_frame()
    assert frame.columns[:3].tolist() == ["route_state", "plan_type", "route_note"]
    assert (frame["plan_type"] == "erisa_insured").all()


def test_route_rejects_bad_input() -> None:
    with pytest.raises(ConfigurationError, match=r"Unknown state 'XX'"):
        regulator_route("XX", "individual")
    with pytest.raises(ConfigurationError):
        regulator_route("OH", "medicaid")  # fee-for-service Medicaid is not a plan type here
    with pytest.raises(ConfigurationError, match=r"not both"):
        find_regulators("OH", "cms", plan_type="individual")


def test_cms_market_serves_only_the_states_cms_lists() -> None:
    assert "CMS-MARKET" in find_regulators("TX", "cms")["office_id"].tolist()
    assert find_regulators("OH", "cms")["office_id"].tolist() == ["CMS-NFGP"]


def test_filled_cells_table_in_the_sources_note_matches_the_data(directory: pd.DataFrame) -> None:
    note = (resources.files("paritykit") / "data" / "REGULATORS_SOURCES.md").read_text("utf-8")
    checked = 0
    for line in note.splitlines():
        found = re.match(r"^\| `(\w+)` \|(.*)\| (\d+)/(\d+) \|$", line)
        if not found or found.group(1) not in REGULATOR_COLUMNS:
            continue
        column, total = found.group(1), int(found.group(4))
        assert total == len(directory)
        assert int(found.group(3)) == directory[column].notna().sum(), column
        checked += 1
    assert checked == len(REGULATOR_COLUMNS) - 3  # all but office_id, kind and note
