"""Synthetic claims (real codes, planted disparities, sidecar), the CLI, and the benchmark smoke."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import simple_icd_10_cm as cm
from click.testing import CliRunner

import paritykit as pk
from paritykit.classify.codesets import is_icd10cm_code
from paritykit.cli import cli
from paritykit.synth.claims import MHSUD_DIAGNOSES, MS_DIAGNOSES, parse_disparity

REPO = Path(__file__).resolve().parents[2]


def test_synthetic_diagnoses_are_real_icd10cm_codes_on_the_right_side() -> None:
    for code in MS_DIAGNOSES + MHSUD_DIAGNOSES:
        assert cm.is_valid_item(code), code
    assert all(cm.get_ancestors(c)[-1] == "5" for c in MHSUD_DIAGNOSES)
    assert not any(cm.get_ancestors(c)[-1] == "5" for c in MS_DIAGNOSES)


def test_default_mhsud_range_is_exactly_icd10cm_chapter_5() -> None:
    rules = pk.default_rules()
    ((lo, hi),) = rules.diagnosis_ranges
    assert cm.is_category(lo) and cm.is_category(hi)
    chapter5 = {c for c in cm.get_descendants("5") if cm.is_category(c)}
    in_range = {c for c in cm.get_all_codes(False) if cm.is_category(c) and lo <= c <= hi}
    assert chapter5 == in_range
    assert is_icd10cm_code("f32.a")


def test_synthetic_file_is_deterministic_and_states_its_parameters(tmp_path, synth_parquet) -> None:
    again = tmp_path / "again.parquet"
    pk.synthesize_claims(again, rows=3000, plans=3, seed=7,
                         disparities=[pk.ClaimsDisparity("denial_rate", 2.0, plan=3)])  # fmt: skip
    pd.testing.assert_frame_equal(pd.read_parquet(again), pd.read_parquet(synth_parquet))
    params = json.loads(again.with_suffix(".json").read_text())
    assert params["rows"] == 3000 and params["seed"] == 7
    assert params["disparities"] == [
        {"measure": "denial_rate", "ratio": 2.0, "plan": 3, "classification": None}
    ]


def test_planted_denial_disparity_is_recovered(tmp_path) -> None:
    path = tmp_path / "d.parquet"
    pk.synthesize_claims(path, rows=60_000, plans=3, seed=3, disparities=[
        parse_disparity("plan=3,classification=outpatient_in_network,measure=denial_rate,ratio=1.6")
    ])  # fmt: skip
    out = pk.summarize_outcomes(pk.validate_claims(pk.scan_claims(path)))
    cell = out[(out["plan_id"] == "plan_3") & (out["classification"] == "outpatient_in_network")]
    rates = cell.set_index("side")["denial_rate"]
    # 0.16 vs 0.10 on about 2,500 MH/SUD lines: standard error of the MH rate about 0.007
    assert rates["mhsud"] / rates["ms"] == pytest.approx(1.6, abs=0.2)
    other = out[(out["plan_id"] == "plan_1") & (out["classification"] == "outpatient_in_network")]
    ratio = other.set_index("side")["denial_rate"]
    assert ratio["mhsud"] / ratio["ms"] == pytest.approx(1.0, abs=0.2)


def test_bad_disparity_messages() -> None:
    with pytest.raises(pk.ConfigurationError, match="key=value"):
        parse_disparity("plan3")
    with pytest.raises(pk.ConfigurationError, match="expected one of"):
        parse_disparity("classification=outpatient,ratio=2")


def test_cli_synth_and_outcomes(tmp_path) -> None:
    from paritykit.cli.synth_claims import claims_command

    runner = CliRunner()
    path = tmp_path / "c.parquet"
    res = runner.invoke(claims_command, ["--rows", "500", "--plans", "2", "--seed", "1",
                                         "--disparity", "plan=2,measure=denial_rate,ratio=2",
                                         "--out", str(path)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert path.exists() and path.with_suffix(".json").exists()
    out = tmp_path / "s.csv"
    res = runner.invoke(cli, ["outcomes", str(path), "--by", "plan_id", "--out", str(out)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert table["claims"].sum() == 500 and set(table["side"]) == {"ms", "mhsud"}
    res = runner.invoke(cli, ["outcomes", str(path), "--by", "plan_id", "--unit", "claim",
                              "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    records = json.loads(res.stdout)
    assert sum(r["claim_lines"] for r in records) == 500


def test_cli_outcomes_bad_input_is_one_line_error(tmp_path) -> None:
    bad = tmp_path / "b.csv"
    bad.write_text("claim_id,plan_id\nc1,p\n")
    res = CliRunner().invoke(cli, ["outcomes", str(bad)])
    assert res.exit_code == 1
    assert "Error: claims" in res.output and "lacks required column(s)" in res.output
    assert "Traceback" not in res.output


def test_benchmark_smoke() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "aggregate.py"), "--rows", "20000"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "hand-written DuckDB SQL" in done.stdout
    assert "denied lines agree between paritykit and SQL: True" in done.stdout


def test_whole_process_benchmark_smoke_on_a_messy_export(tmp_path) -> None:
    # the messy copy's spellings all normalize: raw and prepared summaries are identical, and
    # the prepared file read with other rules (classified again) gives the same counts
    messy = tmp_path / "messy.parquet"
    cmd = [sys.executable, str(REPO / "benchmarks" / "aggregate.py"), "--rows", "20000",
           "--whole-process", "--repeat", "1", "--messy", str(messy)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "raw and prepared outputs identical: True" in done.stdout
    assert "(classified again) gives the same counts: True" in done.stdout
    assert messy.exists()
    for case in ("duckdb_sql", "paritykit_raw", "paritykit_prepared", "prepared_other_rules"):
        assert case in done.stdout
