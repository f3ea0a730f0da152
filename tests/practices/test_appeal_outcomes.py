"""Overturn rates against hand counts; Wilson intervals from the closed form; suppression."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from paritykit import appeal_outcomes
from paritykit.analysis.appeal_outcomes import PUBLISHED_SOURCE_LABEL, suppress_appeal_outcomes


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson (1927) score interval, written out: (p + z^2/2n +- z sqrt(...)) / (1 + z^2/n)."""
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def _practice():  # type: ignore[no-untyped-def]
    """40 appeals to two payers: contents and outcomes chosen so the counts are known."""
    rng = np.random.default_rng(7)
    claims, log = [], []
    for i in range(40):
        claim, payer = f"C{i:03d}", "PAYER A" if i < 24 else "PAYER B"
        reason = "50" if i % 2 == 0 else "197"
        claims.append((claim, payer, "denied", reason, "2024-02-01"))
        doc = "yes" if i < 20 else "no"
        letter = "yes" if i % 4 == 0 else "no"
        parity = "yes" if i % 5 == 0 else ("no" if i % 5 == 1 else None)
        log.append((claim, payer, "appeal_filed", "2024-02-10", None, doc, letter, parity))
        # overturned: 14 of the 20 with documentation (i < 14), 4 of the 20 without (20..23)
        outcome = "overturned" if i < 14 or 20 <= i < 24 else ("partial" if i == 30 else "upheld")
        log.append((claim, payer, "appeal_decided", "2024-03-20", outcome, None, None, None))
    rng.shuffle(log)
    claims_frame = pd.DataFrame(
        claims, columns=["claim_id", "plan_id", "status", "denial_reason", "payment_date"]
    )
    log_frame = pd.DataFrame(
        log,
        columns=[
            "claim_id", "plan_id", "event", "date", "outcome", "clinical_documentation",
            "provider_letter", "parity_cited",
        ],
    )  # fmt: skip
    return claims_frame, log_frame


def _rows(table: pd.DataFrame, grouping: str) -> dict[str, tuple[int, int]]:
    part = table[table["grouping"] == grouping]
    return {
        r["group_value"]: (int(r["overturned"]), int(r["appeals_decided"]))
        for r in part.to_dict("records")
    }


def test_overturn_counts_equal_hand_counts() -> None:
    claims, log = _practice()
    table = appeal_outcomes(log, claims=claims).table
    # hand counts: overturned = i < 14 or 20 <= i < 24 -> 18 of 40
    assert _rows(table, "all") == {"all internal appeals": (18, 40)}
    # PAYER A: i < 24 -> all 18 overturned of 24; PAYER B: 0 of 16
    assert _rows(table, "payer") == {"PAYER A": (18, 24), "PAYER B": (0, 16)}
    # even i are CARC 50 (medical necessity): overturned even i < 14 (7) + 20, 22 (2) = 9 of 20
    assert _rows(table, "denial_category") == {
        "authorization": (9, 20),
        "medical_necessity": (9, 20),
    }
    assert _rows(table, "clinical_documentation") == {"yes": (14, 20), "no": (4, 20)}
    # letter: i % 4 == 0 -> 10 appeals; overturned among 0,4,8,12,20 -> 5
    assert _rows(table, "provider_letter") == {"yes": (5, 10), "no": (13, 30)}
    # parity yes: i % 5 == 0 (8 appeals; overturned 0,5,10 and 20 -> 4); no: i % 5 == 1
    # (8; overturned 1,6,11,21 -> 4); not recorded: the other 24 (overturned 10)
    assert _rows(table, "parity_cited") == {"yes": (4, 8), "no": (4, 8), "not recorded": (10, 24)}
    partial = table[table["grouping"] == "payer"].set_index("group_value")["upheld"]
    assert partial["PAYER B"] == 16  # the partial decision (i == 30) counts as upheld


def test_intervals_are_wilson_intervals() -> None:
    claims, log = _practice()
    table = appeal_outcomes(log, claims=claims).table
    row = table[(table["grouping"] == "clinical_documentation") & (table["group_value"] == "yes")]
    low, high = _wilson(14, 20)
    assert row["overturn_rate"].item() == pytest.approx(0.7)
    assert row["overturn_rate_low"].item() == pytest.approx(low, abs=1e-12)
    assert row["overturn_rate_high"].item() == pytest.approx(high, abs=1e-12)


def test_published_figures_stand_beside_the_yes_no_rows_with_their_label() -> None:
    claims, log = _practice()
    table = appeal_outcomes(log, claims=claims).table.set_index(["grouping", "group_value"])
    expected = {
        ("clinical_documentation", "yes"): 0.68,
        ("clinical_documentation", "no"): 0.25,
        ("provider_letter", "yes"): 0.64,
        ("provider_letter", "no"): 0.29,
        ("parity_cited", "yes"): 0.59,
        ("parity_cited", "no"): 0.28,
    }
    for key, rate in expected.items():
        assert table.loc[key, "published_rate"] == rate
        assert table.loc[key, "published_source"] == PUBLISHED_SOURCE_LABEL
    assert table.loc[("payer", "PAYER A"), "published_source"] == ""
    assert "not verified by paritykit" in PUBLISHED_SOURCE_LABEL


def test_small_counts_are_suppressed_by_default() -> None:
    claims, log = _practice()
    shown = suppress_appeal_outcomes(appeal_outcomes(log, claims=claims).table)
    shown = shown.set_index(["grouping", "group_value"])
    # 8 appeals with a parity argument: the whole row is withheld
    assert pd.isna(shown.loc[("parity_cited", "yes"), "appeals_decided"])
    assert pd.isna(shown.loc[("parity_cited", "yes"), "overturn_rate"])
    # 4 overturned of 20 without documentation: the count and the rate are withheld
    assert shown.loc[("clinical_documentation", "no"), "appeals_decided"] == 20
    assert pd.isna(shown.loc[("clinical_documentation", "no"), "overturned"])
    assert pd.isna(shown.loc[("clinical_documentation", "no"), "overturn_rate"])
    # 14 of 20 with documentation is withheld too: with the total of 18 it would reveal the 4
    assert pd.isna(shown.loc[("clinical_documentation", "yes"), "overturned"])
    assert shown.loc[("clinical_documentation", "yes"), "appeals_decided"] == 20
    # no count from 1 to 10 is shown anywhere, and no hidden one can be worked out by a sum
    counts = shown[["appeals_decided", "overturned", "upheld"]].stack()
    assert not ((counts >= 1) & (counts <= 10)).any()
    # the published figures are never withheld
    assert shown.loc[("parity_cited", "yes"), "published_rate"] == 0.59
