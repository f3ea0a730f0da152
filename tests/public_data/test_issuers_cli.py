"""``paritykit issuers`` and the ranked dot plot."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from click.testing import CliRunner

from paritykit.cli import cli

PUF_NAME = "tc_puf/tc_puf_py2024_cy2022_experience.xlsx"


def test_issuers_command_writes_tables_and_chart(public_data: Path, tmp_path: Path) -> None:
    before = dict(plt.rcParams)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["issuers", str(public_data / PUF_NAME), "--state", "oh", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rates = pd.read_csv(out / "issuer_rates.csv", dtype={"issuer_id": str})
    assert set(rates["state"]) == {"OH"}
    assert (out / "issuer_ranking.png").stat().st_size > 10_000
    exclusions = pd.read_csv(out / "exclusions.csv")
    assert exclusions["reason"].notna().all()
    assert dict(plt.rcParams) == before  # no global style change
    import openpyxl

    from paritykit.evidence.issuer_workbook import ISSUER_SHEETS

    workbook = openpyxl.load_workbook(out / "issuers.xlsx")
    assert workbook.sheetnames == list(ISSUER_SHEETS)
    provenance = [c.value for row in workbook["Provenance"].iter_rows() for c in row]
    assert Path(PUF_NAME).name in provenance
    assert any(isinstance(v, str) and len(v) == 64 for v in provenance)  # the file's SHA-256


def test_issuers_command_unknown_issuer_is_one_line_error(public_data: Path, tmp_path: Path):
    result = CliRunner().invoke(
        cli, ["issuers", str(public_data / PUF_NAME), "--issuer", "00000", "--out", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "Error: issuer '00000' has no denial rate. It is not in the file." in result.output
    assert "Traceback" not in result.output


PY2026_NAME = "tc_puf/tc_puf_py2026_cy2024_experience.xlsx"


def test_state_and_issuer_that_do_not_match_is_an_error(public_data: Path, tmp_path: Path):
    """Issuer 46944 (Blue Cross and Blue Shield of Alabama) with --state TX names both."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["issuers", str(public_data / PY2026_NAME), "--state", "tx", "--issuer", "46944",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert (
        "Error: --state TX and --issuer 46944 do not match: issuer 46944 is in AL, not TX."
    ) in result.output
    assert not out.exists()  # nothing written
    page = (Path(__file__).resolve().parents[2] / "docs" / "troubleshooting.md").read_text()
    line = next(x for x in result.output.splitlines() if x.startswith("Error: "))
    assert line in page  # docs/troubleshooting.md quotes the message as printed


def test_min_enrollment_on_the_command_line(public_data: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["issuers", str(public_data / PY2026_NAME), "--state", "MI", "--issuer", "29698",
         "--min-enrollment", "1000", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    appeals = pd.read_csv(out / "issuer_appeals_bh_share.csv", dtype={"issuer_id": str})
    priority = appeals.set_index("issuer_id").loc["29698"]
    assert "enrollment reported for 2 of 49 plans" in priority["note"]
    pooled = pd.read_csv(out / "pooled_appeals_bh_share.csv")
    national = pooled[pooled["scope"] == "national"].iloc[0]
    assert national["internal_appeals_filed"] < 262_982  # six small issuers dropped
