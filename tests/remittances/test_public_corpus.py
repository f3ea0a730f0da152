"""The public 835 corpus in tests/data/public/x12: expectations, provenance, and the reader.

(a) ``expected.json`` obeys the X12 balancing rules it claims (and matches each file's segment
    counts), so its numbers are not copied from any reader's output;
(b) every vendored file is listed in ``SOURCES.md`` with its SHA-256;
(c) paritykit's :func:`read_835` reads each file to the expected claims, amounts, adjustments
    and notes. Files the current reader gets wrong are marked ``xfail(strict=True)``: when a
    reader change fixes one, its test passes unexpectedly and the mark must go.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from paritykit import DataValidationError, InputFileError, read_835
from paritykit import columns as C

PUBLIC = Path(__file__).resolve().parents[1] / "data" / "public"
X12_DIR = PUBLIC / "x12"
EXPECTED: list[dict] = json.loads((X12_DIR / "expected.json").read_text(encoding="utf-8"))
BY_FILE = {e["file"]: e for e in EXPECTED}
NAMES = sorted(BY_FILE, key=str.lower)

#: Files the current reader does not read to the expectations, and why (one line each).
#: Files the reader refuses on purpose, with the words its message must hold.
REFUSED = {
    "keironstoddart_edi-835-parser_blue_cross_nc_sample.835": "without its ISA/GS envelope",
}
#: Files the reader still gets wrong (strict xfail: they flip to XPASS when fixed).
READER_FAILS: dict[str, str] = {}

CENT = 0.005


def D(value: str | None) -> Decimal:
    return Decimal(value) if value not in (None, "") else Decimal(0)


def _param(name: str):
    marks = []
    if name in READER_FAILS:
        marks.append(pytest.mark.xfail(strict=True, reason=READER_FAILS[name]))
    return pytest.param(name, id=name, marks=marks)


# --- (a) the expectations themselves ------------------------------------------------------
def test_every_corpus_file_has_expectations() -> None:
    assert sorted(p.name for p in X12_DIR.glob("*.835")) == sorted(BY_FILE)
    assert len(BY_FILE) == len(EXPECTED) >= 19  # the 4 original samples and 15+ more
    assert len(list((X12_DIR / "other").iterdir())) >= 2


def _segment_ids(exp: dict) -> list[str]:
    """Segment ids of the raw file, split with the delimiters recorded in the expectations."""
    raw = (X12_DIR / exp["file"]).read_bytes().decode("utf-8-sig", errors="replace")
    delim = exp["delimiters"]
    ids = []
    for piece in raw.split(delim["segment"]):
        seg = piece.strip(" \r\n\t~")
        if seg:
            ids.append(seg.split(delim["element"])[0])
    return ids


@pytest.mark.parametrize("name", NAMES)
def test_expectations_match_the_file_structure(name: str) -> None:
    exp = BY_FILE[name]
    ids = _segment_ids(exp)
    assert ids.count("ISA") == exp["interchanges"]
    assert ids.count("CLP") == len(exp["claims"])
    assert ids.count("ST") == exp["transactions"] + exp["other_transactions"]
    assert ("PLB" in ids) == any(t["plb"] for t in exp["transaction_totals"])
    for claim in exp["claims"]:
        assert ids[claim["clp_segment"] - 1] == "CLP"
        assert claim["clp_segment"] <= claim["last_segment"]
        assert ids[claim["clp_segment"] : claim["last_segment"]].count("SVC") == claim["lines"]


@pytest.mark.parametrize("name", NAMES)
def test_expected_claims_obey_the_balancing_rules(name: str) -> None:
    for c in BY_FILE[name]["claims"]:
        label = f"{name}: claim {c['clp01']} at segment {c['clp_segment']}"
        if c["clp03"] is None or c["clp04"] is None:
            assert c["balances_claim_level"] is None, label
        else:
            balanced = D(c["clp03"]) - D(c["clp04"]) == D(c["claim_cas_total"]) + D(
                c["line_cas_total"]
            )
            assert c["balances_claim_level"] is balanced, label
        items = c["line_items"]
        assert len(items) == c["lines"], label
        assert [code for item in items for code in item["carcs"]] == c["line_carcs"], label
        assert len(c["claim_carcs"]) >= (D(c["claim_cas_total"]) != 0), label
        if not items:
            assert c["lines_balance"] is None and c["line_cas_total"] in ("0", "0.00"), label
            continue
        for item in items:
            ok = D(item["charge"]) - D(item["paid"]) == D(item["cas_total"])
            assert item["balances"] is ok, (label, item)
        assert c["lines_balance"] is all(item["balances"] for item in items), label
        assert sum(D(i["charge"]) for i in items) == D(c["line_charge_total"]), label
        assert sum(D(i["paid"]) for i in items) == D(c["line_paid_total"]), label
        assert sum(D(i["cas_total"]) for i in items) == D(c["line_cas_total"]), label
        dates = [i["service_date"] for i in items if i["service_date"]]
        if dates:
            assert c["service_date"] == min(dates), label


@pytest.mark.parametrize("name", NAMES)
def test_expected_transactions_obey_the_balancing_rules(name: str) -> None:
    exp = BY_FILE[name]
    totals = exp["transaction_totals"]
    assert len(totals) == exp["transactions"]
    assert [t["payer"] for t in totals] == exp["payers"]
    assert [t["trn02"] for t in totals] == exp["trn02"]
    for index, t in enumerate(totals):
        paid = [c["clp04"] for c in exp["claims"] if c["transaction"] == index and c["clp04"]]
        assert sum(map(D, paid)) == D(t["clp04_total"]), (name, index)
        assert sum(D(p["amount"]) for p in t["plb"]) == D(t["plb_total"]), (name, index)
        if t["bpr02"] is None:
            assert t["balances"] is None
        else:
            rule = D(t["bpr02"]) == D(t["clp04_total"]) - D(t["plb_total"])
            assert t["balances"] is rule, (name, index)
    bprs = [t["bpr02"] for t in totals if t["bpr02"] is not None]
    if bprs:
        assert sum(map(D, bprs)) == D(exp["bpr02_total"])
    assert sum(D(t["plb_total"]) for t in totals) == D(exp["plb_total"])
    flags = [t["balances"] for t in totals]
    if flags and None not in flags:
        assert exp["transaction_balances"] is all(flags)
    if not exp["transaction_balances"] or exp["envelope_problems"]:
        assert exp["notes"], f"{name}: a file that breaks a rule must say so in notes"


def test_known_corpus_facts() -> None:
    """A few facts read off the files by hand, so the expectations are not only self-consistent."""
    simple = BY_FILE["azoner_pyx12_835_simple.835"]
    assert [(c["clp01"], c["clp02"]) for c in simple["claims"]] == [
        ("123839-24635", "22"),
        ("123839-24635", "1"),
        ("134158-27488", "22"),
    ]
    assert simple["plb_total"] == "-977.94" and simple["transaction_balances"] is False
    tiger = BY_FILE["jdavisp3_TigerShark_835-example-2.835"]
    assert tiger["delimiters"] == {"element": "|", "component": "^", "segment": "\n"}
    assert tiger["transactions"] == 2 and len(tiger["envelope_problems"]) == 3
    emedny = BY_FILE["keironstoddart_edi-835-parser_emedny_sample.835"]
    assert {c["clp01"] for c in emedny["claims"]} == {"PATIENT ACCOUNT NUMBER"}
    assert [c["lines"] for c in emedny["claims"]] == [4, 2, 4]
    grip = BY_FILE["Inteligenz_X12Parser_4010_Example1_GripElements.835"]
    assert grip["version"] == "004010X091A1"
    assert (X12_DIR / grip["file"]).read_bytes().startswith(b"\xef\xbb\xbf")
    versions = {e["version"] for e in EXPECTED}
    assert {"004010X091A1", "005010X221A1"} <= versions
    features = {f for e in EXPECTED for f in e["features"]}
    for needed in (
        "reversal",
        "correction",
        "denial",
        "claim-level CAS",
        "PLB",
        "pretty-printed",
        "CRLF",
        "indented",
        "element separator '|'",
        "multiple transactions",
        "multiple interchanges",
        "Medicaid",
        "Medicare",
        "unbalanced claim",
    ):
        assert needed in features, needed


# --- (b) provenance -----------------------------------------------------------------------
ROW = re.compile(r"^\| `(?P<path>[^`]+)` \|.*\| `(?P<sha>[0-9a-f]{64})` \|\s*$", re.MULTILINE)


def _sources() -> dict[str, str]:
    text = (PUBLIC / "SOURCES.md").read_text(encoding="utf-8")
    rows = {m["path"]: m["sha"] for m in ROW.finditer(text)}
    assert rows, "SOURCES.md has no file table"
    return rows


def test_every_vendored_file_is_listed_with_its_sha256() -> None:
    rows = _sources()
    vendored = sorted(
        p.relative_to(PUBLIC).as_posix()
        for p in PUBLIC.rglob("*")
        if p.is_file()
        and p.parent.name != "licenses"
        and p.name not in ("SOURCES.md", ".gitattributes", "expected.json")
    )
    assert sorted(rows) == vendored
    for path, sha in rows.items():
        assert hashlib.sha256((PUBLIC / path).read_bytes()).hexdigest() == sha, path


def test_every_named_licence_file_is_there() -> None:
    text = (PUBLIC / "SOURCES.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(licenses/[^`]+)`", text))
    assert len(named) >= 6
    for path in named:
        assert (PUBLIC / path).is_file(), path


# --- (c) what paritykit's reader makes of each file ---------------------------------------
def _close(got: object, want: str | None) -> bool:
    if want is None:
        return got is None or pd.isna(got)
    return got is not None and not pd.isna(got) and abs(float(got) - float(want)) < CENT


def compare(exp: dict, remits) -> list[str]:
    """Differences between what ``read_835`` returned for one file and the expectations."""
    out: list[str] = []
    claims, adj = remits.claims, remits.adjustments
    probs, revs = remits.problems, remits.reversals
    rows_of = pd.to_numeric(probs["row"], errors="coerce")
    payers = {p for p in exp["payers"] if p}
    got_payers = set(claims[C.PLAN_ID].dropna()) | set(
        remits.provider_adjustments[C.PLAN_ID].dropna()
    )
    if not got_payers <= payers:
        out.append(f"payers {sorted(got_payers)} not in {sorted(payers)}")
    plb = remits.provider_adjustments[C.ADJUSTMENT_AMOUNT].sum()
    if not _close(plb, exp["plb_total"]):
        out.append(f"PLB total {plb} != {exp['plb_total']}")
    unbalanced = sum(t["balances"] is False for t in exp["transaction_totals"])
    noted = int((probs["column"] == "BPR02").sum())
    if noted != unbalanced:
        out.append(f"{noted} BPR02 notes for {unbalanced} unbalanced transaction set(s)")
    known = {c["clp_segment"] for c in exp["claims"]}
    extra = set(claims[C.SEGMENT_NUMBER].dropna().astype(int)) - known
    if extra:
        out.append(f"claim rows at segments {sorted(extra)} that hold no CLP")
    for c in exp["claims"]:
        first, last = c["clp_segment"], c["last_segment"]
        label = f"claim {c['clp01']!r} at segment {first}"
        rows = claims[claims[C.SEGMENT_NUMBER] == first]
        noted = probs[rows_of.between(first, last)]
        as_reversal = revs[revs[C.SEGMENT_NUMBER] == first]
        cancelled = revs[
            (revs[C.ORIGINAL_SEGMENT_NUMBER] == first) & (revs[C.SEGMENT_NUMBER] > first)
        ]
        breaks_rule = (
            c["balances_claim_level"] is not True
            or c["lines_balance"] is False
            or c["clp02"] == "25"
        )
        if rows.empty:
            if c["clp02"] == "22":
                if as_reversal.empty:
                    out.append(f"{label}: reversal neither read nor listed")
            elif breaks_rule:
                if noted.empty:
                    out.append(f"{label}: breaks a rule but is neither read nor noted")
            elif cancelled.empty:
                out.append(f"{label}: balanced claim missing from claims")
            continue
        if breaks_rule and noted.empty:
            out.append(f"{label}: read although it breaks a rule, with no note")
        first_row = rows.iloc[0]
        if first_row[C.CLAIM_STATUS_CODE] != c["clp02"]:
            out.append(f"{label}: status {first_row[C.CLAIM_STATUS_CODE]} != {c['clp02']}")
        for col, key in ((C.CLAIM_BILLED_AMOUNT, "clp03"), (C.CLAIM_PAID_AMOUNT, "clp04")):
            if not _close(first_row[col], c[key]):
                out.append(f"{label}: {col} {first_row[col]} != {c[key]}")
        if len(rows) != max(c["lines"], 1):
            out.append(f"{label}: {len(rows)} rows for {c['lines']} service lines")
        if c["lines"]:
            for col, key in (
                (C.BILLED_AMOUNT, "line_charge_total"),
                (C.PAID_AMOUNT, "line_paid_total"),
            ):
                if not _close(rows[col].sum(), c[key]):
                    out.append(f"{label}: sum of {col} {rows[col].sum()} != {c[key]}")
        own = adj[adj[C.SEGMENT_NUMBER].between(first, last)]
        claim_level = own[own[C.LINE_NUMBER].isna()]
        line_level = own[own[C.LINE_NUMBER].notna()]
        for part, key, carcs in (
            (claim_level, "claim_cas_total", "claim_carcs"),
            (line_level, "line_cas_total", "line_carcs"),
        ):
            if not _close(part[C.ADJUSTMENT_AMOUNT].sum(), c[key]):
                out.append(f"{label}: {key} {part[C.ADJUSTMENT_AMOUNT].sum()} != {c[key]}")
            got = sorted(f"{g}-{k}" for g, k in zip(part[C.GROUP_CODE], part[C.CARC], strict=True))
            if got != sorted(c[carcs]):
                out.append(f"{label}: {carcs} {got} != {sorted(c[carcs])}")
        if c["service_date"] is not None:
            got_date = rows[C.SERVICE_DATE].min()
            if pd.isna(got_date) or got_date != pd.Timestamp(c["service_date"]):
                out.append(f"{label}: service date {got_date} != {c['service_date']}")
    return out


@pytest.mark.parametrize("name", [_param(n) for n in NAMES])
def test_reader_reads_the_file_to_its_expectations(name: str) -> None:
    if name in REFUSED:
        with pytest.raises(InputFileError, match=REFUSED[name]) as err:
            read_835(X12_DIR / name)
        assert name in str(err.value)
        return
    remits = read_835(X12_DIR / name)
    assert compare(BY_FILE[name], remits) == []


def test_compare_sees_a_wrong_amount() -> None:
    """The comparison is not vacuous: a changed expectation is reported."""
    name = "linuxforhealth_managed-care.835"
    remits = read_835(X12_DIR / name)
    exp = json.loads(json.dumps(BY_FILE[name]))
    assert compare(exp, remits) == []
    exp["claims"][0]["clp04"] = "451.00"
    exp["claims"][1]["line_carcs"] = ["PR-1"]
    found = compare(exp, remits)
    assert len(found) == 2 and "claim_paid_amount" in found[0] and "line_carcs" in found[1]


def test_non_835_files_are_not_read_as_remittances() -> None:
    """The 999, 277 and 837 in x12/other are not remittances: refused, or read to nothing.

    Either the reader raises an error that names the file, or it returns no claims and a
    problem row naming the file (what a folder read might do).
    """
    for path in sorted((X12_DIR / "other").iterdir()):
        try:
            remits = read_835(path)
        except (InputFileError, DataValidationError) as err:
            assert path.name in str(err)
            continue
        assert remits.claims.empty, path.name
        assert remits.problems["file"].astype(str).str.contains(re.escape(path.name)).any()
