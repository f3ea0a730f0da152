"""Workbook layout rules, checked on every sheet of the pack, the payer scorecard and the
issuer workbook: a format on every number, no money as a percent, no code on screen, markers in
their own cells, frozen headers, print setup; and rendered with LibreOffice, nothing under 8 pt.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from demo_inputs import write_demo_inputs
from openpyxl.utils import column_index_from_string
from openpyxl.utils.cell import coordinate_from_string

import paritykit as pk
from paritykit import vocab
from paritykit.evidence.workbook import SheetSpec, TableSpec, read_tables, write_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CODE = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")
MONEY = re.compile(r"amount|payments|dollars|paid per|per claim", re.I)
PUF = Path(__file__).parents[1] / "data/public/tc_puf/tc_puf_py2024_cy2022_experience.xlsx"


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo-style pack, a payer scorecard and the issuer workbook (Ohio)."""
    from click.testing import CliRunner

    from paritykit import synthetic_remittances
    from paritykit.cli import cli
    from paritykit.synth.remittances import write_practice_year

    root = tmp_path_factory.mktemp("layout")
    made = write_demo_inputs(root, rows=20_000, seed=5, ratio=2.0)
    benefits, plan, claims = made["benefits"], made["plan"], made["claims"]
    pack = pk.build_evidence_pack(benefits, plan=plan, claims=claims, out=root / "pack")
    folder = root / "835"
    folder.mkdir()
    write_practice_year(synthetic_remittances(claims=600, seed=3), folder)
    runner = CliRunner()
    payers = runner.invoke(cli, ["payers", str(folder), "--out", str(root / "payers")])
    assert payers.exit_code == 0, payers.output
    appeals = root / "appeals" / "deadlines.xlsx"
    listed = runner.invoke(
        cli, ["appeals", str(folder), "--as-of", "2024-12-01", "--out", str(appeals)]
    )
    assert listed.exit_code == 0, listed.output
    issuers = runner.invoke(cli, ["issuers", str(PUF), "--state", "oh", "--out", str(root / "i")])
    assert issuers.exit_code == 0, issuers.output
    return {
        "pack": pack.out_dir / "evidence.xlsx",
        "payers": root / "payers" / "payer_scorecard.xlsx",
        "appeals": appeals,
        "issuers": root / "i" / "issuers.xlsx",
    }


def _tables(ws):
    """(header row, {column: header text}) of each table: the row under a hidden row."""
    for r in range(1, ws.max_row + 1):
        if ws.row_dimensions[r].hidden:
            yield r + 1, {c.column: c.value for c in ws[r + 1] if c.value is not None}


@pytest.mark.parametrize("name", ["pack", "payers", "appeals", "issuers"])
def test_every_number_has_a_format_and_no_code_is_on_screen(workbooks, name) -> None:
    wb = openpyxl.load_workbook(workbooks[name])
    numbers = 0
    for ws in wb.worksheets:
        headers: dict[int, str] = {}
        codes: set[int] = set()
        for _top, row in _tables(ws):
            headers.update(row)
            codes |= {
                c for c, h in row.items() if str(h).endswith(("(code)", "(number)", "(columns)"))
            }
        for row in ws.iter_rows():
            if ws.row_dimensions[row[0].row].hidden:
                continue  # the row of tidy names for programs
            for cell in row:
                value = cell.value
                if isinstance(value, bool) or value is None:
                    continue
                if isinstance(value, int | float) or cell.is_date:
                    numbers += 1
                    assert cell.number_format != "General", (ws.title, cell.coordinate, value)
                    header = headers.get(cell.column, "")
                    if MONEY.search(str(header)):
                        assert "%" not in cell.number_format, (ws.title, cell.coordinate)
                elif cell.column not in codes:
                    assert not CODE.match(str(value)), (ws.title, cell.coordinate, value)
    assert numbers > 50


@pytest.mark.parametrize("name", ["pack", "payers", "appeals", "issuers"])
def test_sheets_are_set_up_for_screen_and_paper(workbooks, name) -> None:
    wb = openpyxl.load_workbook(workbooks[name])
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert not ws.sheet_properties.pageSetUpPr.fitToPage, ws.title  # never shrunk
        assert "&P" in ws.oddFooter.right.text, ws.title
        tables = list(_tables(ws))
        if len(tables) == 1:
            top = tables[0][0]
            assert ws.freeze_panes is not None, ws.title
            assert coordinate_from_string(ws.freeze_panes)[1] == top + 1, ws.title
            assert ws.print_title_rows == f"${top}:${top}", ws.title
        if tables:  # codes sit outside the print area
            last = re.search(r"\$([A-Z]+)\$\d+$", ws.print_area).group(1)
            limit = column_index_from_string(last)
            for _, row in tables:
                for column, header in row.items():
                    if str(header).endswith(("(code)", "(columns)")):
                        assert column > limit, (ws.title, header)
        assert not ws._charts or not tables, ws.title  # charts on their own sheets
        assert not ws._images or not tables, ws.title


def test_labels_codes_and_levels_in_the_pack(workbooks) -> None:
    wb = openpyxl.load_workbook(workbooks["pack"])
    det = read_tables(wb["Quantitative test"])[0]
    failing = det[det["compliant"] == False]  # noqa: E712
    assert len(failing)
    row = failing[failing["plan_id"] == "SAMPLE-B"].iloc[0]
    assert row["classification_label"] == vocab.label_for(row["classification"])
    assert row["classification_label"] == "Outpatient, in network"
    # the level reads with its unit and the number is kept
    assert row["mhsud_level_label"] == "$30 copay" and row["mhsud_level"] == 30
    assert row["predominant_level_label"] == "$15 copay"
    levels = read_tables(wb["QTL levels"])[0]
    assert {"20% coinsurance", "$1,500 deductible"} <= set(levels["level_label"])
    summary = read_tables(wb["Summary"])[0]
    assert "Warning sign" in set(summary["severity_label"])
    assert "warning_sign" in set(summary["severity"])


def test_markers_sit_alone_right_aligned(workbooks) -> None:
    wb = openpyxl.load_workbook(workbooks["pack"])
    markers = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "<11":
                    markers += 1
                    assert cell.alignment.horizontal == "right", (ws.title, cell.coordinate)
                elif isinstance(cell.value, str):  # never run into numbers
                    assert not re.search(r"\d<11|<11\d", cell.value), cell.value
    assert markers > 0


def test_label_rules() -> None:
    assert vocab.label_for("self_only") == "Self-only"
    assert vocab.label_for("fails_whatever_the_payments") == "Fails whatever the payments"
    assert vocab.column_label("p_adjusted") == "Adjusted p-value"
    assert vocab.level_label("visit_limit", 30) == "30-visit limit"
    assert vocab.level_label("out_of_pocket_max", 3000) == "$3,000 out-of-pocket maximum"
    frame = pd.DataFrame({"classification": ["emergency", "outpatient_in_network"], "n": [1, 2]})
    assert vocab.label_for("emergency") == "Emergency care"
    assert frame["classification"].map(vocab.label_for).tolist() == [
        "Emergency care",
        "Outpatient, in network",
    ]


def test_read_tables_gives_back_the_tidy_frame(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"plan_id": ["p_1", "P2"], "side": ["ms", "mhsud"], "denial_rate": [0.1, 0.25]}
    )
    path = write_workbook([SheetSpec("S", "t", tables=(TableSpec(frame),))], tmp_path / "a.xlsx")
    back = read_tables(openpyxl.load_workbook(path)["S"])[0]
    assert back["plan_id"].tolist() == ["p_1", "P2"]  # identifiers stay as given
    assert back["side"].tolist() == ["ms", "mhsud"]
    assert back["side_label"].tolist() == ["M/S", "MH/SUD"]
    assert back["denial_rate"].tolist() == [0.1, 0.25]


def _render(path: Path, out: Path) -> Path:
    profile = out / "lo-profile"
    proc = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return out / (path.stem + ".pdf")


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui); "
    "the print check needs it",
)
@pytest.mark.parametrize("name", ["pack", "payers", "issuers"])
def test_printed_pages_are_legible(workbooks, name, tmp_path: Path) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    pdf = _render(workbooks[name], tmp_path)
    with pdfplumber.open(pdf) as doc:
        pages = doc.pages
        assert len(pages) >= len(openpyxl.load_workbook(workbooks[name]).sheetnames)
        assert len(pages) < 250  # not one page a row
        sparse = 0
        for number, page in enumerate(pages, start=1):
            # upright text: a rotated axis title reports its width as the size
            sizes = [c["size"] for c in page.chars if c.get("upright", True)]
            text = page.extract_text() or ""
            assert sizes and min(sizes) >= 8 - 0.01, (number, min(sizes, default=0))
            assert f"Page {number} of {len(pages)}" in text  # page numbers in the footer
            # no empty spill-over page: table text beyond the running head and the footer
            body = [c for c in page.chars if 50 < c["top"] < page.height - 50]
            assert len(body) > 30 or page.images, (number, text[:200])
            sparse += len(body) < 200 and not page.images
        assert sparse <= len(pages) // 4, f"{sparse} of {len(pages)} pages nearly empty"
