"""Classification of claim lines: side, classification, sub-classification, deciding rule."""

from __future__ import annotations

import pandas as pd
import pytest

import paritykit as pk
from conftest import lines
from paritykit.errors import ConfigurationError, UnmappedCodeError


def classify(frame: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
    table = pk.scan_claims(frame)
    out = pk.classify_claims(table, **kwargs).to_pandas()
    return out.sort_values("claim_id", key=lambda s: s.str[1:].astype(int)).reset_index(drop=True)


@pytest.mark.parametrize("code", ["F32.9", "F329", "f32.9", "f329", " F32.9 "])
def test_dotted_undotted_any_case_mh_code_is_mhsud(code: str) -> None:
    out = classify(lines({"diagnosis_code": code}))
    assert out.loc[0, "diagnosis_code"] == "F329"
    assert out.loc[0, "side"] == "mhsud"
    assert out.loc[0, "classified_by"] == "diagnosis+place_of_service"


@pytest.mark.parametrize(
    ("code", "side"),
    [("F10.20", "mhsud"), ("F01.50", "mhsud"), ("F99", "mhsud"), ("i10", "ms"),
     ("E11.9", "ms"), ("G30.9", "ms"), ("Z00.00", "ms")],
)  # fmt: skip
def test_f_codes_are_mhsud_others_ms(code: str, side: str) -> None:
    assert classify(lines({"diagnosis_code": code})).loc[0, "side"] == side


def test_psychotherapy_cpt_with_non_f_diagnosis_is_decided_by_diagnosis() -> None:
    out = classify(lines({"diagnosis_code": "I10", "procedure_code": "90837"}))
    assert out.loc[0, "side"] == "ms"
    assert out.loc[0, "classified_by"].startswith("diagnosis+")


def test_without_diagnosis_codes_decide() -> None:
    out = classify(
        lines(
            {"diagnosis_code": None, "procedure_code": "90837"},
            {"diagnosis_code": None, "procedure_code": "H0015"},
            {"diagnosis_code": None, "procedure_code": "99213"},
            {"diagnosis_code": None, "procedure_code": None, "revenue_code": "0914",
             "place_of_service": None, "bill_type": "131", "claim_type": "institutional"},
            {"diagnosis_code": None, "procedure_code": None, "revenue_code": 114,
             "place_of_service": None, "bill_type": "0111", "claim_type": "institutional"},
        )
    )  # fmt: skip
    assert out["side"].tolist() == ["mhsud", "mhsud", "ms", "mhsud", "mhsud"]
    assert out["classified_by"].tolist() == [
        "procedure+place_of_service",
        "procedure+place_of_service",
        "procedure+place_of_service",
        "revenue_code+bill_type",
        "revenue_code+bill_type",
    ]
    assert out.loc[3, "sub_classification"] == "all_other_outpatient"
    assert out.loc[4, "classification"] == "inpatient_in_network"


def test_pos_23_with_mh_diagnosis_is_emergency_without_network_split() -> None:
    out = classify(
        lines(
            {"diagnosis_code": "F32.9", "place_of_service": "23", "network_status": "out"},
            {"diagnosis_code": "F32.9", "place_of_service": None, "revenue_code": "0450",
             "bill_type": "131", "claim_type": "institutional"},
        )
    )  # fmt: skip
    assert out["classification"].tolist() == ["emergency", "emergency"]
    assert out["side"].tolist() == ["mhsud", "mhsud"]
    assert out["sub_classification"].isna().all()
    assert out.loc[1, "classified_by"] == "diagnosis+revenue_code"


@pytest.mark.parametrize("pos", ["51", "55", "56", "21", "61"])
def test_inpatient_places_of_service(pos: str) -> None:
    out = classify(lines({"diagnosis_code": "F20.9", "place_of_service": pos}))
    assert out.loc[0, "classification"] == "inpatient_in_network"
    assert pd.isna(out.loc[0, "sub_classification"])


def test_outpatient_sub_classifications() -> None:
    out = classify(
        lines({"place_of_service": "11"}, {"place_of_service": 2}, {"place_of_service": "52"})
    )
    assert out["sub_classification"].tolist() == [
        "office_visits",
        "office_visits",
        "all_other_outpatient",
    ]
    assert out.loc[1, "place_of_service"] == "02"


def test_pharmacy_claims_are_prescription_drugs() -> None:
    out = classify(
        lines({"claim_type": "pharmacy", "procedure_code": None, "place_of_service": None,
               "diagnosis_code": "F41.1", "network_status": "out"})
    )  # fmt: skip
    assert out.loc[0, "classification"] == "prescription_drugs"
    assert out.loc[0, "side"] == "mhsud"
    assert out.loc[0, "classified_by"] == "diagnosis+claim_type"


def test_out_of_network() -> None:
    out = classify(
        lines({"network_status": "out"}, {"network_status": "Out-of-Network",
                                          "place_of_service": "21"})
    )  # fmt: skip
    assert out["classification"].tolist() == [
        "outpatient_out_of_network",
        "inpatient_out_of_network",
    ]


def test_unknown_code_raises_under_raise() -> None:
    frame = lines({}, {"diagnosis_code": "XYZ"}, {"place_of_service": "99"})
    with pytest.raises(UnmappedCodeError, match=r"2 of 3 claim line\(s\) could not be classified"):
        classify(frame)


def test_unknown_code_is_flagged_under_flag() -> None:
    out = classify(
        lines({}, {"diagnosis_code": "XYZ"}, {"place_of_service": "99"}), unmapped="flag"
    )
    assert out["side"].isna().tolist() == [False, True, False]
    assert out["classification"].isna().tolist() == [False, False, True]
    assert out["classified_by"].tolist() == [
        "diagnosis+place_of_service",
        "unmapped+place_of_service",
        "diagnosis+unmapped",
    ]


def test_rule_set_version_is_recorded_and_overridable(tmp_path) -> None:
    from importlib import resources

    text = (resources.files("paritykit") / "data/codesets/parity_default.yaml").read_text()
    custom = tmp_path / "rules.yaml"
    custom.write_text(
        text.replace('version: "2025.2"', 'version: "local-1"').replace(
            '"19": all_other_outpatient', '"19": all_other_outpatient\n    "99": office_visits'
        )
    )
    default = classify(lines({}))
    assert default.loc[0, "ruleset_version"] == f"paritykit-default@{pk.RULES_VERSION}"
    out = classify(lines({"place_of_service": "99"}), rules=custom)
    assert out.loc[0, "ruleset_version"] == "paritykit-default@local-1"
    assert out.loc[0, "sub_classification"] == "office_visits"


def test_bad_rule_set_and_policy_messages(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nversion: 1\nmhsud: {}\nsetting:\n  place_of_service: {'11': clinic}\n")
    with pytest.raises(ConfigurationError, match="clinic"):
        pk.load_rules(bad)
    with pytest.raises(ConfigurationError, match="expected 'raise' or 'flag'"):
        pk.classify_claims(pk.scan_claims(lines({})), unmapped="ignore")  # type: ignore[arg-type]
