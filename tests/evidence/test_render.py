"""The evidence workbook renders for real: LibreOffice converts it to a non-empty PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import paritykit as pk
from paritykit.evidence.pack import SHEET_NAMES
from paritykit.evidence.template import write_benefits_workbook
from paritykit.synth.benefits import sample_benefits, sample_plan_facts

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui); "
    "the render check needs it",
)
def test_workbook_renders_to_pdf_with_libreoffice(tmp_path: Path) -> None:
    benefits = write_benefits_workbook(sample_benefits(), tmp_path / "benefits.xlsx")
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(sample_plan_facts()))
    pack = pk.build_evidence_pack(benefits, plan=plan, out=tmp_path / "pack")
    workbook = pack.out_dir / "evidence.xlsx"
    profile = tmp_path / "lo-profile"
    proc = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    pdf = tmp_path / "evidence.pdf"
    assert proc.returncode == 0, proc.stderr
    assert pdf.exists() and pdf.stat().st_size > 10_000
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        pages = int(info.stdout.split("Pages:")[1].split()[0])
        assert pages >= len(SHEET_NAMES)  # every sheet printed, at least one page each
