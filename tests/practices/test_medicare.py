"""Payment against Medicare: the PFS formula, the shipped CMS figures, the comparison.

The RVUs, GPCIs and conversion factor below are typed from the CMS files named in
``paritykit/data/MEDICARE_SOURCES.md`` (CY 2025, RVU25A):

- ``PPRRVU25_JAN.csv``, row ``90837``: work RVU 3.63, non-facility PE RVU 1.06, MP RVU 0.08,
  conversion factor 32.3465; row ``99213``: work 1.30, non-facility PE 1.35, MP 0.10.
- ``GPCI2025.csv``: ``04412,TX,18,HOUSTON``: work 1.014, PE 1.003, MP 1.409;
  ``13202,NY,01,MANHATTAN``: work 1.065, PE 1.166, MP 1.656.

The expected dollar amounts are worked out by hand in the comments (CMS's formula:
[(work RVU x work GPCI) + (non-facility PE RVU x PE GPCI) + (MP RVU x MP GPCI)] x CF).
"""

from __future__ import annotations

import statistics

import pandas as pd
import pytest

from paritykit import synthetic_remittances
from paritykit.analysis.medicare import (
    MEDICARE_COLUMNS,
    NOTE_NOT_PRICED,
    find_locality,
    gpci_localities,
    medicare_fee_schedule,
    nonfacility_amount,
    paid_vs_medicare,
    pfs_rvus,
    suppress_paid_vs_medicare,
)
from paritykit.errors import ConfigurationError

CF_2025 = 32.3465
CMS_RVUS = {"90837": (3.63, 1.06, 0.08), "99213": (1.30, 1.35, 0.10)}
CMS_GPCIS = {"TX-18": (1.014, 1.003, 1.409), "NY-01": (1.065, 1.166, 1.656)}
# by hand:
# 90837 Houston:   3.63*1.014 + 1.06*1.003 + 0.08*1.409 = 3.68082 + 1.06318 + 0.11272 = 4.85672
#                  4.85672 * 32.3465 = 157.0979 -> 157.10
# 90837 Manhattan: 3.63*1.065 + 1.06*1.166 + 0.08*1.656 = 3.86595 + 1.23596 + 0.13248 = 5.23439
#                  5.23439 * 32.3465 = 169.3142 -> 169.31
# 99213 Houston:   1.30*1.014 + 1.35*1.003 + 0.10*1.409 = 1.3182 + 1.35405 + 0.1409 = 2.81315
#                  2.81315 * 32.3465 = 90.9956 -> 91.00
# 99213 Manhattan: 1.30*1.065 + 1.35*1.166 + 0.10*1.656 = 1.3845 + 1.5741 + 0.1656 = 3.1242
#                  3.1242 * 32.3465 = 101.0569 -> 101.06
HAND = {
    ("90837", "TX-18"): 157.10,
    ("90837", "NY-01"): 169.31,
    ("99213", "TX-18"): 91.00,
    ("99213", "NY-01"): 101.06,
}


def test_shipped_rows_are_the_cms_rows() -> None:
    rvus = pfs_rvus(2025).set_index("procedure_code")
    for code, (work, pe, mp) in CMS_RVUS.items():
        row = rvus.loc[code]
        assert (row["work_rvu"], row["nonfacility_pe_rvu"], row["mp_rvu"]) == (work, pe, mp)
        assert row["conversion_factor"] == CF_2025
        assert row["status_code"] == "A"
    g = gpci_localities(2025).set_index("code")
    for code, gpcis in CMS_GPCIS.items():
        assert tuple(g.loc[code, ["work_gpci", "pe_gpci", "mp_gpci"]]) == gpcis
    assert len(g) == 109 and g.index.is_unique
    assert "description" not in pfs_rvus(2025).columns  # no AMA text shipped


@pytest.mark.parametrize(("code", "locality"), sorted(HAND))
def test_formula_matches_the_hand_computation(code: str, locality: str) -> None:
    work, pe, mp = CMS_RVUS[code]
    gw, gp, gm = CMS_GPCIS[locality]
    assert nonfacility_amount(work, pe, mp, gw, gp, gm, CF_2025) == HAND[(code, locality)]
    assert medicare_fee_schedule(locality).amount(code) == HAND[(code, locality)]


def test_formula_rounds_half_cents_up() -> None:
    # 1 x 1 x 0.125 = 0.125 dollars -> 0.13 (binary floats would give 0.12)
    assert nonfacility_amount(1, 0, 0, 1, 0, 0, 0.125) == 0.13


def test_no_shipped_code_lacks_an_amount_or_description_leaks() -> None:
    fs = medicare_fee_schedule("AL-00")
    assert fs.amounts["medicare_amount"].notna().all()
    text = fs.to_frame().to_csv()
    assert "Psytx" not in text and "Office o/p" not in text
    assert fs.year == 2025 and fs.locality == "AL-00" and "RVU25A" in fs.source


@pytest.mark.parametrize("spelling", ["TX-18", "tx18", "TX 18", "tx-18", "04412-18", "0441218"])
def test_locality_spellings(spelling: str) -> None:
    assert find_locality(spelling).name == "HOUSTON"


def test_unknown_locality_lists_the_states_localities() -> None:
    with pytest.raises(ConfigurationError) as err:
        find_locality("TX-77")
    assert "TX-18 HOUSTON" in str(err.value) and "TX-99 REST OF TEXAS" in str(err.value)
    with pytest.raises(ConfigurationError, match="2025 only, not 2026"):
        medicare_fee_schedule("TX-18", year=2026)


def _lines(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["plan_id", "status", "procedure_code", "procedure_modifiers", "units",
                 "paid_amount", "allowed_amount"],
    )  # fmt: skip


def test_percentages_against_hand_medians() -> None:
    lines = _lines(
        [
            ("A", "paid", "90837", None, 1, 100.0, 140.0),
            ("A", "paid", "90837", "95", 1, 120.0, 150.0),  # telehealth: priced as 90837
            ("A", "paid", "90837", None, 1, 0.0, 120.0),  # deductible: paid 0, counted
            ("A", "paid", "90837", None, 1, 130.0, 160.0),
            ("A", "denied", "90837", None, 1, 0.0, None),  # denied: not a paid line
            ("B", "paid", "99213", None, 1, 80.0, 95.0),
            ("B", "paid", "H0015", "HF", 1, 150.0, 160.0),  # not on the PFS
        ]
    )
    result = paid_vs_medicare(lines, medicare_fee_schedule("TX-18"))
    t = result.to_frame().set_index(["payer", "procedure_code"])
    assert list(result.to_frame().columns) == list(MEDICARE_COLUMNS)
    a = t.loc[("A", "90837")]
    # paid 0, 100, 120, 130 -> median 110; allowed 120, 140, 150, 160 -> median 145
    assert a["n_lines"] == 4 and a["median_paid"] == 110.0 and a["median_allowed"] == 145.0
    assert a["medicare_amount"] == 157.10
    assert a["paid_pct_of_medicare"] == pytest.approx(100 * 110 / 157.10)  # 70.02
    assert a["allowed_pct_of_medicare"] == pytest.approx(100 * 145 / 157.10)  # 92.30
    b = t.loc[("B", "99213")]
    assert b["allowed_pct_of_medicare"] == pytest.approx(100 * 95 / 91.00)  # 104.40
    h = t.loc[("B", "H0015")]
    assert h["n_lines"] == 1 and pd.isna(h["medicare_amount"]) and h["note"] == NOTE_NOT_PRICED
    assert pd.isna(h["allowed_pct_of_medicare"])
    assert result.unpriced.to_dict("records") == [
        {"procedure_code": "H0015", "modifier": "", "n_lines": 1}
    ]
    assert result.paid_lines == 6 and result.lines == 7
    assert "H0015 (1 lines)" in result.summary()


def test_amounts_are_per_unit() -> None:
    lines = _lines([("A", "paid", "96136", None, 2, 80.0, 90.0)])
    row = paid_vs_medicare(lines, medicare_fee_schedule("TX-18")).to_frame().iloc[0]
    assert row["median_paid"] == 40.0 and row["median_allowed"] == 45.0


def test_synthetic_practice_year_against_hand_medians() -> None:
    remits = synthetic_remittances(claims=120, seed=7, year=2025)
    truth = remits.truth
    schedule = medicare_fee_schedule("NY-01")
    result = paid_vs_medicare(truth, schedule).to_frame()
    paid = truth[(truth["status"] == "paid") & truth["paid_amount"].notna()]
    assert result["n_lines"].sum() == len(paid)  # every paid line in some row, H0015 included
    checked = 0
    for (payer, code), rows in paid.groupby(["plan_id", "procedure_code"]):
        row = result[(result["payer"] == payer) & (result["procedure_code"] == code)].iloc[0]
        hand_paid = statistics.median(float(v) for v in rows["paid_amount"])
        hand_allowed = statistics.median(float(v) for v in rows["allowed_amount"])
        assert row["n_lines"] == len(rows)
        assert row["median_paid"] == pytest.approx(hand_paid)
        assert row["median_allowed"] == pytest.approx(hand_allowed)
        medicare = schedule.amount(code)
        if medicare is None:
            assert code == "H0015" and pd.isna(row["paid_pct_of_medicare"])
            continue
        assert row["paid_pct_of_medicare"] == pytest.approx(100 * hand_paid / medicare)
        assert row["allowed_pct_of_medicare"] == pytest.approx(100 * hand_allowed / medicare)
        checked += 1
    assert checked >= 8
    assert paid_vs_medicare(truth, schedule).other_years == ()  # 2025 services, 2025 schedule
    older = synthetic_remittances(claims=20, seed=7, year=2024).truth
    result_2024 = paid_vs_medicare(older, schedule)
    assert result_2024.other_years == (2024,)
    assert "Services of 2024 compared with the 2025 fee schedule" in result_2024.summary()


def test_small_counts_are_suppressed_and_the_medicare_amount_is_shown() -> None:
    rows = [("A", "paid", "90837", None, 1, 100.0 + i, 140.0) for i in range(30)]
    rows += [("B", "paid", "90837", None, 1, 90.0, 120.0) for _ in range(4)]
    rows += [("B", "paid", "90834", None, 1, 70.0, 90.0) for _ in range(25)]
    table = paid_vs_medicare(_lines(rows), medicare_fee_schedule("TX-18")).to_frame()
    shown = suppress_paid_vs_medicare(table).set_index(["payer", "procedure_code"])
    small = shown.loc[("B", "90837")]
    assert pd.isna(small["n_lines"]) and pd.isna(small["median_paid"])
    assert pd.isna(small["allowed_pct_of_medicare"]) and small["medicare_amount"] == 157.10
    # A's 30 lines of 90837 would give B's 4 from the code's total: hidden too
    assert pd.isna(shown.loc[("A", "90837"), "n_lines"])
    # and B's 25 lines of 90834 would give them from B's total (the scorecard shows it)
    assert pd.isna(shown.loc[("B", "90834"), "n_lines"])
    assert shown.loc[("B", "90834"), "median_allowed"] == 90.0  # over 25 lines: shown


def test_missing_columns_are_named() -> None:
    from paritykit.errors import DataValidationError

    with pytest.raises(DataValidationError, match="paid_amount"):
        paid_vs_medicare(pd.DataFrame({"plan_id": ["A"], "status": ["paid"],
                                       "procedure_code": ["90837"]}),
                         medicare_fee_schedule("TX-18"))  # fmt: skip
