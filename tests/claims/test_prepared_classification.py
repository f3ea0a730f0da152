"""A prepared file stores each line's classification; it is reused only for the rules that wrote it.

Also: the two-step line summary (lines counted per key and outcome value, the indicators then
weighted) equals a line-by-line computation, on lines with every kind of missing value.
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paritykit as pk
from conftest import lines
from paritykit.classify.claims import classification_fingerprint
from paritykit.classify.rules import default_rules
from paritykit.load.claims import (
    PREPARED_KEY,
    STORED_CLASSIFICATION,
    prepared_marker,
    scan_claims,
    stored_classification,
)
from paritykit.load.prepare import prepare_claims

BY = ["plan_id", "classification"]
CLASSIFIED = ["side", "classification", "sub_classification", "classified_by", "ruleset_version"]


def _custom_rules(tmp_path: Path) -> Path:
    """The bundled rules with another version and POS 11 as other outpatient, not office."""
    text = (resources.files("paritykit") / "data/codesets/parity_default.yaml").read_text()
    assert '"11": office_visits' in text
    custom = tmp_path / "rules.yaml"
    custom.write_text(
        text.replace('version: "2025.2"', 'version: "local-1"').replace(
            '"11": office_visits', '"11": all_other_outpatient'
        )
    )
    return custom


def _classified(table) -> pd.DataFrame:
    frame = table.to_pandas()
    return frame.sort_values(["claim_id", "line_number"]).reset_index(drop=True)


def test_prepared_file_stores_the_classification_and_records_the_rules(
    synth_parquet: Path, tmp_path: Path
) -> None:
    out = tmp_path / "prepared.parquet"
    result = prepare_claims(synth_parquet, out)
    schema = pq.read_schema(out)
    assert [n for n in schema.names if n in STORED_CLASSIFICATION] == list(STORED_CLASSIFICATION)
    rules = default_rules()
    assert result.marker["classification"] == {
        "rules": rules.label,
        "fingerprint": classification_fingerprint(rules),
        "columns": list(STORED_CLASSIFICATION),
    }
    scanned = scan_claims(out)
    # the scan shows the contract columns only; the classification waits for classify_claims
    assert not set(STORED_CLASSIFICATION) & set(scanned.columns)
    assert stored_classification(scanned) is not None
    # the stored values are the classification of the raw file, line for line
    stored = _classified(pk.classify_claims(scanned))
    fresh = _classified(pk.classify_claims(pk.scan_claims(synth_parquet)))
    pd.testing.assert_frame_equal(stored[CLASSIFIED], fresh[CLASSIFIED])


def _tampered(prepared: Path, target: Path) -> Path:
    """The prepared file with every stored side flipped, under the very same marker."""
    table = pq.read_table(prepared)
    side = table.column("side").to_pylist()
    flipped = pa.array([{"mhsud": "ms", "ms": "mhsud"}.get(s, s) for s in side], pa.string())
    table = table.set_column(table.schema.get_field_index("side"), "side", flipped)
    pq.write_table(table.replace_schema_metadata(pq.read_schema(prepared).metadata), target)
    return target


def test_the_stored_classification_is_what_is_read_for_the_same_rules(
    synth_parquet: Path, tmp_path: Path
) -> None:
    # a file whose stored sides were flipped (same marker) gives flipped sides: proof that the
    # stored columns are read, not recomputed; any other rule set classifies the codes again
    prepared = tmp_path / "prepared.parquet"
    prepare_claims(synth_parquet, prepared)
    tampered = _tampered(prepared, tmp_path / "tampered.parquet")
    scanned = scan_claims(tampered)
    assert prepared_marker(scanned) is not None
    truth = _classified(pk.classify_claims(pk.scan_claims(synth_parquet)))
    read = _classified(pk.classify_claims(scanned))
    assert (read["side"] != truth["side"]).all()

    custom = _custom_rules(tmp_path)
    again = _classified(pk.classify_claims(scan_claims(tampered), rules=custom))
    want = _classified(pk.classify_claims(pk.scan_claims(synth_parquet), rules=custom))
    pd.testing.assert_frame_equal(again[CLASSIFIED], want[CLASSIFIED])
    assert (want["ruleset_version"] == "paritykit-default@local-1").all()
    assert (want["sub_classification"] != truth["sub_classification"]).any()  # rules differ


def test_other_rules_give_the_raw_files_summary(synth_parquet: Path, tmp_path: Path) -> None:
    custom = _custom_rules(tmp_path)
    # prepared with the default rules, summarized with custom rules, and the other way round
    by_default = tmp_path / "default.parquet"
    by_custom = tmp_path / "custom.parquet"
    prepare_claims(synth_parquet, by_default)
    prepare_claims(synth_parquet, by_custom, rules=custom)
    assert prepared_marker(scan_claims(by_custom))["classification"]["rules"] == (
        "paritykit-default@local-1"
    )
    by = [*BY, "sub_classification"]
    for rules in (None, custom):
        want = pk.summarize_outcomes(synth_parquet, by=by, rules=rules)
        for prepared in (by_default, by_custom):
            got = pk.summarize_outcomes(prepared, by=by, rules=rules)
            pd.testing.assert_frame_equal(got, want)


def test_folder_of_files_prepared_with_different_rules_is_classified_again(
    synth_parquet: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    prepare_claims(synth_parquet, folder / "a.parquet")
    prepare_claims(synth_parquet, folder / "b.parquet", rules=_custom_rules(tmp_path))
    scanned = scan_claims(folder)
    assert prepared_marker(scanned) is not None  # trusted, normalized once ...
    assert stored_classification(scanned) is None  # ... but classified twice over: not reused
    doubled = pk.summarize_outcomes(scanned, by=BY)
    single = pk.summarize_outcomes(synth_parquet, by=BY)
    assert doubled["claims"].sum() == 2 * single["claims"].sum()
    np.testing.assert_array_equal(doubled["denied"], 2 * single["denied"])


def test_marker_from_other_classification_code_is_not_reused(
    synth_parquet: Path, tmp_path: Path
) -> None:
    prepared = tmp_path / "prepared.parquet"
    prepare_claims(synth_parquet, prepared)
    tampered = _tampered(prepared, tmp_path / "tampered.parquet")
    meta = pq.read_schema(tampered).metadata
    marker = json.loads(meta[PREPARED_KEY.encode()])
    marker["classification"]["fingerprint"] = "sha256:" + "0" * 32  # another version's code
    table = pq.read_table(tampered).replace_schema_metadata({PREPARED_KEY: json.dumps(marker)})
    stale = tmp_path / "stale.parquet"
    pq.write_table(table, stale)
    got = _classified(pk.classify_claims(scan_claims(stale)))
    truth = _classified(pk.classify_claims(pk.scan_claims(synth_parquet)))
    pd.testing.assert_frame_equal(got[CLASSIFIED], truth[CLASSIFIED])  # flipped sides ignored


def test_unmapped_lines_are_stored_and_still_raise(tmp_path: Path) -> None:
    frame = lines({}, {"place_of_service": "99"}, {})
    prepared = tmp_path / "p.parquet"
    prepare_claims(frame, prepared)
    assert pq.read_table(prepared).column("classification").null_count == 1
    with pytest.raises(pk.UnmappedCodeError, match="1 of 3 claim line"):
        pk.summarize_outcomes(prepared)
    flagged = pk.summarize_outcomes(prepared, unmapped="flag")
    assert flagged["claims"].sum() == 3
    assert flagged["classification"].isna().sum() == 1


# --- the two-step line summary against a line-by-line computation ------------------------------

_VALUES = {
    "status": ["paid", "denied", "pending", None],
    "denial_reason": ["50", "15", "16", "96", "29", "119", "45", None],
    "prior_auth": ["approved", "denied", "not_required", None],
    "network_status": ["in", "out", None],
    "place_of_service": ["11", "21", "23", "52"],
    "diagnosis_code": ["F329", "I10", "F1020", "E119"],
}


@st.composite
def _lines(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 40))
    rows = []
    for i in range(n):
        row = {k: draw(st.sampled_from(v)) for k, v in _VALUES.items()}
        amount = draw(st.one_of(st.none(), st.integers(0, 50_000)))
        days = draw(st.one_of(st.none(), st.integers(0, 60)))
        rows.append(
            {
                "claim_id": f"c{i}",
                "line_number": 1,
                "plan_id": draw(st.sampled_from(["p1", "p2"])),
                "service_date": "2024-03-01",
                "procedure_code": "99213",
                "claim_type": "professional",
                "billed_amount": None if amount is None else Decimal(amount) / 100 + 1,
                "allowed_amount": None if amount is None else Decimal(amount) / 100,
                "paid_amount": None if amount is None else Decimal(amount) / 200,
                "decision_days": days,
                **row,
            }
        )
    return pd.DataFrame(rows)


def _by_line(frame: pd.DataFrame) -> pd.DataFrame:
    """Each indicator on each line, then summed per group (pandas, one line at a time)."""
    reasons = default_rules().denial_reasons
    names = {
        "medical_necessity": "denied_medical_necessity",
        "prior_auth": "denied_prior_auth",
        "missing_information": "denied_missing_information",
        "non_covered": "denied_non_covered",
        "administrative": "denied_administrative",
        "benefit_limit": "denied_benefit_limit",
    }
    rows = []
    for rec in frame.to_dict("records"):
        denied = rec["status"] == "denied"
        out = {
            "plan_id": rec["plan_id"],
            "classification": rec["classification"],
            "side": rec["side"],
            "claims": 1,
            "denied": int(denied),
            "prior_auth_requests": int(rec["prior_auth"] in ("approved", "denied")),
            "prior_auth_denied": int(rec["prior_auth"] == "denied"),
            "out_of_network_claims": int(rec["network_status"] == "out"),
            "days": rec["decision_days"],
        }
        for key, col in names.items():
            out[col] = int(denied and rec["denial_reason"] in reasons[key])
        for col in ("billed_amount", "allowed_amount", "paid_amount"):
            out[col] = rec[col]
        rows.append(out)
    d = pd.DataFrame(rows)
    keys = ["plan_id", "classification", "side"]
    counts = [c for c in d.columns if c not in (*keys, "days") and not c.endswith("_amount")]
    g = d.groupby(keys, dropna=False)
    want = g[counts].sum()
    for col in ("billed_amount", "allowed_amount", "paid_amount"):
        want[col] = g[col].agg(
            lambda s: (
                float(sum(Decimal(str(v)) for v in s if pd.notna(v))) if s.notna().any() else np.nan
            )
        )
    want["decision_days_mean"] = g["days"].agg(lambda s: s.dropna().mean())
    return want.reset_index()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=_lines())
def test_two_step_line_summary_equals_line_by_line(frame: pd.DataFrame) -> None:
    classified = pk.classify_claims(pk.scan_claims(frame), unmapped="flag")
    lines_back = classified.to_pandas()
    got = pk.summarize_outcomes(classified, by=BY, unmapped="flag")
    want = _by_line(lines_back)
    keys = ["plan_id", "classification", "side"]
    got = got.sort_values(keys, na_position="last").reset_index(drop=True)
    want = want.sort_values(keys, na_position="last").reset_index(drop=True)
    assert got[keys].astype(object).fillna("-").values.tolist() == (
        want[keys].astype(object).fillna("-").values.tolist()
    )
    for col in want.columns:
        if col in keys:
            continue
        np.testing.assert_allclose(
            got[col].to_numpy(dtype=float), want[col].to_numpy(dtype=float), err_msg=col
        )
