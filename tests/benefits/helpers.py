"""Small builders for benefits tables used by the tests."""

from __future__ import annotations

import pandas as pd


def ms(cls: str, benefit: str, req: str, level: object, pay: object, **extra: object) -> dict:
    return dict(
        plan_id="P",
        classification=cls,
        side="ms",
        benefit=benefit,
        requirement_type=req,
        level=level,
        projected_payments=pay,
        **extra,
    )


def mh(cls: str, benefit: str, req: str, level: object, **extra: object) -> dict:
    return dict(
        plan_id="P",
        classification=cls,
        side="mhsud",
        benefit=benefit,
        requirement_type=req,
        level=level,
        projected_payments=None,
        **extra,
    )


def table(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def example_1(mhsud_level: float = 15) -> pd.DataFrame:
    """Regulation Example 1: inpatient out-of-network coinsurance, payments in $x."""
    cls = "inpatient_out_of_network"
    levels = {0: 200, 10: 100, 15: 450, 20: 100, 30: 150}
    rows = [ms(cls, f"benefit at {k}%", "coinsurance", k, v) for k, v in levels.items()]
    rows.append(mh(cls, "inpatient psychiatric", "coinsurance", mhsud_level))
    return table(rows)


def example_2(mhsud_level: float = 15) -> pd.DataFrame:
    """Regulation Example 2: outpatient in-network copays, payments in $x."""
    cls = "outpatient_in_network"
    levels = {0: 200, 10: 200, 15: 200, 20: 300, 50: 100}
    rows = [ms(cls, f"benefit at ${k}", "copay", k, v) for k, v in levels.items()]
    rows.append(mh(cls, "psychotherapy", "copay", mhsud_level))
    return table(rows)
