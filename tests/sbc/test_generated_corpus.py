"""read_sbc on SBCs generated from structured data: every number is checked against that data."""

from __future__ import annotations

import re

import pytest

from paritykit import columns as C
from paritykit.load.sbc import NEEDS_REVIEW, SbcRead
from paritykit.synth.sbc import Cost, SbcRow, SbcSpec, sample_sbc_specs

SPECS = sample_sbc_specs()
NAMES = sorted(SPECS)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _entry(read: SbcRead, row: SbcRow, column: int, spec: SbcSpec):
    e = read.entries
    hit = e[(e["service"] == _norm(row.service)) & (e["network"] == _norm(spec.networks[column]))]
    if row.setting == "inpatient" or row.setting == "outpatient":
        same_name = [r for r in spec.rows if r.service == row.service]
        if len(same_name) > 1:  # e.g. "Physician/surgeon fees" under two events
            hit = hit[hit["event"].str.contains(_norm(row.event)[:20], regex=False)]
    assert len(hit) == 1, f"{row.service} / {spec.networks[column]}: {len(hit)} entries"
    return hit.iloc[0]


def _classification(row: SbcRow, kind: str) -> str:
    if row.setting in ("emergency", "prescription_drugs"):
        return row.setting
    return f"{row.setting}_{'in_network' if kind == 'in' else 'out_of_network'}"


@pytest.mark.parametrize("name", NAMES)
def test_header_and_important_questions(sbc_reads: dict, name: str) -> None:
    spec, read = SPECS[name], sbc_reads[name]
    assert read.plan_name == spec.plan_name
    assert read.coverage_period == spec.coverage_period
    assert read.coverage_for == spec.coverage_for
    assert read.plan_type == spec.plan_type
    assert read.template == spec.template
    costs = read.plan_costs
    for cost, source in (
        ("deductible", spec.deductible),
        ("out_of_pocket_max", spec.out_of_pocket),
    ):
        for kind, (individual, family) in source.items():
            got = costs[(costs["cost"] == cost) & (costs["network"] == kind)]
            assert got.set_index("unit")["amount"].to_dict() == {
                "individual": individual,
                "family": family,
            }, (cost, kind)


@pytest.mark.parametrize("name", NAMES)
def test_every_chart_cell_matches_the_source_data(sbc_reads: dict, name: str) -> None:
    spec, read = SPECS[name], sbc_reads[name]
    first_in = spec.network_kinds.index("in")
    assert read.entries["row"].nunique() == len(spec.rows)
    for row in spec.rows:
        for k, cost in enumerate(row.costs):
            kind = spec.network_kinds[k]
            got = _entry(read, row, k, spec)
            assert got[C.SIDE] == row.side, row.service
            if row.setting == "excluded":
                assert got["status"] == "excluded"
                continue
            assert got[C.CLASSIFICATION] == _classification(row, kind), row.service
            if row.setting in ("emergency", "prescription_drugs") and k != first_in:
                assert got["status"] == "other_column"
                continue
            if cost.not_covered:
                assert got["status"] == "not_covered" and got[NEEDS_REVIEW]
                continue
            assert got["status"] == "in_benefits", (row.service, got["cost_text"])
            copay = 0.0 if cost.no_charge else cost.copay
            assert _same(got["copay"], copay), (row.service, got["cost_text"])
            assert _same(got["coinsurance"], cost.coinsurance), (row.service, got["cost_text"])
            expected_deductible = spec.deductible[kind][0] if cost.deductible == "applies" else None
            assert _same(got["deductible"], expected_deductible), (row.service, got["cost_text"])
            assert _same(got["visit_limit"], row.visit_limit), row.service
            assert _same(got["day_limit"], row.day_limit), row.service
            assert isinstance(got["prior_authorization"], str) == row.prior_auth, row.service


def _same(got: object, expected: float | None) -> bool:
    import math

    if expected is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    return got is not None and float(got) == float(expected)


@pytest.mark.parametrize("name", NAMES)
def test_benefits_rows_carry_each_level_with_its_source(sbc_reads: dict, name: str) -> None:
    spec, read = SPECS[name], sbc_reads[name]
    b = read.benefits
    assert list(b.columns[: len(C.BENEFITS_COLUMNS)]) == list(C.BENEFITS_COLUMNS)
    assert b[C.PROJECTED_PAYMENTS].isna().all()
    assert b["source_page"].ge(1).all() and b["source_text"].str.len().gt(0).all()
    assert b[C.PLAN_ID].eq(spec.plan_name).all()
    first_in = spec.network_kinds.index("in")
    for row in spec.rows:
        if row.setting == "excluded":
            assert not b[C.BENEFIT].str.startswith(_norm(row.service)).any()
            continue
        for k, cost in enumerate(row.costs):
            kind = spec.network_kinds[k]
            if cost.not_covered or (
                row.setting in ("emergency", "prescription_drugs") and k != first_in
            ):
                continue
            sides = ["ms", "mhsud"] if row.setting == "prescription_drugs" else [row.side]
            for side in sides:
                rows = b[
                    (b[C.CLASSIFICATION] == _classification(row, kind))
                    & (b[C.SIDE] == side)
                    & b[C.BENEFIT].str.startswith(_norm(row.service), na=False)
                ]
                if len(spec.networks) > 2 and kind == "in" and row.setting != "prescription_drugs":
                    tier = re.search(r"Tier (\d)", spec.networks[k]).group(1)
                    rows = rows[rows[C.SUB_CLASSIFICATION] == f"tier_{tier}"]
                levels = dict(zip(rows[C.REQUIREMENT_TYPE], rows[C.LEVEL], strict=True))
                assert len(levels) == len(rows)  # one row per requirement type
                own = rows[rows[C.REQUIREMENT_TYPE].isin(["copay", "coinsurance"])]
                assert own["source_text"].str.startswith(_norm(row.service)).all()
                expected = _expected_levels(spec, row, cost, kind)
                for requirement, level in expected.items():
                    assert levels.get(requirement) == level, (row.service, side, k, levels)


def _expected_levels(spec: SbcSpec, row: SbcRow, cost: Cost, kind: str) -> dict[str, float]:
    out: dict[str, float] = {}
    if cost.no_charge:
        out["copay"] = 0.0
    elif cost.copay is not None:
        out["copay"] = cost.copay
    if cost.coinsurance is not None:
        out["coinsurance"] = cost.coinsurance
    if row.side == "mhsud" and spec.mhsud_deductible and row.setting != "prescription_drugs":
        out["deductible"] = spec.mhsud_deductible
    elif row.setting == "prescription_drugs" and spec.drug_deductible:
        out["deductible"] = spec.drug_deductible
    elif cost.deductible == "applies":
        out["deductible"] = spec.deductible[kind][0]
    if row.visit_limit:
        out["visit_limit"] = float(row.visit_limit)
    if row.day_limit:
        out["day_limit"] = float(row.day_limit)
    return out


def test_wording_not_fully_understood_is_flagged(sbc_reads: dict) -> None:
    b = sbc_reads["silver_2020"].benefits
    imaging = b[
        (b[C.BENEFIT] == "Imaging (CT/PET scans, MRIs)")
        & (b[C.CLASSIFICATION] == "outpatient_in_network")
    ]
    assert imaging["source_text"].str.contains("Deductible then 20% coinsurance").all()
    assert imaging[NEEDS_REVIEW].all()
    drugs = b[b[C.CLASSIFICATION] == "prescription_drugs"]
    assert drugs[NEEDS_REVIEW].all() and set(drugs[C.SUB_CLASSIFICATION]) == {
        "tier_1",
        "tier_2",
        "tier_3",
    }
    pcp = b[
        (b[C.BENEFIT].str.startswith("Primary care"))
        & (b[C.REQUIREMENT_TYPE] == "copay")
        & (b[C.CLASSIFICATION] == "outpatient_in_network")
    ]
    assert not pcp[NEEDS_REVIEW].any()  # "$25 copay/visit; deductible does not apply" is clear
    classic = sbc_reads["classic_2012"].entries
    no_charge = classic[classic["cost_text"] == "No charge after deductible"].iloc[0]
    assert no_charge["copay"] == 0 and no_charge["deductible"] == 1000 and no_charge[NEEDS_REVIEW]


def test_separate_mhsud_deductible_and_mhsud_only_visit_limit(sbc_reads: dict) -> None:
    b = sbc_reads["tiered_2020"].benefits
    ded = b[b[C.REQUIREMENT_TYPE] == "deductible"]
    mh = ded[ded[C.SIDE] == "mhsud"]
    assert len(mh) == 6 and mh[C.LEVEL].eq(500).all() and mh[C.ACCUMULATION].eq("separate").all()
    silver = sbc_reads["silver_2020"].benefits
    limits = silver[silver[C.REQUIREMENT_TYPE] == "visit_limit"]
    outpatient = limits[limits[C.CLASSIFICATION] == "outpatient_in_network"]
    assert dict(zip(outpatient[C.BENEFIT], outpatient[C.LEVEL], strict=True)) == {
        "Outpatient services": 20.0,
        "Home health care": 60.0,
    }


def test_a_row_split_across_pages_keeps_its_limitations(sbc_reads: dict) -> None:
    e = sbc_reads["tiered_2020"].entries
    imaging = e[e["service"] == "Imaging (CT/PET scans, MRIs)"]
    assert len(imaging) == 3
    assert imaging["limitations"].str.contains("Rule 22").all()  # printed on the next page
    assert imaging["visit_limit"].eq(4).all() and imaging["prior_authorization"].notna().all()
    after = e[e["row"] == imaging["row"].iloc[0] + 1]
    assert after["service"].iloc[0] == "Physician/surgeon fees"
    assert after["limitations"].iloc[0] == "None"


def test_a_scanned_page_is_a_problem_not_a_silent_gap(sbc_reads: dict) -> None:
    problems = sbc_reads["tiered_2020"].problems
    scanned = problems[problems["page"] == 4]
    assert len(scanned) == 1 and "no text layer" in scanned["problem"].iloc[0]


def test_prior_authorization_becomes_as_written_nqtl_entries(sbc_reads: dict) -> None:
    import paritykit as pk

    for name, read in sbc_reads.items():
        spec = SPECS[name]
        expected = set()
        for row in spec.rows:
            if not row.prior_auth or row.setting == "excluded":
                continue
            for k, kind in enumerate(spec.network_kinds):
                if not row.costs[k].not_covered:
                    expected.add((_classification(row, kind), row.side))
        got = set(zip(read.nqtls[C.CLASSIFICATION], read.nqtls[C.SIDE], strict=True))
        assert got == expected, name
        assert read.nqtls[C.APPLIES].all()
        pk.read_nqtls(read.nqtls)  # valid NQTL inventory contract


def test_the_benefits_pass_the_contract_once_payments_are_given(sbc_reads: dict) -> None:
    import paritykit as pk

    for read in sbc_reads.values():
        table = read.benefits[list(C.BENEFITS_COLUMNS)].copy()
        table[C.PROJECTED_PAYMENTS] = table[C.PROJECTED_PAYMENTS].where(
            table[C.SIDE] != "ms", 1000.0
        )
        checked = pk.read_benefits(table)
        assert len(checked) == len(table)
