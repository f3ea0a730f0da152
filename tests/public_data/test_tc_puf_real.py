"""TC-PUF reader and issuer denials on the real PY2024 file (vendored unmodified in tests/data).

Expected values are computed here from the raw sheets with plain pandas, independently of
paritykit's reader.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paritykit import issuer_denials, read_tc_puf
from paritykit.load.tc_puf import MARKERS, PLAN_COUNT_COLUMNS

PUF_NAME = "tc_puf/tc_puf_py2024_cy2022_experience.xlsx"
MARKER_TEXT = set(MARKERS)

# Raw header -> paritykit plan column, for the cell-by-cell marker check.
PLAN_HEADERS = {
    "Plan_Number_Claims_Received_In_Network": "claims_received_in_network",
    "Plan_Number_Claims_Denied_In_Network": "claims_denied_in_network",
    "Plan_Number_Claims_Denied_Out_of_Network": "claims_denied_out_of_network",
    "Plan_Number_Claims_Denied_Not_Medically_Necessary_Behavioral_Health_Only": (
        "denied_not_medically_necessary_bh_only"
    ),
    "Plan_Number_Claims_Denied_Due_To_Enrolle_Benefit_Limit_Reached": (
        "denied_benefit_limit_reached"
    ),
    "Plan_Number_Claims_Denied_Due_To_Investigational_Experimental_Cosmetic_Proceduce": (
        "denied_investigational_experimental_cosmetic"
    ),
    "Enrollment_Data": "enrollment",
}


@pytest.fixture(scope="module")
def path(public_data: Path) -> Path:
    return public_data / PUF_NAME


@pytest.fixture(scope="module")
def puf(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the real file must read without conflict warnings
        return read_tc_puf(path)


@pytest.fixture(scope="module")
def raw(path: Path) -> pd.DataFrame:
    """All data sheets, header on row 3, every cell as written (markers kept as text)."""
    sheets = pd.read_excel(
        path, sheet_name=None, header=2, dtype=object, keep_default_na=False, na_values=[""]
    )
    frames = []
    for name, frame in sheets.items():
        if "Issuer_ID" not in frame.columns:
            continue
        frame = frame.dropna(how="all").copy()
        frame["sheet"] = name
        frame["row"] = frame.index + 4  # header on spreadsheet row 3
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.where(~s.isin(MARKER_TEXT)), errors="coerce")


def test_layout_and_year(puf) -> None:
    assert puf.layout == "py2024"
    assert puf.plan_year == 2024
    assert puf.experience_year == 2022


def test_issuer_rows_after_deduplication(puf, raw: pd.DataFrame) -> None:
    expected = raw[["State", "Issuer_ID"]].astype(str).drop_duplicates()
    assert len(puf.issuers) == len(expected)
    assert not puf.issuers.duplicated(["state", "issuer_id"]).any()
    dental = raw.groupby(["State", "Issuer_ID"])["SADP_Only"].agg(lambda s: (s == "Yes").any())
    assert int(puf.issuers["dental_only"].sum()) == int(dental.sum())


def test_plan_rows_deduplicated(puf, raw: pd.DataFrame) -> None:
    expected = raw[["sheet", "Plan_ID"]].drop_duplicates()
    assert len(puf.plans) == len(expected)
    assert not puf.plans.duplicated(["sheet", "plan_id"]).any()
    repeated = raw[raw.duplicated(["sheet", "Plan_ID"], keep=False)]
    groups = repeated[["sheet", "Plan_ID"]].drop_duplicates()
    assert (puf.notes["kind"] == "duplicate plan rows collapsed").sum() == len(groups)
    assert puf.plans["rows_collapsed"].sum() == len(raw)


def test_issuer_figures_not_summed_per_plan(puf, raw: pd.DataFrame) -> None:
    col = "Issuer_Claims_Received_In_Network"
    per_issuer = raw.assign(v=_num(raw[col])).groupby(["State", "Issuer_ID"])["v"]
    # Every issuer repeats one value on its rows; the reader takes it once.
    assert (per_issuer.nunique() <= 1).all()
    expected = per_issuer.max().dropna()
    got = puf.issuers.set_index(["state", "issuer_id"])["claims_received_in_network"].dropna()
    expected.index = expected.index.set_levels(
        [expected.index.levels[0], expected.index.levels[1].astype(str)]
    )
    pd.testing.assert_series_equal(
        got.sort_index(), expected.sort_index().astype(float), check_names=False
    )
    # A known issuer with several plan rows: one value, not nine.
    premera = puf.issuers[(puf.issuers["state"] == "AK") & (puf.issuers["issuer_id"] == "38344")]
    assert premera["plans"].item() == 9
    assert premera["claims_received_in_network"].item() == 689988
    assert got.sum() < _num(raw[col]).sum() / 5


def test_markers_never_become_zero(puf, raw: pd.DataFrame) -> None:
    plans = puf.plans.set_index(["sheet", "source_row"])
    first = raw.drop_duplicates(["sheet", "Plan_ID"]).set_index(["sheet", "row"])
    assert first.index.equals(plans.index.sort_values()) or set(first.index) == set(plans.index)
    plans = plans.loc[first.index]
    checked = 0
    for header, column in PLAN_HEADERS.items():
        cells = first[header]
        is_marker = cells.isin(MARKER_TEXT).to_numpy()
        values = plans[column].to_numpy(dtype=float)
        markers = plans[column + "_marker"].astype(object).to_numpy()
        assert np.isnan(values[is_marker]).all()
        assert (markers[is_marker] == cells[is_marker].to_numpy()).all()
        numeric = _num(cells).to_numpy(dtype=float)
        ok = ~np.isnan(numeric)
        assert (values[ok] == numeric[ok]).all()
        blank = cells.isna().to_numpy()
        assert np.isnan(values[blank]).all() and (markers[blank] == "blank").all()
        checked += int(is_marker.sum())
    assert checked > 1000  # the file has many markers; make sure the test saw them
    issuers = puf.issuers
    for column in ("claims_received_in_network", "internal_appeals_filed", "enrollment"):
        marked = issuers[column + "_marker"].notna()
        assert marked.any()
        assert issuers.loc[marked, column].isna().all()
    assert set(PLAN_HEADERS.values()) <= set(PLAN_COUNT_COLUMNS)


# The national KFF figures on this file and on PY2026 are in test_kff_editions.py.


def test_exclusions_listed_never_silent(puf) -> None:
    result = issuer_denials(puf, filters="kff")
    listed = set(map(tuple, result.exclusions[["state", "issuer_id"]].to_numpy()))
    kept = set(map(tuple, result.issuers[["state", "issuer_id"]].to_numpy()))
    everyone = set(map(tuple, puf.issuers[["state", "issuer_id"]].to_numpy()))
    assert listed | kept == everyone and not listed & kept
    dental = puf.issuers.loc[puf.issuers["dental_only"], ["state", "issuer_id"]]
    assert set(map(tuple, dental.to_numpy())) <= listed
    assert result.exclusions["detail"].str.len().gt(0).all()
    none = issuer_denials(puf, filters="none")
    assert len(none.issuers) > len(result.issuers)
    assert set(none.exclusions["reason"]) <= {
        "claims_received_missing",
        "claims_denied_missing",
        "denials_exceed_claims",
    }


def test_comparisons_and_ranks_on_real_file(puf) -> None:
    result = issuer_denials(puf)
    comp = result.comparisons
    assert set(comp["reference"]) == {"state", "national"}
    ok = comp["p_value"].notna()
    assert (comp.loc[ok, "p_holm"] >= comp.loc[ok, "p_value"] - 1e-15).all()
    assert (comp.loc[ok, "p_bh"] <= comp.loc[ok, "p_holm"] + 1e-15).all()
    rates = result.rates[result.rates["network"] == "in_network"]
    top = rates[rates["rank_in_state"] == 1]
    best = rates.groupby("state")["denial_rate"].max()
    assert (top.set_index("state")["denial_rate"] == best.reindex(top["state"]).values).all()
