"""KFF's method reproduced on the real TC-PUF files (vendored unmodified in tests/data/public).

Published figures, KFF "Claims Denials and Appeals in ACA Marketplace Plans in 2024" (the
2024 edition, on the plan-year 2026 release holding calendar-year 2024 claims), as KFF and
reports quoting it state them: about 451 million in-network claims received by 157 insurers,
about 85 million (19%) denied, 262,982 internal appeals filed, about 34% of internal appeals
overturned (66% upheld). KFF's methods: medical issuers of individual-market (non-group)
HealthCare.gov plans; issuers excluded when claims received or denied are missing or marked,
when fewer than 1,000 claims were received, or when denials exceed claims. The expected
values below are those published figures, and a plain-pandas rebuild of the rule from the raw
sheets, independent of paritykit's reader.

KFF published no edition on calendar-year 2022 claims (the plan-year 2024 release), so the
PY2024 file is checked against the same rule rebuilt with pandas. Its earlier figures (146
issuers, 16.32%) came from an enrollment test on summed plan enrollment, masked plans counted
as zero; :func:`test_py2024_old_figures_came_from_summing_masked_enrollment` shows that.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from paritykit import issuer_denials, read_tc_puf
from paritykit.load.tc_puf import MARKERS

PY2026 = "tc_puf/tc_puf_py2026_cy2024_experience.xlsx"
PY2024 = "tc_puf/tc_puf_py2024_cy2022_experience.xlsx"


def _raw(path: Path) -> pd.DataFrame:
    """All data sheets as written (header on row 3), one row per sheet and plan."""
    sheets = pd.read_excel(
        path, sheet_name=None, header=2, dtype=object, keep_default_na=False, na_values=[""]
    )
    frames = []
    for name, frame in sheets.items():
        if "Issuer_ID" not in frame.columns:
            continue
        frame = frame.dropna(how="all").copy()
        frame.columns = [str(c).strip('"') for c in frame.columns]
        frame["sheet"] = name
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).drop_duplicates(["sheet", "Plan_ID"])


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.where(~s.isin(set(MARKERS))), errors="coerce")


def _kff_rebuild(path: Path) -> pd.DataFrame:
    """KFF's rule with plain pandas: the issuers it keeps, with their figures."""
    raw = _raw(path)
    raw["received"] = _num(raw["Issuer_Claims_Received_In_Network"])
    raw["denied"] = _num(raw["Issuer_Claims_Denied_In_Network"])
    raw["appeals"] = _num(raw["Issuer_Internal_Appeals_Filed"])
    raw["overturned"] = _num(raw["Issuer_Number_Internal_Appeals_Overturned"])
    raw["individual_qhp"] = (raw["QHP or SADP?"] == "QHP") & raw["sheet"].str.contains("Ind QHP")
    by = raw.groupby(["State", "Issuer_ID"])
    issuers = by[["received", "denied", "appeals", "overturned"]].max()
    issuers["dental"] = by["SADP_Only"].agg(lambda s: (s == "Yes").any())
    issuers["individual_qhp"] = by["individual_qhp"].any()
    keep = (
        issuers["individual_qhp"]
        & ~issuers["dental"]
        & issuers["received"].notna()
        & issuers["denied"].notna()
        & (issuers["received"] >= 1000)
        & (issuers["denied"] <= issuers["received"])
    )
    return issuers[keep]


@pytest.fixture(scope="module")
def py2026(public_data: Path):
    return read_tc_puf(public_data / PY2026)


@pytest.fixture(scope="module")
def py2024(public_data: Path):
    return read_tc_puf(public_data / PY2024)


def test_py2026_reproduces_kff_2024_edition(py2026) -> None:
    result = issuer_denials(py2026, filters="kff")
    national = result.national("in_network")
    appeals = result.pooled_appeals[result.pooled_appeals["scope"] == "national"].iloc[0]
    assert len(result.issuers) == 157 and national["issuers"] == 157
    assert round(national["claims_received"] / 1e6) == 451  # "about 451 million"
    assert round(national["claims_denied"] / 1e6) == 85  # "about 85 million"
    assert round(national["denial_rate"] * 100) == 19  # "19%"
    assert appeals["internal_appeals_filed"] == 262_982  # published to the appeal
    assert round(appeals["overturn_rate"] * 100) == 34  # "about 34%" overturned, 66% upheld


def test_py2026_matches_independent_rebuild(py2026, public_data: Path) -> None:
    kept = _kff_rebuild(public_data / PY2026)
    result = issuer_denials(py2026, filters="kff")
    national = result.national("in_network")
    assert national["claims_received"] == kept["received"].sum() == 451_249_490
    assert national["claims_denied"] == kept["denied"].sum() == 84_502_662
    appeals = result.pooled_appeals[result.pooled_appeals["scope"] == "national"].iloc[0]
    assert appeals["internal_appeals_filed"] == kept["appeals"].sum()
    both = kept["appeals"].notna() & kept["overturned"].notna()
    assert appeals["overturn_rate"] == pytest.approx(
        kept.loc[both, "overturned"].sum() / kept.loc[both, "appeals"].sum(), rel=1e-12
    )
    got = set(map(tuple, result.issuers[["state", "issuer_id"]].to_numpy()))
    assert got == {(s, str(i)) for s, i in kept.index}


def test_py2026_large_insurers_with_masked_enrollment_are_kept(py2026) -> None:
    """Priority Health reports enrollment for 2 of its 49 plans: unknown, not 55 people."""
    issuers = py2026.issuers.set_index(["state", "issuer_id"])
    priority = issuers.loc[("MI", "29698")]
    assert priority["enrollment_plans"] == 49 and priority["enrollment_plans_reported"] == 2
    assert pd.isna(priority["enrollment"]) and priority["enrollment_reported"] < 1000
    result = issuer_denials(py2026, filters="kff")
    assert ("MI", "29698") in set(map(tuple, result.issuers[["state", "issuer_id"]].to_numpy()))
    strict = issuer_denials(py2026, filters="kff", min_enrollment=1000)
    assert ("MI", "29698") in set(map(tuple, strict.issuers[["state", "issuer_id"]].to_numpy()))
    note = strict.issuers.set_index("issuer_id").loc["29698", "note"]
    assert "enrollment reported for 2 of 49 plans" in note
    dropped = strict.exclusions[strict.exclusions["reason"] == "enrollment_below_minimum"]
    assert len(dropped) == 6  # every plan reports, and the sum is below 1,000
    assert (
        dropped["detail"]
        .str.fullmatch(
            r"fewer than 1,000 enrollees \(\d+; enrollment reported for (\d+) of \1 plans\)"
        )
        .all()
    )


def test_py2026_shop_only_issuer_is_not_individual_market(py2026) -> None:
    """Anthem NH's medical plans are all on the SHOP sheet: KFF's 157 leave it out."""
    result = issuer_denials(py2026, filters="kff")
    row = result.exclusions.set_index("issuer_id").loc["57601"]
    assert row["reason"] == "no_individual_medical_plans"
    none = issuer_denials(py2026, filters="none")
    assert "57601" in set(none.issuers["issuer_id"])


def test_py2024_matches_independent_rebuild(py2024, public_data: Path) -> None:
    kept = _kff_rebuild(public_data / PY2024)
    result = issuer_denials(py2024, filters="kff")
    national = result.national("in_network")
    assert national["issuers"] == len(kept) == 170
    assert national["claims_received"] == kept["received"].sum()
    assert national["claims_denied"] == kept["denied"].sum()
    assert round(national["denial_rate"] * 100, 2) == 16.26
    assert len(result.issuers) + len(result.exclusions) == len(py2024.issuers)


def test_py2024_old_figures_came_from_summing_masked_enrollment(public_data: Path) -> None:
    """146 issuers and 16.32%: KFF's rule plus 1,000 enrollees over summed plan enrollment,
    each masked plan counted as zero. Masked plans are unknown, so paritykit no longer does
    this; the test documents where the old figures came from."""
    raw = _raw(public_data / PY2024)
    raw["enrolment"] = _num(raw["Enrollment_Data"]).where(raw["QHP or SADP?"] == "QHP")
    summed = raw.groupby(["State", "Issuer_ID"])["enrolment"].sum(min_count=1)
    kept = _kff_rebuild(public_data / PY2024)
    old = kept[summed.reindex(kept.index) >= 1000]
    assert len(old) == 146
    assert round(old["denied"].sum() / old["received"].sum() * 100, 2) == 16.32
