"""read_sbc on the two public-domain CMS sample SBCs (tests/data/public/sbc, see SOURCES.md).

Expected values are typed from the published PDFs themselves (their chart and "Important
Questions"), not from paritykit's output.
"""

from __future__ import annotations

import hashlib

import pytest

from paritykit import columns as C
from paritykit.load.sbc import read_sbc

SHA256 = {
    "cms_sample_completed_sbc_2025.pdf": (
        "863bf56fdf99f7f9493d6c9a8a988685348f5f2200b8655bcc92484a111f079c"
    ),
    "cms_sample_completed_sbc_2012.pdf": (
        "d08893d3f5879b152ed23d38f190733d9a476086920e4131d0b669395b29077a"
    ),
}


@pytest.fixture(scope="module")
def reads(public_data) -> dict:
    return {name: read_sbc(public_data / "sbc" / name) for name in SHA256}


@pytest.mark.parametrize("name", sorted(SHA256))
def test_the_vendored_files_are_unchanged(public_data, name: str) -> None:
    data = (public_data / "sbc" / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256[name]
    assert f"`sbc/{name}`" in (public_data / "SOURCES.md").read_text(encoding="utf-8")


def _cell(read, service: str, network_word: str) -> dict:
    e = read.entries
    hit = e[(e["service"] == service) & e["network"].str.contains(network_word)]
    assert len(hit) == 1, (service, network_word, len(hit))
    return hit.iloc[0].to_dict()


# (service, in-network copay, in-network coinsurance, out-of-network coinsurance) as printed
CHART_2025 = [
    ("Primary care visit to treat an injury or illness", 35, 20, 40),
    ("Specialist visit", 50, None, 40),
    ("Preventive care/screening/immunization", 0, None, 40),
    ("Diagnostic test (x-ray, blood work)", 10, None, 40),
    ("Imaging (CT/PET scans, MRIs)", 50, None, 40),
    ("Facility fee (e.g., ambulatory surgery center)", 100, None, 40),
    ("Urgent care", 30, None, 40),
    ("Facility fee (e.g., hospital room)", None, 20, 40),
    ("Outpatient services", 35, 20, 40),
    ("Inpatient services", None, 20, 40),
    ("Home health care", None, 20, 40),
    ("Skilled nursing care", None, 20, 40),
    ("Hospice services", None, 20, 40),
]


def _num(value: object) -> float | None:
    import math

    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def test_cms_2025_sample(reads) -> None:
    read = reads["cms_sample_completed_sbc_2025.pdf"]
    assert read.plan_name == "Insurance Company 1: Plan Option 1"
    assert read.coverage_period == "01/01/2025 – 12/31/2025"
    assert (read.coverage_for, read.plan_type, read.template) == ("Family", "PPO", "2020")
    costs = read.plan_costs.set_index(["cost", "network", "unit"])["amount"].to_dict()
    assert costs[("deductible", "both", "individual")] == 500
    assert costs[("deductible", "both", "family")] == 1000
    assert costs[("out_of_pocket_max", "in", "individual")] == 2500
    assert costs[("out_of_pocket_max", "in", "family")] == 5000
    assert costs[("out_of_pocket_max", "out", "individual")] == 4000
    assert costs[("out_of_pocket_max", "out", "family")] == 8000
    for service, copay, coins, oon in CHART_2025:
        cell = _cell(read, service, "You will pay the least")
        assert _num(cell["copay"]) == copay, service
        assert _num(cell["coinsurance"]) == coins, service
        assert _cell(read, service, "You will pay the most")["coinsurance"] == oon, service
    mh = _cell(read, "Outpatient services", "least")
    assert (mh[C.SIDE], mh[C.CLASSIFICATION]) == ("mhsud", "outpatient_in_network")
    assert mh["needs_review"]  # "$35 copay/office visit and 20% coinsurance for other ..."
    inpatient = _cell(read, "Inpatient services", "least")
    assert (inpatient[C.SIDE], inpatient[C.CLASSIFICATION]) == ("mhsud", "inpatient_in_network")
    drugs = {
        "Generic drugs (Tier 1)": ("copay", 10),
        "Preferred brand drugs (Tier 2)": ("copay", 30),
        "Non-preferred brand drugs (Tier 3)": ("coinsurance", 40),
        "Specialty drugs (Tier 4)": ("coinsurance", 50),
    }
    b = read.benefits
    for service, (requirement, level) in drugs.items():
        rows = b[(b[C.BENEFIT] == service) & (b[C.REQUIREMENT_TYPE] == requirement)]
        assert set(rows[C.SIDE]) == {"ms", "mhsud"} and rows[C.LEVEL].eq(level).all(), service
        ded = b[(b[C.BENEFIT] == service) & (b[C.REQUIREMENT_TYPE] == "deductible")]
        assert ded[C.LEVEL].eq(300).all() and len(ded) == 2  # "$300 for prescription drug"
    limits = b[b[C.REQUIREMENT_TYPE] == "visit_limit"]
    assert set(limits[C.BENEFIT]) >= {"Home health care", "Skilled nursing care"}
    assert limits[C.LEVEL].eq(60).all()  # "60 visits/year", "60 visits/calendar year"
    hospice = _cell(read, "Hospice services", "least")
    assert hospice[C.CLASSIFICATION] == "inpatient_in_network" and hospice["needs_review"]
    pa = set(read.nqtls[C.SCOPE].str.split("; ").explode())
    assert {"Specialist visit", "Facility fee (e.g., hospital room)", "Hospice services"} <= pa
    assert "Preventive care/screening/immunization" not in pa
    assert not b[C.BENEFIT].str.startswith("Children").any()  # pediatric dental/vision excluded
    assert (read.entries["status"] == "excluded").sum() == 6
    assert any("occupational therapy" in p for p in read.problems["problem"])


def test_cms_2012_sample(reads) -> None:
    read = reads["cms_sample_completed_sbc_2012.pdf"]
    assert read.plan_name == "Insurance Company 1: Plan Option 1"
    assert read.coverage_period == "01/01/2013 – 12/31/2013"
    assert (read.coverage_for, read.plan_type, read.template) == (
        "Individual + Spouse",
        "PPO",
        "2012",
    )
    costs = read.plan_costs.set_index(["cost", "network", "unit"])["amount"].to_dict()
    assert costs[("deductible", "both", "individual")] == 500
    assert costs[("out_of_pocket_max", "in", "family")] == 5000
    assert costs[("out_of_pocket_max", "out", "individual")] == 4000
    # "Your Cost If You Use a Participating Provider" / "... a Non-Participating Provider"
    for service, copay, coins, oon in [
        ("Primary care visit to treat an injury or illness", 35, None, 40),
        ("Specialist visit", 50, None, 40),
        ("Diagnostic test (x-ray, blood work)", 10, None, 40),
        ("Mental/Behavioral health outpatient services", 35, 20, 40),
        ("Mental/Behavioral health inpatient services", None, 20, 40),
        ("Substance use disorder outpatient services", 35, 20, 40),
        ("Substance use disorder inpatient services", None, 20, 40),
        ("Skilled nursing care", None, 20, 40),
    ]:
        cell = _cell(read, service, "You Use a Participating")
        assert (_num(cell["copay"]), _num(cell["coinsurance"])) == (copay, coins), service
        assert _cell(read, service, "Non-")["coinsurance"] == oon, service
    # The chart has no borders between these rows: they are told apart by the service names.
    surgeon = read.entries[read.entries["service"] == "Physician/surgeon fees"].iloc[0]
    assert (surgeon[C.CLASSIFICATION], surgeon["coinsurance"]) == ("outpatient_in_network", 20)
    er = _cell(read, "Emergency room services", "You Use a Participating")
    assert (er[C.CLASSIFICATION], er["coinsurance"]) == ("emergency", 20)
    assert read.entries["row"].nunique() == 32  # the chart lists 6 + 11 + 15 services (pages 2-4)
    sud = _cell(read, "Substance use disorder inpatient services", "You Use a Participating")
    assert (sud[C.SIDE], sud[C.CLASSIFICATION]) == ("mhsud", "inpatient_in_network")
    # Nothing is dropped silently: every chart cell is read, listed or flagged.
    assert read.entries["status"].isin(["in_benefits", "other_column", "excluded"]).all()
