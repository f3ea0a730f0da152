"""Complementary suppression: no hidden count can be worked out from the table's margins.

The attacker here is independent of the library's linear-algebra check: it subtracts along
every relation that has exactly one unknown cell, adds what it learns to the known cells, and
repeats until nothing new comes out (chains of subtractions included).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from paritykit.privacy import (
    complementary_suppression,
    constant_sum_relations,
    disclosed_cells,
    group_total_relations,
    row_sum_relations,
    suppress_small_cells,
)


def subtraction_attack(values: pd.DataFrame, hidden, relations) -> dict:
    """Recover hidden cells by subtracting shown cells along each relation, repeatedly."""
    known = {
        (i, c): float(values.at[i, c])
        for i in values.index
        for c in values.columns
        if (i, c) not in set(hidden)
    }
    truth = {cell: float(values.at[cell]) for cell in hidden}
    recovered: dict = {}
    changed = True
    while changed:
        changed = False
        for relation in relations:
            unknown = [(cell, coef) for cell, coef in relation if cell not in known]
            if len(unknown) != 1:
                continue
            (cell, coef) = unknown[0]
            # the relation's constant is what the true values give: the reader may know it
            constant = sum(coef_ * float(values.at[c]) for c, coef_ in relation)
            rest = sum(coef_ * known[c] for c, coef_ in relation if c != cell)
            known[cell] = (constant - rest) / coef
            recovered[cell] = known[cell]
            changed = True
    return {cell: v for cell, v in recovered.items() if cell in truth}


def _table_with_margins(cells: np.ndarray) -> tuple[pd.DataFrame, list]:
    """A rows x columns count table with a total column and a total row, and its relations."""
    n_rows, n_cols = cells.shape
    cols = [f"c{j}" for j in range(n_cols)]
    frame = pd.DataFrame(cells, columns=cols)
    frame["total"] = frame[cols].sum(axis=1)
    frame.loc["all"] = frame.sum(axis=0)
    relations = row_sum_relations(frame, "total", cols)
    for c in [*cols, "total"]:
        body = [((i, c), 1.0) for i in range(n_rows)]
        relations.append((*body, (("all", c), -1.0)))
    return frame, relations


def test_one_small_cell_in_a_row_total_gets_a_partner() -> None:
    t = pd.DataFrame({"lines": [20, 300], "denied": [5, 40], "paid": [15, 260]})
    rel = row_sum_relations(t, "lines", ["denied", "paid"])
    assert subtraction_attack(t, [(0, "denied")], rel) == {(0, "denied"): 5.0}  # the leak
    hidden = complementary_suppression(t, [(0, "denied")], rel)
    assert hidden == [(0, "denied"), (0, "paid")]
    assert subtraction_attack(t, hidden, rel) == {}
    assert disclosed_cells(hidden, rel) == []


def test_the_scorecard_leak_of_the_issue_is_closed() -> None:
    """Denied = claim lines - paid lines, and this payer + other payers = the practice total."""
    t = pd.DataFrame(
        {
            "claim_lines": [400, 250, 90],
            "denied": [7, 60, 3],
            "paid_lines": [393, 190, 87],
            "other_denied": [63, 10, 67],
        }
    )
    rel = row_sum_relations(t, "claim_lines", ["denied", "paid_lines"])
    rel += constant_sum_relations(t, "denied", "other_denied")
    out = suppress_small_cells(t, counts=list(t.columns), relations=rel)
    hidden = [(i, c) for c in t.columns for i in t.index if pd.isna(out.at[i, c])]
    assert {(0, "denied"), (2, "denied")} <= set(hidden)
    assert len(hidden) > 2
    assert subtraction_attack(t, hidden, rel) == {}
    assert disclosed_cells(hidden, rel) == []


def test_a_chain_of_subtractions_is_also_closed() -> None:
    cells = np.array([[3, 40, 50], [30, 44, 61], [25, 70, 2]])
    frame, rel = _table_with_margins(cells)
    primary = [(0, "c0"), (2, "c2")]
    hidden = complementary_suppression(frame, primary, rel)
    assert subtraction_attack(frame, hidden, rel) == {}
    assert disclosed_cells(hidden, rel) == []


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda r: st.integers(2, 5).flatmap(
            lambda c: st.lists(
                st.one_of(st.integers(0, 10), st.integers(11, 500)),
                min_size=r * c,
                max_size=r * c,
            ).map(lambda v: np.array(v).reshape(r, c))
        )
    )
)
def test_random_tables_with_small_cells_leak_nothing(cells: np.ndarray) -> None:
    frame, rel = _table_with_margins(cells)
    primary = [(i, c) for c in frame.columns for i in frame.index if 1 <= frame.at[i, c] <= 10]
    hidden = complementary_suppression(frame, primary, rel)
    assert set(primary) <= set(hidden)
    assert subtraction_attack(frame, hidden, rel) == {}
    assert disclosed_cells(hidden, rel) == []


def test_groups_add_up_to_their_totals() -> None:
    t = pd.DataFrame({"payer": ["A", "A", "A"], "denied": [4, 40, 60]})
    rel = group_total_relations(t, ["denied"], by=["payer"])
    hidden = complementary_suppression(t, [(0, "denied")], rel)
    assert hidden == [(0, "denied"), (1, "denied")]


def test_a_cell_that_is_its_own_total_cannot_be_protected_and_says_so() -> None:
    import pytest

    t = pd.DataFrame({"payer": ["A", "B"], "denied": [40, 4]})
    rel = group_total_relations(t, ["denied"], by=["payer"])
    with pytest.raises(ValueError, match="hide that total too"):
        complementary_suppression(t, [(1, "denied")], rel)
