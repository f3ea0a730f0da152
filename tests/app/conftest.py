"""Fixtures of the web app tests: demo files made with the ``paritykit synth`` commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

#: The date the packs and letters are made on (fixed, so two runs can be compared).
DAY = dt.date(2026, 6, 30)
#: The remittances' service year: their denials are still open on :data:`DAY`.
YEAR = 2026


def run_cli(*args: str) -> str:
    """Run ``paritykit ARGS`` in process; return its output (stdout and stderr)."""
    from paritykit.cli import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Makefile's ``sample`` files (benefits, plan facts) and a practice's 835 files."""
    folder = tmp_path_factory.mktemp("demo")
    run_cli("synth", "benefits", "--out", str(folder / "benefits.xlsx"))
    run_cli("synth", "plan", "--plan-id", "SAMPLE-B", "--out", str(folder / "plan.yaml"))
    run_cli("synth", "remittances", "--claims", "300", "--year", str(YEAR),
            "--out", str(folder / "remits"))  # fmt: skip
    return {
        "benefits": folder / "benefits.xlsx",
        "plan": folder / "plan.yaml",
        "remits": folder / "remits",
    }


@pytest.fixture(scope="session")
def bad_benefits(demo: dict[str, Path]) -> Path:
    """The demo benefits with one bad cell: row 3 of the Benefits sheet has side 'dental'."""
    from openpyxl import load_workbook

    book = load_workbook(demo["benefits"])
    sheet = book["Benefits"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("side") + 1, value="dental")
    target = demo["benefits"].parent / "bad" / "benefits_bad.xlsx"
    target.parent.mkdir()
    book.save(target)
    return target


@pytest.fixture(scope="session")
def plan_facts(demo: dict[str, Path]) -> dict[str, object]:
    """The demo plan facts as the form collects them (same fields, same order)."""
    import yaml

    return yaml.safe_load(demo["plan"].read_text(encoding="utf-8"))
