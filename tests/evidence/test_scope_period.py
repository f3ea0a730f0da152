"""A pack is about the plan of the plan facts, and every exhibit says what period it covers.

The demo's claims hold SAMPLE-A, SAMPLE-B and SAMPLE-C and the pack is for SAMPLE-B: every sheet
of the workbook, the report, the letter and the chart files hold SAMPLE-B only; the other plans
appear only with ``compare_plans``, on a sheet and in a section labelled as context. The period
(first and last service date, claim lines, members) is checked against the claims file itself,
read with pandas, not against the pack's own numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from demo_inputs import write_demo_inputs

import paritykit as pk
from paritykit.coverage import DataCoverage
from paritykit.errors import ConfigurationError

OTHERS = re.compile(r"SAMPLE-[AC]")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's inputs (as `make sample` writes them), with fewer claim lines."""

    root = tmp_path_factory.mktemp("inputs")
    return write_demo_inputs(root, rows=24_000, seed=7, ratio=1.8)


@pytest.fixture(scope="module")
def pack(inputs: dict[str, Path]) -> pk.EvidencePack:
    return pk.build_evidence_pack(
        inputs["benefits"],
        plan=inputs["plan"],
        claims=inputs["claims"],
        out=inputs["root"] / "pack",
        prepared_on=dt.date(2026, 3, 2),
    )


def _sheet_texts(path: Path) -> dict[str, list[str]]:
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
        for ws in wb
    }


def _report_text(path: Path) -> str:
    html = path.read_text()
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    html = re.sub(r'src="data:[^"]+"', " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_every_exhibit_holds_only_the_plan_of_the_plan_facts(pack: pk.EvidencePack) -> None:
    sheets = _sheet_texts(pack.out_dir / "evidence.xlsx")
    assert len(sheets) >= 8
    for name, texts in sheets.items():
        others = [t for t in texts if OTHERS.search(t)]
        assert others == [], (name, others[:3])
    assert any("SAMPLE-B" in t for t in sheets["Quantitative test"])
    assert any("SAMPLE-B" in t for t in sheets["Denial rates"])
    report = _report_text(pack.out_dir / "report.html")
    assert "SAMPLE-B" in report and not OTHERS.search(report)
    letter = (pack.out_dir / "complaint_letter.md").read_text()
    assert not OTHERS.search(letter)
    assert not [p for p in pack.files if OTHERS.search(p.name.upper())]
    for name in ("outcomes", "rates", "excluded", "nqtl_tests"):
        frame = pack.tables[name]
        if "plan_id" in frame.columns:
            assert set(frame["plan_id"]) == {"SAMPLE-B"}, name
    assert set(pack.findings["plan_id"]) == {"SAMPLE-B"}  # no finding pools the plans
    assert set(pack.quantitative.to_frame()["plan_id"]) == {"SAMPLE-B"}


def test_the_period_is_the_plans_claims_and_is_stated_everywhere(
    pack: pk.EvidencePack, inputs: dict[str, Path]
) -> None:
    claims = pd.read_parquet(inputs["claims"])
    mine = claims[claims["plan_id"] == "SAMPLE-B"]
    dates = pd.to_datetime(mine["service_date"])
    coverage = pack.coverage
    assert coverage is not None
    assert coverage.first_service_date == dates.min().date()
    assert coverage.last_service_date == dates.max().date()
    assert coverage.claim_lines == len(mine)  # the synthetic lines are all valid
    assert coverage.members == mine["member_id"].nunique()
    assert coverage.plan_year == 2026 and coverage.other_plans == 2
    assert coverage.other_plan_lines == len(claims) - len(mine)
    banner = coverage.banner()
    assert banner.startswith("Plan SAMPLE-B; benefits: plan year 2026; claims: ")
    assert f"{len(mine):,} claim lines of {mine['member_id'].nunique():,} members" in banner
    first = dates.min().date()
    assert f"{first:%B} {first.day}, {first.year}" in banner
    for name, texts in _sheet_texts(pack.out_dir / "evidence.xlsx").items():
        assert banner in texts, name  # every sheet carries the context line
    report = _report_text(pack.out_dir / "report.html")
    assert f"{len(mine):,} claim lines" in report and "members" in report
    assert f"{first:%B} {first.day}, {first.year}" in report


def test_a_mismatch_between_claims_and_plan_year_is_said_plainly(pack: pk.EvidencePack) -> None:
    sentence = "The claims are from 2024; the benefits describe plan year 2026."
    assert pack.coverage is not None and pack.coverage.mismatch.startswith(sentence)
    report = _report_text(pack.out_dir / "report.html")
    assert sentence in report
    for name, texts in _sheet_texts(pack.out_dir / "evidence.xlsx").items():
        assert any(sentence in t for t in texts), name
    assert any(sentence in line for line in pack.summary().splitlines())


def test_coverage_without_mismatch_and_with_few_members() -> None:
    same = DataCoverage("P", 2024, dt.date(2024, 1, 5), dt.date(2024, 11, 30), 500, 7)
    assert same.mismatch == ""
    assert "fewer than 11 members" in same.banner()
    spans = DataCoverage("P", 2025, dt.date(2023, 7, 1), dt.date(2024, 6, 30), 500, 70)
    assert spans.mismatch.startswith(
        "The claims are from 2023 to 2024; the benefits describe plan year 2025."
    )
    raw = DataCoverage("P", 2024, dt.date(2024, 1, 5), dt.date(2024, 1, 6), 5, 3, suppressed=False)
    assert "3 members" in raw.banner()
    none = DataCoverage("P", 2026)
    assert none.banner() == "Plan P; benefits: plan year 2026; no claims data."
    assert list(none.to_frame()["item"])[:2] == ["plan", "benefits plan year"]


def test_claims_without_the_plan_are_refused_naming_the_ids(
    inputs: dict[str, Path], tmp_path: Path
) -> None:
    claims = pd.read_parquet(inputs["claims"])
    others = claims[claims["plan_id"] != "SAMPLE-B"]
    with pytest.raises(ConfigurationError) as error:
        pk.build_evidence_pack(
            inputs["benefits"], plan=inputs["plan"], claims=others, out=tmp_path / "pack"
        )
    text = str(error.value)
    assert "'SAMPLE-B'" in text and "SAMPLE-A, SAMPLE-C" in text
    assert not (tmp_path / "pack" / "evidence.xlsx").exists()


def test_compare_plans_shows_the_others_only_as_labelled_context(
    inputs: dict[str, Path],
) -> None:
    pack = pk.build_evidence_pack(
        inputs["benefits"],
        plan=inputs["plan"],
        claims=inputs["claims"],
        out=inputs["root"] / "compare",
        compare_plans=True,
        prepared_on=dt.date(2026, 3, 2),
    )
    sheets = _sheet_texts(pack.out_dir / "evidence.xlsx")
    context = "Other plans (context)"
    assert context in sheets
    assert any("Context" in t for t in sheets[context][:4])
    assert {"SAMPLE-A", "SAMPLE-C"} <= {t for t in sheets[context]}
    for name, texts in sheets.items():
        if name != context:
            assert not [t for t in texts if OTHERS.search(t)], name
    assert pack.context is not None and set(pack.context["plan_id"]) == {"SAMPLE-A", "SAMPLE-C"}
    assert set(pack.findings["plan_id"]) == {"SAMPLE-B"}
    report = _report_text(pack.out_dir / "report.html")
    head, _, tail = report.partition("Other plans, for context")
    assert tail and not OTHERS.search(head)
    assert "SAMPLE-A" in tail and "Context only" in tail


def test_the_terminal_summary_stays_short(inputs: dict[str, Path]) -> None:
    from paritykit.cli import cli as main

    out = inputs["root"] / "cli"
    result = CliRunner().invoke(
        main,
        [
            "report",
            "--benefits",
            str(inputs["benefits"]),
            "--plan",
            str(inputs["plan"]),
            "--claims",
            str(inputs["claims"]),
            "--out",
            str(out),
            "--date",
            "2026-03-02",
            "--compare-plans",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert 4 <= len(lines) <= 20
    assert all(len(line) <= 110 for line in lines)
    assert lines[1].startswith("  Plan SAMPLE-B; benefits: plan year 2026")
    assert any(line.startswith("  The claims are from 2024") for line in lines)
    assert lines[-1].startswith("Full findings: ")
    assert len(result.stdout) < 2500  # no legal text on the terminal
