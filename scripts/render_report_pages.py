"""Render the pages of the demo report document (report.pdf) as the pictures in the docs.

Usage: ``.venv/bin/python scripts/render_report_pages.py [PACK_FOLDER]``. With a folder (e.g.
``reports/demo`` after ``make demo``) its ``report.pdf`` is rendered; without one, the demo pack
is built first into a temporary folder, as ``make demo`` builds it. Each page is rendered at
100 dpi (pdfplumber, which uses pdfium) and written to ``docs/images/report-page-N.png``,
palette-reduced to stay small. Old ``report-page-*.png`` files are removed first.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import pdfplumber
from PIL import Image

import paritykit as pk
from paritykit.evidence.template import write_benefits_workbook
from paritykit.synth.benefits import sample_benefits, sample_plan_facts
from paritykit.synth.nqtls import sample_nqtls

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
DPI = 100


def build_demo(folder: Path) -> Path:
    """The demo pack, with the inputs and parameters of ``make demo``."""
    benefits = write_benefits_workbook(
        sample_benefits(), folder / "benefits.xlsx", nqtls=sample_nqtls()
    )
    claims = folder / "claims.parquet"
    pk.synthesize_claims(
        claims,
        rows=200_000,
        plans=3,
        seed=7,
        plan_ids=["SAMPLE-A", "SAMPLE-B", "SAMPLE-C"],
        disparities=[
            pk.ClaimsDisparity(
                plan=2, classification="outpatient_in_network", measure="denial_rate", ratio=1.8
            )
        ],
    )
    pack = pk.build_evidence_pack(
        benefits,
        plan=sample_plan_facts("SAMPLE-B"),
        claims=claims,
        out=folder / "demo",
        prepared_on=dt.date.today(),
    )
    return pack.out_dir


def render(pdf_path: Path) -> list[Path]:
    """Write one PNG per page into docs/images and return their paths."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    for old in IMAGES.glob("report-page-*.png"):
        old.unlink()
    written = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            image = page.to_image(resolution=DPI).original.convert("RGB")
            image = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
            target = IMAGES / f"report-page-{number}.png"
            image.save(target, optimize=True)
            written.append(target)
    return written


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        files = render(Path(argv[1]) / "report.pdf")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            files = render(build_demo(Path(tmp)) / "report.pdf")
    for path in files:
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
