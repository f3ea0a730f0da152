"""Facility-only and level-of-care lines: revenue-code-only, bill type 86x, HCPCS without POS.

The cases are those where paritykit disagreed with a peer claims engine's own test
expectations: a partial-hospitalization line billed with revenue code 0912 alone, and
facility-only lines (revenue 0905 or 1002, bill type 86x, HCPCS H0018 without a place of
service) were left unclassified. Expected values follow the code meanings (NUBC revenue codes
090x/091x/100x, NUBC type of bill 86x residential facility, HCPCS H0015-H0035) and
29 CFR 2590.712(c)(2)(ii)(A): intermediate care is classified like comparable M/S care, here
residential treatment as inpatient and partial hospitalization / intensive outpatient as other
outpatient. The diagnosis, when present, still decides the side.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

import paritykit as pk
from conftest import lines

# An institutional line with no professional codes: only what the facility bills.
FACILITY: dict[str, object] = {
    "diagnosis_code": None,
    "procedure_code": None,
    "revenue_code": None,
    "place_of_service": None,
    "bill_type": None,
    "claim_type": "institutional",
}


def facility(**over: object) -> dict[str, object]:
    return dict(FACILITY, **over)


def classify(frame: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
    out = pk.classify_claims(pk.scan_claims(frame), **kwargs).to_pandas()
    return out.sort_values("claim_id", key=lambda s: s.str[1:].astype(int)).reset_index(drop=True)


def one(**over: object) -> pd.Series:
    return classify(lines(facility(**over))).iloc[0]


@pytest.mark.parametrize(
    ("revenue", "classification", "sub"),
    [("0912", "outpatient_in_network", "all_other_outpatient"),   # partial hosp., less intensive
     ("0913", "outpatient_in_network", "all_other_outpatient"),   # partial hosp., intensive
     ("0905", "outpatient_in_network", "all_other_outpatient"),   # intensive outpatient, psych
     ("0906", "outpatient_in_network", "all_other_outpatient"),   # intensive outpatient, SUD
     ("1001", "inpatient_in_network", None),                      # residential, psychiatric
     ("1002", "inpatient_in_network", None)],                     # residential, SUD
)  # fmt: skip
def test_revenue_code_alone_is_mhsud_in_its_level_of_care(
    revenue: str, classification: str, sub: str | None
) -> None:
    row = one(revenue_code=revenue)
    assert row["side"] == "mhsud"
    assert row["classification"] == classification
    if sub is None:
        assert pd.isna(row["sub_classification"])
    else:
        assert row["sub_classification"] == sub
    assert row["classified_by"] == "revenue_code+revenue_code"


@pytest.mark.parametrize("revenue", ["0912", "0905", "1002"])
def test_revenue_code_with_non_f_diagnosis_is_ms_diagnosis_decides(revenue: str) -> None:
    row = one(revenue_code=revenue, diagnosis_code="I10")
    assert row["side"] == "ms"
    assert row["classified_by"] == "diagnosis+revenue_code"


def test_f03_90_dementia_is_mhsud_and_diagnosis_decides_side() -> None:
    # F03.90 is in ICD-10-CM chapter 5 (F01-F99), so MH/SUD, even on a residential line
    row = one(revenue_code="1001", diagnosis_code="F03.90")
    assert (row["side"], row["classification"]) == ("mhsud", "inpatient_in_network")
    assert row["classified_by"] == "diagnosis+revenue_code"


@pytest.mark.parametrize("bill_type", ["861", "0862", "869"])
def test_bill_type_86x_residential_facility_is_inpatient(bill_type: str) -> None:
    out = classify(
        lines(
            facility(bill_type=bill_type, diagnosis_code="F10.20"),
            facility(bill_type=bill_type, diagnosis_code="I10"),
        )
    )
    assert out["classification"].tolist() == ["inpatient_in_network"] * 2
    assert out["side"].tolist() == ["mhsud", "ms"]
    assert out["classified_by"].tolist() == ["diagnosis+bill_type"] * 2


def test_bill_type_86x_alone_has_a_setting_but_no_side() -> None:
    # a type of bill says what facility billed, not whether the care was MH/SUD
    row = classify(lines(facility(bill_type="861")), unmapped="flag").iloc[0]
    assert pd.isna(row["side"])
    assert row["classification"] == "inpatient_in_network"
    assert row["classified_by"] == "unmapped+bill_type"
    with pytest.raises(pk.UnmappedCodeError, match="bill_type='861'"):
        classify(lines(facility(bill_type="861")))


@pytest.mark.parametrize(
    ("code", "classification"),
    [("H0018", "inpatient_in_network"),    # short-term residential
     ("H0019", "inpatient_in_network"),    # long-term residential
     ("H0017", "inpatient_in_network"),    # hospital residential
     ("H0035", "outpatient_in_network"),   # mental health partial hospitalization
     ("S0201", "outpatient_in_network"),   # partial hospitalization
     ("H0015", "outpatient_in_network"),   # alcohol/drug intensive outpatient
     ("S9480", "outpatient_in_network")],  # intensive outpatient psychiatric
)  # fmt: skip
def test_level_of_care_hcpcs_without_place_of_service(code: str, classification: str) -> None:
    row = classify(
        lines({"diagnosis_code": None, "procedure_code": code, "place_of_service": None})
    ).iloc[0]
    assert row["side"] == "mhsud"
    assert row["classification"] == classification
    assert row["classified_by"] == "procedure+procedure"


def test_place_of_service_still_decides_before_the_hcpcs_code() -> None:
    row = classify(lines({"diagnosis_code": None, "procedure_code": "H0018"})).iloc[0]
    assert row["classification"] == "outpatient_in_network"  # POS 11 office
    assert row["classified_by"] == "procedure+place_of_service"


def test_level_of_care_revenue_code_decides_before_bill_type() -> None:
    out = classify(
        lines(
            facility(revenue_code="0912", bill_type="111"),
            facility(revenue_code="1002", bill_type="131"),
            facility(revenue_code="0914", bill_type="111"),  # not a level-of-care code
        )
    )
    assert out["classification"].tolist() == [
        "outpatient_in_network",
        "inpatient_in_network",
        "inpatient_in_network",
    ]
    assert out["classified_by"].tolist() == [
        "revenue_code+revenue_code",
        "revenue_code+revenue_code",
        "revenue_code+bill_type",
    ]


def test_out_of_network_residential_and_partial_hospitalization() -> None:
    out = classify(
        lines(
            facility(revenue_code="1002", network_status="out"),
            facility(revenue_code="0912", network_status="out"),
        )
    )
    assert out["classification"].tolist() == [
        "inpatient_out_of_network",
        "outpatient_out_of_network",
    ]


def test_a_rules_file_can_classify_residential_care_as_outpatient(tmp_path) -> None:
    text = (resources.files("paritykit") / "data/codesets/parity_default.yaml").read_text()
    old = '"1001": inpatient '
    assert old in text
    custom = tmp_path / "rules.yaml"
    custom.write_text(
        text.replace('version: "2025.2"', 'version: "plan-x"').replace(
            old, '"1001": all_other_outpatient '
        )
    )
    row = classify(lines(facility(revenue_code="1001")), rules=custom).iloc[0]
    assert row["classification"] == "outpatient_in_network"
    assert row["ruleset_version"] == "paritykit-default@plan-x"


def test_rules_file_level_of_care_setting_must_be_known(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nversion: 1\nmhsud: {}\nsetting:\n  revenue_codes: {'1001': residential}\n"
    )
    with pytest.raises(pk.ConfigurationError, match="residential"):
        pk.load_rules(bad)


def test_summarize_outcomes_counts_facility_lines() -> None:
    frame = lines(
        facility(revenue_code="0912"),
        facility(revenue_code="0905", status="denied", denial_reason="CO-50",
                 allowed_amount=0, paid_amount=0),
        facility(revenue_code="1002"),
        facility(bill_type="861", diagnosis_code="F10.20", status="denied",
                 denial_reason="197", allowed_amount=0, paid_amount=0),
        {"diagnosis_code": None, "procedure_code": "H0018", "place_of_service": None},
        {"diagnosis_code": "I10"},
    )  # fmt: skip
    out = pk.summarize_outcomes(frame, by=["plan_id", "classification"])
    got = {
        (r["side"], r["classification"]): (r["claims"], r["denied"]) for r in out.to_dict("records")
    }
    assert got == {
        ("mhsud", "outpatient_in_network"): (2, 1),
        ("mhsud", "inpatient_in_network"): (3, 1),
        ("ms", "outpatient_in_network"): (1, 0),
    }
    assert out["claims"].sum() == 6
