"""Render the pictures in docs/sbc.md: a synthetic SBC page and the template filled from it.

Usage: ``.venv/bin/python scripts/render_sbc_images.py`` (needs LibreOffice and poppler-utils).
Writes ``docs/images/sbc-*.png``. The SBC is the fictional ``silver_2020`` sample plan.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from render_docs_images import crop_whitespace, shrink

import paritykit as pk
from paritykit.load.sbc import write_sbc_workbook
from paritykit.synth.sbc import write_sample_sbc

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"


def _png(pdf: Path, page: int, target: Path, tmp: Path, dpi: int = 110) -> None:
    stem = tmp / f"page{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )
    crop_whitespace(stem.with_suffix(".png"))
    shrink(stem.with_suffix(".png"), target)


def _sheet_pdf(workbook: Path, sheet: str, columns: list[str], tmp: Path, soffice: str) -> Path:
    """One sheet with the given columns, fitted to the page width, as a PDF."""
    book = load_workbook(workbook)
    for name in list(book.sheetnames):
        if name != sheet:
            del book[name]
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    for index in sorted((i for i, h in enumerate(header) if h not in columns), reverse=True):
        ws.delete_cols(index + 1)
    widths = {
        "classification": 25,
        "side": 7,
        "benefit": 38,
        "requirement_type": 15,
        "level": 7,
        "projected_payments": 10,
        "needs_review": 8,
        "review_note": 62,
        "source_page": 6,
        "nqtl_type": 18,
        "applies": 7,
        "scope": 45,
        "source": 80,
    }
    for cell in ws[1]:
        ws.column_dimensions[cell.column_letter].width = widths.get(str(cell.value), 14)
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.gridLines = True
    path = tmp / f"{sheet.replace(' ', '_')}.xlsx"
    book.save(path)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return path.with_suffix(".pdf")


def main() -> int:
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        print("needs LibreOffice (soffice) and pdftoppm", file=sys.stderr)
        return 1
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sbc_pdf = write_sample_sbc(tmp / "silver_2020.pdf")
        _png(sbc_pdf, 2, IMAGES / "sbc-input-chart.png", tmp, dpi=90)
        workbook = write_sbc_workbook([pk.read_sbc(sbc_pdf)], tmp / "benefits.xlsx")
        columns = [
            "classification",
            "side",
            "benefit",
            "requirement_type",
            "level",
            "projected_payments",
            "needs_review",
            "review_note",
            "source_page",
        ]
        pdf = _sheet_pdf(workbook, "Benefits", columns, tmp, soffice)
        _png(pdf, 1, IMAGES / "sbc-benefits-sheet.png", tmp)
        pdf = _sheet_pdf(
            workbook,
            "NQTLs",
            ["classification", "side", "nqtl_type", "applies", "scope", "source"],
            tmp,
            soffice,
        )
        _png(pdf, 1, IMAGES / "sbc-nqtls-sheet.png", tmp)
    print(f"wrote {IMAGES}/sbc-*.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
