"""Render the pictures in docs/evidence-pack.md from a fresh demo evidence pack.

Usage: ``.venv/bin/python scripts/render_docs_images.py`` (needs LibreOffice and poppler-utils:
``apt-get install libreoffice-calc-nogui poppler-utils``). Writes ``docs/images/pack-*.png``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from PIL import Image

import paritykit as pk
from paritykit.evidence.pack import EXHIBITS, NQTL_EXHIBIT
from paritykit.evidence.template import write_benefits_workbook
from paritykit.synth.benefits import sample_benefits, sample_plan_facts
from paritykit.synth.nqtls import sample_nqtls

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
MAX_WIDTH = 1100


def shrink(source: Path, target: Path) -> None:
    image = Image.open(source).convert("RGB")
    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)))
    image = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=128)
    image.save(target, optimize=True)


def crop_whitespace(path: Path) -> None:
    image = Image.open(path).convert("RGB")
    from PIL import ImageChops

    background = Image.new("RGB", image.size, (255, 255, 255))
    box = ImageChops.difference(image, background).getbbox()
    if box:
        pad = 12
        image.crop(
            (
                max(box[0] - pad, 0),
                max(box[1] - pad, 0),
                min(box[2] + pad, image.width),
                min(box[3] + pad, image.height),
            )
        ).save(path)


def main() -> int:
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        print("needs LibreOffice (soffice) and pdftoppm", file=sys.stderr)
        return 1
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        benefits = write_benefits_workbook(
            sample_benefits(), tmp / "benefits.xlsx", nqtls=sample_nqtls()
        )
        plan = tmp / "plan.yaml"
        plan.write_text(yaml.safe_dump(sample_plan_facts()))
        claims = tmp / "claims.parquet"
        pk.synthesize_claims(
            claims,
            rows=200_000,
            plans=3,
            seed=7,
            plan_ids=["SAMPLE-A", "SAMPLE-B", "SAMPLE-C"],
            disparities=[
                pk.ClaimsDisparity(
                    "denial_rate", 1.8, plan=2, classification="outpatient_in_network"
                )
            ],
        )
        pack = pk.build_evidence_pack(benefits, plan=plan, claims=claims, out=tmp / "pack")
        for chart in sorted((pack.out_dir / "charts").glob("*.png")):
            shrink(chart, IMAGES / f"pack-chart-{chart.stem.split('_sample')[0]}.png")
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp),
                str(pack.out_dir / "evidence.xlsx"),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pdf = tmp / "evidence.pdf"
        titles = {"Summary": "Summary of findings", "Method": "Method", "Provenance": "Provenance"}
        titles |= {sheet: f"{label}: {title}" for label, (sheet, title) in EXHIBITS.items()}
        titles[NQTL_EXHIBIT[1]] = f"{NQTL_EXHIBIT[0]}: {NQTL_EXHIBIT[2]}"
        pages = int(
            subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
            .stdout.split("Pages:")[1]
            .split()[0]
        )
        texts = [
            subprocess.run(
                ["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for i in range(1, pages + 1)
        ]
        for sheet, title in titles.items():
            page = next((i + 1 for i, t in enumerate(texts) if title[:30] in t), None)
            if page is None:
                continue
            stem = tmp / "page"
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "110",
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
            name = sheet.lower().replace(" ", "-")
            shrink(stem.with_suffix(".png"), IMAGES / f"pack-sheet-{name}.png")
    for image in sorted(IMAGES.glob("pack-*.png")):
        print(f"{image.relative_to(ROOT)}  {image.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
