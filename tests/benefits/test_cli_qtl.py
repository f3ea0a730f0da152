"""The qtl, template and synth commands: thin, with one-line errors and clean JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

import paritykit as pk
from paritykit.cli import cli

from .helpers import example_2


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_qtl_prints_a_table_and_exits_0_even_when_failing(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    example_2(mhsud_level=20).to_csv(path, index=False)
    result = run("qtl", str(path))
    assert result.exit_code == 0, result.output
    assert "FAIL" in result.output and "$15" in result.output
    assert "not legal advice" in result.output


def test_qtl_json_is_only_a_json_array(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    example_2().to_csv(path, index=False)
    result = run("qtl", str(path), "--json")
    records = json.loads(result.stdout)
    assert isinstance(records, list) and len(records) == 1
    assert records[0]["predominant_level"] == 15
    assert records[0]["sub_classification"] is None


def test_qtl_out_writes_csv(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    example_2().to_csv(path, index=False)
    out = tmp_path / "out" / "qtl.csv"
    levels = tmp_path / "out" / "levels.csv"
    result = run("qtl", str(path), "--out", str(out), "--levels-out", str(levels))
    assert result.exit_code == 0
    assert pd.read_csv(out).loc[0, "compliant"]
    assert len(pd.read_csv(levels)) == 5


def test_bad_input_is_one_error_line_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    example_2().assign(level="abc").to_csv(path, index=False)
    proc = subprocess.run(
        [sys.executable, "-m", "paritykit", "qtl", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "row 2, column 'level'" in lines[0]
    assert "Traceback" not in proc.stderr


def test_missing_file_is_an_error_line() -> None:
    result = run("qtl", "/nonexistent/benefits.xlsx")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and pk.__version__ in result.output


def test_template_and_sample_commands(tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    assert run("template", "benefits", str(template)).exit_code == 0
    assert pk.read_benefits(template)["plan_id"].nunique() == 1
    sample = tmp_path / "sample.xlsx"
    assert run("synth", "benefits", "--out", str(sample)).exit_code == 0
    result = pk.quantitative_test(sample).to_frame()
    failing = result[~result["compliant"]]
    # SAMPLE-A passes; SAMPLE-B fails outpatient in-network copays; SAMPLE-C fails its separate
    # deductible and its MH/SUD-only visit limit.
    assert set(result["plan_id"]) == {"SAMPLE-A", "SAMPLE-B", "SAMPLE-C"}
    assert set(zip(failing["plan_id"], failing["requirement_type"], strict=True)) == {
        ("SAMPLE-B", "copay"),
        ("SAMPLE-C", "deductible"),
        ("SAMPLE-C", "visit_limit"),
    }
