"""No hidden count can be worked out from what the pack, scorecard or issuer tables show.

The attacker here is written independently of :mod:`paritykit.privacy`: it knows every shown
cell and every margin a reader can know (row sums, column totals, side and group totals, the
banner's line count, a count repeated in another table), subtracts along each relation, and
along the difference of every two relations, with what it has learned, until nothing new comes
out. It must recover no hidden cell: neither a small count nor a complementary one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Hashable, Iterable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import paritykit as pk
from paritykit import columns as C
from paritykit.privacy import COMPLEMENTARY, suppress_small_cells

Cell = tuple[Hashable, ...]
Relation = dict[Cell, float]


def attack(truth: dict[Cell, float], hidden: Iterable[Cell], relations: list[Relation]) -> dict:
    """Hidden cells recovered by subtracting along relations and differences of two relations."""
    hidden = set(hidden)
    known = {c: v for c, v in truth.items() if c not in hidden}
    derived = [r for r in relations if r]
    for a, b in itertools.combinations(relations, 2):
        if set(a) & set(b):
            diff = {c: a.get(c, 0.0) - b.get(c, 0.0) for c in set(a) | set(b)}
            derived.append({c: v for c, v in diff.items() if abs(v) > 1e-12})
    recovered: dict = {}
    changed = True
    while changed:
        changed = False
        for rel in derived:
            unknown = [c for c in rel if c not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            constant = sum(coef * truth[c] for c, coef in rel.items())  # a reader may know it
            rest = sum(coef * known[c] for c, coef in rel.items() if c != cell)
            known[cell] = (constant - rest) / rel[cell]
            if cell in hidden:
                recovered[cell] = known[cell]
            changed = True
    return recovered


def _total(cells: Iterable[Cell], total: Cell | None = None) -> Relation:
    rel = {c: 1.0 for c in cells}
    if total is not None:
        rel[total] = rel.get(total, 0.0) - 1.0
    return rel


def _number(value: object) -> float | None:
    if value is None or isinstance(value, str | bool) or pd.isna(value):
        return None
    try:
        value = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def _cells(name: str, truth: pd.DataFrame, shown: pd.DataFrame, columns: Iterable[str]):
    """(truth values, hidden cells) of the count columns of one table."""
    values: dict[Cell, float] = {}
    hidden: list[Cell] = []
    for column in columns:
        if column not in truth.columns:
            continue
        for i in truth.index:
            true = _number(truth.at[i, column])
            if true is None:
                continue
            values[(name, i, column)] = true
            if _number(shown.at[i, column]) is None:
                hidden.append((name, i, column))
    return values, hidden


def _complements(tables: dict[str, pd.DataFrame]) -> set[Cell]:
    """Cells a table lists as hidden only to protect another cell."""
    out: set[Cell] = set()
    for name, frame in tables.items():
        if COMPLEMENTARY in frame.columns:
            for i, names in frame[COMPLEMENTARY].items():
                out |= {(name, i, n.strip()) for n in str(names or "").split(",") if n.strip()}
    return out


# --- the evidence pack -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> tuple[pk.EvidencePack, pk.EvidencePack]:
    from paritykit.evidence.template import write_benefits_workbook
    from paritykit.synth.benefits import sample_benefits, sample_plan_facts
    from paritykit.synth.nqtls import sample_nqtls

    root = tmp_path_factory.mktemp("inputs")
    benefits = write_benefits_workbook(
        sample_benefits(), root / "benefits.xlsx", nqtls=sample_nqtls()
    )
    plan = root / "plan.yaml"
    plan.write_text(yaml.safe_dump(sample_plan_facts("SAMPLE-B")))
    claims = root / "claims.parquet"
    pk.synthesize_claims(
        claims, rows=20_000, plans=3, seed=5, plan_ids=["SAMPLE-A", "SAMPLE-B", "SAMPLE-C"]
    )
    frame = pd.read_parquet(claims)
    frame["service_date"] = frame["service_date"].astype(str)
    frame.loc[frame.index[:4], "service_date"] = "not a date"  # a few excluded lines
    date = dt.date(2026, 1, 15)
    shown = pk.build_evidence_pack(
        benefits, plan=plan, claims=frame, out=root / "shown", prepared_on=date
    )
    raw = pk.build_evidence_pack(
        benefits, plan=plan, claims=frame, out=root / "raw", suppress=False, prepared_on=date
    )
    return shown, raw


def _pack_relations(truth: dict[str, pd.DataFrame]) -> list[Relation]:
    """Every margin a reader of the pack can form, built from the tables' meaning."""
    out = truth["outcomes"]
    counts = [
        c
        for c in out.columns
        if c in (C.CLAIMS, C.CLAIM_LINES, C.DENIED, C.PRIOR_AUTH_REQUESTS, C.PRIOR_AUTH_DENIED)
        or c in (C.OUT_OF_NETWORK_CLAIMS,)
        or c.startswith("denied_")
    ]
    reasons = [c for c in counts if c.startswith("denied_")]
    rel: list[Relation] = []
    for i in out.index:
        rel.append({("outcomes", i, C.CLAIMS): 1.0, ("outcomes", i, C.CLAIM_LINES): -1.0})
        if (out.loc[i, reasons].sum() == out.at[i, C.DENIED]) and reasons:
            rel.append(_total([("outcomes", i, c) for c in reasons], ("outcomes", i, C.DENIED)))
    for column in counts:
        if column in (C.CLAIMS, C.CLAIM_LINES):
            continue  # their total is the banner's, below
        rel.append(_total(("outcomes", i, column) for i in out.index))
        for _, rows in out.groupby(C.SIDE).groups.items():
            rel.append(_total(("outcomes", i, column) for i in rows))
    excluded = truth["excluded"]
    role = {r: i for i, r in excluded["reason"].items()}
    analysed = next(i for r, i in role.items() if r.startswith("claim lines analysed"))
    unclassified = role["lines that could not be classified"]
    rel.append(
        _total(
            [*(("outcomes", i, C.CLAIMS) for i in out.index), ("excluded", unclassified, "count")],
            ("excluded", analysed, "count"),
        )
    )
    dropped = [i for i in excluded.index if excluded.at[i, "action"] == "excluded"]
    dropped = [i for i in dropped if i != unclassified]
    others = [i for r, i in role.items() if "other plan" in r]
    scanned = role["claim lines scanned"]
    rel.append(
        _total(
            [("excluded", i, "count") for i in [*dropped, *others, analysed]],
            ("excluded", scanned, "count"),
        )
    )
    # the denial-rate table repeats the outcome counts of each classification
    rates = truth["rates"]
    for i, rec in rates.iterrows():
        for side, events, trials in (
            ("mhsud", C.MHSUD_EVENTS, C.MHSUD_TRIALS),
            ("ms", C.MS_EVENTS, C.MS_TRIALS),
        ):
            match = out.index[
                (out[C.CLASSIFICATION] == rec[C.CLASSIFICATION]) & (out[C.SIDE] == side)
            ]
            for j in match:
                rel.append({("rates", i, events): 1.0, ("outcomes", j, C.DENIED): -1.0})
                rel.append({("rates", i, trials): 1.0, ("outcomes", j, C.CLAIMS): -1.0})
    # the NQTL outcome tests add up outcome rows (out-of-network shares pool both networks)
    measures = {
        C.PRIOR_AUTH_DENIAL_RATE: (C.PRIOR_AUTH_DENIED, C.PRIOR_AUTH_REQUESTS),
        C.MEDICAL_NECESSITY_DENIAL_RATE: (C.DENIED_MEDICAL_NECESSITY, C.CLAIMS),
        C.OUT_OF_NETWORK_RATE: (C.OUT_OF_NETWORK_CLAIMS, C.CLAIMS),
    }
    partner = {
        "inpatient_in_network": "inpatient_out_of_network",
        "inpatient_out_of_network": "inpatient_in_network",
        "outpatient_in_network": "outpatient_out_of_network",
        "outpatient_out_of_network": "outpatient_in_network",
    }
    tests = truth.get("nqtl_tests", pd.DataFrame())
    for i, rec in tests.iterrows():
        if rec[C.MEASURE] not in measures:
            continue
        ev_col, tr_col = measures[rec[C.MEASURE]]
        wanted = {rec[C.CLASSIFICATION]}
        if rec[C.MEASURE] == C.OUT_OF_NETWORK_RATE:
            wanted.add(partner.get(rec[C.CLASSIFICATION], rec[C.CLASSIFICATION]))
        for side, events, trials in (
            ("mhsud", C.MHSUD_EVENTS, C.MHSUD_TRIALS),
            ("ms", C.MS_EVENTS, C.MS_TRIALS),
        ):
            rows = out.index[out[C.CLASSIFICATION].isin(wanted) & (out[C.SIDE] == side)]
            rel.append(_total([("outcomes", j, ev_col) for j in rows], ("nqtl_tests", i, events)))
            rel.append(_total([("outcomes", j, tr_col) for j in rows], ("nqtl_tests", i, trials)))
    return rel


def test_the_pack_leaks_no_hidden_count(packs) -> None:
    shown, raw = packs
    counts = {
        "outcomes": [
            c
            for c in raw.tables["outcomes"].columns
            if c in (C.CLAIMS, C.CLAIM_LINES, C.DENIED, C.PRIOR_AUTH_REQUESTS)
            or c in (C.PRIOR_AUTH_DENIED, C.OUT_OF_NETWORK_CLAIMS)
            or c.startswith("denied_")
        ],
        "excluded": ["count"],
        "rates": [C.MHSUD_EVENTS, C.MHSUD_TRIALS, C.MS_EVENTS, C.MS_TRIALS],
        "nqtl_tests": [C.MHSUD_EVENTS, C.MHSUD_TRIALS, C.MS_EVENTS, C.MS_TRIALS],
    }
    truth: dict[Cell, float] = {}
    hidden: list[Cell] = []
    for name, columns in counts.items():
        values, gone = _cells(name, raw.tables[name], shown.tables[name], columns)
        truth.update(values)
        hidden += gone
    small = [c for c in hidden if 1 <= truth[c] <= 10]
    assert small, "the fixture must have small cells, or the test checks nothing"
    protected = set(small) | _complements(shown.tables)
    # every count hidden in the outcome and excluded-data tables is small or a complement
    protected |= {c for c in hidden if c[0] in ("outcomes", "excluded")}
    assert len(protected) > len(small)  # complements were hidden too
    relations = _pack_relations(raw.tables)
    # the same relations leak without complementary suppression
    assert attack(truth, small, relations)
    # a side's trials hidden only with its small event count may be the sum of shown outcome
    # counts: that reveals nothing; no small or complementary cell comes back
    recovered = attack(truth, hidden, relations)
    leaks = sorted((c, v) for c, v in recovered.items() if c in protected)
    assert leaks == [], leaks


def test_the_pack_workbook_shows_no_small_count_and_marks_complements(packs) -> None:
    shown, _ = packs
    wb = openpyxl.load_workbook(shown.out_dir / "evidence.xlsx")
    ws = wb["Outcome data"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "<11" in values and "suppressed" in values
    outcomes = shown.tables["outcomes"]
    assert COMPLEMENTARY in outcomes.columns and outcomes[COMPLEMENTARY].str.len().gt(0).any()
    headers = None
    for row in ws.iter_rows(values_only=True):
        if row and row[0] in ("plan id", "Plan"):
            headers = [str(h) for h in row]
            continue
        if headers is None or row[0] is None:
            continue
        for name, value in zip(headers, row, strict=False):
            if name in ("claims", "denied", "claim lines") and isinstance(value, int | float):
                assert not 1 <= value <= 10


def test_letter_and_report_quote_only_shown_counts(packs) -> None:
    """Every "k of n" in the letter and the report is a pair the tables show."""
    shown, _ = packs
    published: set[float] = set()
    for name in ("outcomes", "rates", "excluded", "nqtl_tests"):
        frame = shown.tables[name]
        for column in frame.columns:
            published |= {v for v in (_number(x) for x in frame[column]) if v is not None}
    texts = [
        (shown.out_dir / "complaint_letter.md").read_text(),
        re.sub(r"<[^>]+>", " ", (shown.out_dir / "report.html").read_text()),
    ]
    pairs = [m for t in texts for m in re.findall(r"\b(\d[\d,]*) of (\d[\d,]*)\b", t)]
    for k, n in pairs:
        k_, n_ = float(k.replace(",", "")), float(n.replace(",", ""))
        assert not 1 <= k_ <= 10 and not 1 <= n_ <= 10
        assert k_ in published and n_ in published, (k, n)


def test_charts_draw_no_bar_for_a_hidden_rate(packs) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paritykit.evidence.charts import plot_rates_by_classification

    shown, _ = packs
    rates = shown.tables["rates"]
    ax = plot_rates_by_classification(rates, plan_id="SAMPLE-B")
    try:
        widths = [p.get_width() for p in ax.patches if hasattr(p, "get_width")]
        drawn = [w for w in widths if np.isfinite(w) and w > 0]
        present = int(rates[C.MHSUD_RATE].gt(0).sum() + rates[C.MS_RATE].gt(0).sum())
        assert len(drawn) <= present
        labels = " ".join(t.get_text() for t in ax.texts)
        if rates[C.MHSUD_RATE].isna().any() or rates[C.MS_RATE].isna().any():
            assert "suppressed" in labels
    finally:
        plt.close(ax.figure)


def test_outcome_csv_and_json_exports_leak_no_hidden_count(tmp_path: Path) -> None:
    """``paritykit outcomes --suppress``: the CSV and the JSON hide small cells and complements."""
    import json

    from click.testing import CliRunner

    from paritykit.cli import cli

    claims = tmp_path / "claims.parquet"
    pk.synthesize_claims(claims, rows=3_000, plans=2, seed=9, plan_ids=["P-1", "P-2"])
    runner = CliRunner()
    args = ["outcomes", str(claims), "--errors", "exclude", "--unmapped", "flag"]
    raw = runner.invoke(cli, [*args, "--json"])
    assert raw.exit_code == 0, raw.output
    truth = pd.DataFrame(json.loads(raw.stdout))
    csv = tmp_path / "summary.csv"
    done = runner.invoke(cli, [*args, "--suppress", "--out", str(csv)])
    assert done.exit_code == 0, done.output
    shown_json = runner.invoke(cli, [*args, "--suppress", "--json"])
    for shown in (pd.read_csv(csv), pd.DataFrame(json.loads(shown_json.stdout))):
        counts = [C.CLAIMS, C.CLAIM_LINES, C.DENIED, C.OUT_OF_NETWORK_CLAIMS]
        counts += [c for c in truth.columns if c.startswith("denied_")]
        values, hidden = _cells("o", truth, shown, counts)
        small = [c for c in hidden if 1 <= values[c] <= 10]
        assert small
        rel: list[Relation] = [
            {("o", i, C.CLAIMS): 1.0, ("o", i, C.CLAIM_LINES): -1.0} for i in truth.index
        ]
        for column in counts:
            rel.append(_total(("o", i, column) for i in truth.index))
            for keys in ([C.PLAN_ID], [C.PLAN_ID, C.SIDE]):
                for _, rows in truth.groupby(keys, dropna=False).groups.items():
                    if len(rows) > 1:
                        rel.append(_total(("o", i, column) for i in rows))
        assert attack(values, small, rel)  # the totals give the small cells back...
        protected = set(small) | _complements({"o": shown})
        leaks = [c for c in attack(values, hidden, rel) if c in protected]
        assert leaks == []  # ...but not once the complements are hidden


# --- the payer scorecard ---------------------------------------------------------------------


def test_the_scorecard_leaks_no_hidden_count(tmp_path: Path) -> None:
    from paritykit import payer_scorecard, read_835, synthetic_remittances
    from paritykit.analysis.payers import ALL_PAYERS, DENIAL_CATEGORY_COLUMNS
    from paritykit.evidence.payer_workbook import suppress_scorecard
    from paritykit.synth.remittances import write_practice_year

    write_practice_year(synthetic_remittances(claims=1500, seed=7), tmp_path)
    truth = payer_scorecard(read_835(tmp_path).claims).to_frame()
    shown = suppress_scorecard(truth)
    cats = [c for c in DENIAL_CATEGORY_COLUMNS if c in truth.columns]
    columns = [C.CLAIM_LINES, C.DENIED, C.PAID_LINES, *cats]
    columns += [C.OTHER_PAYERS_CLAIM_LINES, C.OTHER_PAYERS_DENIED]
    values, hidden = _cells("card", truth, shown, columns)
    rel: list[Relation] = []
    payers = truth[truth[C.GROUPING] == "payer"]
    procs = truth[truth[C.GROUPING] == "payer_procedure"]
    top = truth[truth[C.GROUPING] != "payer_procedure"]

    def cell(i, c):
        return ("card", i, c)

    for i in truth.index:
        rel.append(_total([cell(i, C.DENIED), cell(i, C.PAID_LINES)], cell(i, C.CLAIM_LINES)))
    for i in top.index:
        rel.append(_total([cell(i, c) for c in cats], cell(i, C.DENIED)))
    total = truth.index[truth[C.PLAN_ID] == ALL_PAYERS]
    for c in [C.CLAIM_LINES, C.DENIED, C.PAID_LINES, *cats]:
        rel.append(_total([cell(i, c) for i in payers.index], cell(total[0], c)))
    for payer, rows in procs.groupby(C.PLAN_ID).groups.items():
        row = payers.index[payers[C.PLAN_ID] == payer][0]
        for c in (C.CLAIM_LINES, C.DENIED, C.PAID_LINES):
            rel.append(_total([cell(i, c) for i in rows], cell(row, c)))
    for own, other in (
        (C.DENIED, C.OTHER_PAYERS_DENIED),
        (C.CLAIM_LINES, C.OTHER_PAYERS_CLAIM_LINES),
    ):
        groups = [list(payers.index)] + [
            list(r) for r in procs.groupby(C.PROCEDURE_CODE).groups.values()
        ]
        for rows in groups:
            for a, b in itertools.pairwise(rows):
                rel.append(
                    {
                        cell(a, own): 1.0,
                        cell(a, other): 1.0,
                        cell(b, own): -1.0,
                        cell(b, other): -1.0,
                    }
                )
    small = [c for c in hidden if 1 <= values[c] <= 10]
    assert small
    assert attack(values, hidden, rel) == {}


# --- the issuer tables -----------------------------------------------------------------------


def _toy_issuers():
    from paritykit.load.tc_puf import ISSUER_COUNT_COLUMNS, PLAN_COUNT_COLUMNS, TcPuf

    rng = np.random.default_rng(3)
    rows = []
    for state, n in (("OH", 5), ("TX", 4)):
        for k in range(n):
            row = {c: float(rng.integers(40, 400)) for c in ISSUER_COUNT_COLUMNS}
            row.update({c + "_marker": None for c in ISSUER_COUNT_COLUMNS})
            received = float(rng.integers(5_000, 50_000))
            row.update(
                state=state,
                issuer_id=f"{state}{k}",
                issuer_name=f"Issuer {state}{k}",
                dental_only=False,
                has_medical_plans=True,
                enrollment=5000.0,
                claims_received_in_network=received,
                claims_denied_in_network=float(rng.integers(300, 4000)),
                claims_received_out_of_network=float(rng.integers(200, 2000)),
                claims_denied_out_of_network=float(rng.choice([3.0, 7.0, 60.0, 150.0])),
                internal_appeals_filed=float(rng.integers(30, 300)),
                internal_appeals_overturned=float(rng.choice([2.0, 9.0, 25.0, 40.0])),
                external_appeals_filed=float(rng.choice([4.0, 12.0, 30.0])),
                external_appeals_overturned=float(rng.choice([1.0, 11.0])),
            )
            rows.append(row)
    plans = pd.DataFrame(columns=["state", "issuer_id", "product_type", *PLAN_COUNT_COLUMNS])
    return TcPuf(pd.DataFrame(rows), plans, "py2024", 2024, "toy")


def test_the_issuer_tables_leak_no_hidden_count() -> None:
    from paritykit.analysis.issuers import issuer_denials, suppress_issuer_denials

    truth = issuer_denials(_toy_issuers())
    shown = suppress_issuer_denials(truth)
    rates_cols = [C.CLAIMS_RECEIVED, C.CLAIMS_DENIED]
    appeal_cols = [C.INTERNAL_APPEALS_FILED, C.INTERNAL_APPEALS_OVERTURNED]
    comp_cols = [*rates_cols, C.REFERENCE_CLAIMS_RECEIVED, C.REFERENCE_CLAIMS_DENIED]
    values: dict[Cell, float] = {}
    hidden: list[Cell] = []
    for name, cols in (
        ("rates", rates_cols),
        ("pooled", rates_cols),
        ("comparisons", comp_cols),
        ("issuers", [*appeal_cols, C.EXTERNAL_APPEALS_FILED, C.EXTERNAL_APPEALS_OVERTURNED]),
        ("pooled_appeals", appeal_cols),
    ):
        v, h = _cells(name, getattr(truth, name), getattr(shown, name), cols)
        values.update(v)
        hidden += h
    rel: list[Relation] = []
    rates, pooled = truth.rates, truth.pooled
    for (network, state), rows in rates.groupby([C.NETWORK, C.STATE]).groups.items():
        p = pooled.index[(pooled[C.NETWORK] == network) & (pooled[C.STATE] == state)][0]
        n = pooled.index[(pooled[C.NETWORK] == network) & (pooled[C.SCOPE] == "national")][0]
        for c in rates_cols:
            rel.append(_total([("rates", i, c) for i in rows], ("pooled", p, c)))
    for network, rows in rates.groupby(C.NETWORK).groups.items():
        n = pooled.index[(pooled[C.NETWORK] == network) & (pooled[C.SCOPE] == "national")][0]
        for c in rates_cols:
            rel.append(_total([("rates", i, c) for i in rows], ("pooled", n, c)))
    for i, rec in truth.comparisons.iterrows():
        own = rates.index[
            (rates[C.ISSUER_ID] == rec[C.ISSUER_ID]) & (rates[C.NETWORK] == rec[C.NETWORK])
        ][0]
        scope = pooled[C.SCOPE] == ("state" if rec[C.REFERENCE] == "state" else "national")
        where = scope & (pooled[C.NETWORK] == rec[C.NETWORK])
        if rec[C.REFERENCE] == "state":
            where &= pooled[C.STATE] == rec[C.STATE]
        pool = pooled.index[where][0]
        for c, ref in (
            (C.CLAIMS_RECEIVED, C.REFERENCE_CLAIMS_RECEIVED),
            (C.CLAIMS_DENIED, C.REFERENCE_CLAIMS_DENIED),
        ):
            rel.append({("comparisons", i, c): 1.0, ("rates", own, c): -1.0})
            rel.append(
                {("comparisons", i, ref): 1.0, ("rates", own, c): 1.0, ("pooled", pool, c): -1.0}
            )
    issuers, appeals = truth.issuers, truth.pooled_appeals
    for state, rows in [*issuers.groupby(C.STATE).groups.items(), (None, issuers.index)]:
        where = appeals[C.SCOPE] == "national" if state is None else appeals[C.STATE] == state
        a = appeals.index[where][0]
        for c in appeal_cols:
            rel.append(_total([("issuers", i, c) for i in rows], ("pooled_appeals", a, c)))
    small = [c for c in hidden if 1 <= values[c] <= 10]
    assert small
    assert attack(values, small, rel)  # without complements the totals give them back
    assert attack(values, hidden, rel) == {}
    # a hidden rate is not drawn: the ranking chart plots only shown rates
    assert shown.rates[C.DENIAL_RATE].isna().sum() >= shown.rates[C.CLAIMS_DENIED].isna().sum()


# --- any table with margins ------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda r: st.integers(2, 4).flatmap(
            lambda c: st.tuples(
                st.lists(
                    st.one_of(st.integers(0, 10), st.integers(11, 400)),
                    min_size=r * c,
                    max_size=r * c,
                ).map(lambda v: np.array(v).reshape(r, c)),
                st.lists(st.sampled_from(["g1", "g2"]), min_size=r, max_size=r),
            )
        )
    )
)
def test_random_tables_with_small_cells_leak_nothing(case) -> None:
    """Row totals, column totals and group totals of a random table with small cells."""
    from paritykit.privacy import group_total_relations, row_sum_relations

    cells, groups = case
    parts = [f"c{j}" for j in range(cells.shape[1])]
    frame = pd.DataFrame(cells, columns=parts)
    frame["total"] = frame[parts].sum(axis=1)
    frame["group"] = groups
    relations = row_sum_relations(frame, "total", parts)
    relations += group_total_relations(frame, [*parts, "total"])
    relations += group_total_relations(frame, [*parts, "total"], by=["group"])
    try:
        out = suppress_small_cells(frame, counts=[*parts, "total"], relations=relations)
    except ValueError as error:  # a group of one row: its cell is its own total
        assert "hide that total too" in str(error)
        return
    values, hidden = _cells("t", frame, out, [*parts, "total"])
    mine: list[Relation] = []
    for i in frame.index:
        mine.append(_total([("t", i, c) for c in parts], ("t", i, "total")))
    for c in [*parts, "total"]:
        mine.append(_total(("t", i, c) for i in frame.index))
        for _, rows in frame.groupby("group").groups.items():
            mine.append(_total(("t", i, c) for i in rows))
    assert {c for c in values if 1 <= values[c] <= 10} <= set(hidden)
    assert attack(values, hidden, mine) == {}
