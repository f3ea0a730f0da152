"""The evidence pack end to end: sheets, formats, suppression, atomicity, reproducibility."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from demo_inputs import write_demo_inputs

import paritykit as pk
from paritykit.evidence.pack import SHEET_NAMES
from paritykit.evidence.workbook import number_format_for
from paritykit.synth.benefits import sample_plan_facts

COUNT_HEADERS = {
    "claims",
    "claim lines",
    "denied",
    "mhsud events",
    "mhsud trials",
    "ms events",
    "ms trials",
    "count",
    "prior auth requests",
    "prior auth denied",
    "out of network claims",
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("inputs")
    return write_demo_inputs(root, rows=30_000, seed=11, ratio=2.0)


@pytest.fixture(scope="module")
def pack(inputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> pk.EvidencePack:
    out = tmp_path_factory.mktemp("pack")
    return pk.build_evidence_pack(
        inputs["benefits"], plan=inputs["plan"], claims=inputs["claims"], out=out
    )


def test_pack_lists_its_files(pack: pk.EvidencePack) -> None:
    names = {str(p.relative_to(pack.out_dir)) for p in pack.files}
    assert {
        "evidence.xlsx",
        "complaint_letter.md",
        "complaint_letter.docx",
        "manifest.json",
    } <= names
    assert any(n.startswith("charts/") and n.endswith(".png") for n in names)
    assert any(n.startswith("charts/") and n.endswith(".pdf") for n in names)
    # the benefits carry projected payments: nothing depends on them, no request for them
    assert "request_letter.md" not in names
    manifest = json.loads((pack.out_dir / "manifest.json").read_text())
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert listed["evidence.xlsx"] == pk.report.file_sha256(pack.out_dir / "evidence.xlsx")
    assert not list(pack.out_dir.glob(".paritykit-staging-*"))


def test_workbook_has_every_sheet(pack: pk.EvidencePack) -> None:
    wb = openpyxl.load_workbook(pack.out_dir / "evidence.xlsx")
    assert set(SHEET_NAMES) <= set(wb.sheetnames)
    assert wb.sheetnames[0] == "Summary"


def header_row(ws: openpyxl.worksheet.worksheet.Worksheet, first: str) -> int:
    """The header row of the table whose hidden row of tidy names starts with ``first``."""
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == first and ws.row_dimensions[row[0].row].hidden:
            return row[0].row + 1
    raise AssertionError(f"no table starting with column {first!r} on {ws.title}")


def keys(ws: openpyxl.worksheet.worksheet.Worksheet, top: int) -> dict[str, int]:
    """Tidy column name -> column number, from the hidden row above header row ``top``."""
    return {c.value: c.column for c in ws[top - 1] if c.value is not None}


def test_numbers_are_numbers_with_formats(pack: pk.EvidencePack) -> None:
    wb = openpyxl.load_workbook(pack.out_dir / "evidence.xlsx")
    ws = wb["Denial rates"]
    top = header_row(ws, "cell")
    headers = keys(ws, top)
    checked = 0
    for row in ws.iter_rows(min_row=top + 1, max_row=ws.max_row):
        rate = row[headers["ms_rate"] - 1]
        if isinstance(rate.value, float):
            assert rate.number_format == number_format_for("ms_rate") == "0.0%"
            checked += 1
        trials = row[headers["ms_trials"] - 1]
        if trials.value not in (None, "<11", "suppressed"):  # "suppressed": a complement
            assert isinstance(trials.value, int | float)
            assert trials.number_format == "#,##0"
    assert checked > 0
    qtl = wb["Quantitative test"]
    top = header_row(qtl, "plan_id")
    headers = keys(qtl, top)
    assert qtl.cell(row=top, column=headers["subject_share"]).value == "Share subject"
    share = qtl.cell(row=top + 1, column=headers["subject_share"])
    assert isinstance(share.value, float) and share.number_format == "0.0%"
    assert qtl.cell(row=top + 1, column=headers["threshold"]).value == pytest.approx(2 / 3)


def small_counts(path: Path) -> list[tuple[str, str, object]]:
    wb = openpyxl.load_workbook(path)
    found = []
    for ws in wb.worksheets:
        count_cols: dict[int, str] = {}
        for row in ws.iter_rows():
            labels = {c.column: c.value.replace("_", " ") for c in row if isinstance(c.value, str)}
            if any(v in COUNT_HEADERS for v in labels.values()) and all(
                isinstance(c.value, str) or c.value is None for c in row
            ):
                count_cols = {k: v for k, v in labels.items() if v in COUNT_HEADERS}
                continue
            for col, name in count_cols.items():
                value = ws.cell(row=row[0].row, column=col).value
                if (
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and 1 <= value <= 10
                ):
                    found.append((ws.title, name, value))
    return found


def test_no_count_from_1_to_10_anywhere(pack: pk.EvidencePack) -> None:
    assert small_counts(pack.out_dir / "evidence.xlsx") == []


def test_no_suppress_shows_small_counts_and_says_so(
    inputs: dict[str, Path], tmp_path: Path
) -> None:
    frame = pd.read_parquet(inputs["claims"])
    tiny = frame[frame["plan_id"] == "SAMPLE-B"].head(400)
    pack = pk.build_evidence_pack(
        inputs["benefits"], plan=inputs["plan"], claims=tiny, out=tmp_path / "raw", suppress=False
    )
    assert small_counts(pack.out_dir / "evidence.xlsx") != []
    wb = openpyxl.load_workbook(pack.out_dir / "evidence.xlsx")
    method = " ".join(str(c.value) for row in wb["Method"].iter_rows() for c in row if c.value)
    assert "OFF (--no-suppress)" in method
    suppressed = pk.build_evidence_pack(
        inputs["benefits"], plan=inputs["plan"], claims=tiny, out=tmp_path / "safe"
    )
    assert small_counts(suppressed.out_dir / "evidence.xlsx") == []
    cells = [
        c.value
        for row in openpyxl.load_workbook(suppressed.out_dir / "evidence.xlsx")[
            "Outcome data"
        ].iter_rows()
        for c in row
    ]
    assert "<11" in cells


def test_member_ids_never_leave_the_aggregation(
    pack: pk.EvidencePack, inputs: dict[str, Path]
) -> None:
    frame = pd.read_parquet(inputs["claims"], columns=["member_id"])
    members = set(frame["member_id"].dropna().astype(str))
    assert members
    wb = openpyxl.load_workbook(pack.out_dir / "evidence.xlsx")
    text = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert not (members & text)
    letter = (pack.out_dir / "complaint_letter.md").read_text()
    assert not any(m in letter for m in list(members)[:500])


def test_findings_are_ordered_and_point_to_exhibits(pack: pk.EvidencePack) -> None:
    findings = pack.findings
    assert len(findings)
    assert findings["severity"].iloc[0] == "noncompliant"
    assert set(findings["exhibit"]) <= {"Exhibit A", "Exhibit B", "Exhibit C", "Exhibit F"}
    assert (findings["plan_id"].isin(["SAMPLE-B", "all plans"])).all()


def test_failed_run_leaves_no_partial_workbook(inputs: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "claims.csv"
    bad.write_text("claim_id,plan_id\nc1,p\n")
    out = tmp_path / "out"
    with pytest.raises(pk.ParityKitError):
        pk.build_evidence_pack(inputs["benefits"], plan=inputs["plan"], claims=bad, out=out)
    assert not (out / "evidence.xlsx").exists()


def test_failure_while_writing_leaves_nothing(
    inputs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import paritykit.evidence.pack as pack_module

    def broken(*args: object, **kwargs: object) -> list[Path]:
        raise RuntimeError("letter template failed")

    monkeypatch.setattr(pack_module, "_letters", broken)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        pk.build_evidence_pack(inputs["benefits"], plan=inputs["plan"], out=out)
    assert list(out.iterdir()) == []


def sheet_values(path: Path, name: str) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(path)[name]
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def test_rebuild_gives_identical_numbers_and_input_hashes(
    pack: pk.EvidencePack, inputs: dict[str, Path], tmp_path: Path
) -> None:
    again = pk.build_evidence_pack(
        inputs["benefits"], plan=inputs["plan"], claims=inputs["claims"], out=tmp_path / "again"
    )
    for name in (
        "Quantitative test",
        "Denial rates",
        "Stratified",
        "Outcome data",
        "Excluded data",
        "Summary",
    ):
        assert sheet_values(again.out_dir / "evidence.xlsx", name) == sheet_values(
            pack.out_dir / "evidence.xlsx", name
        ), name
    first = json.loads((pack.out_dir / "manifest.json").read_text())["inputs"]
    second = json.loads((again.out_dir / "manifest.json").read_text())["inputs"]
    assert first == second
    assert all(len(rec["sha256"]) == 64 for rec in first)
    dated = pk.build_evidence_pack(
        inputs["benefits"],
        plan=inputs["plan"],
        out=tmp_path / "dated",
        prepared_on=dt.date(2026, 1, 2),
    )
    assert "January 2, 2026" in (dated.out_dir / "complaint_letter.md").read_text()
    assert (pack.out_dir / "complaint_letter.md").read_text() == (
        again.out_dir / "complaint_letter.md"
    ).read_text()


def test_nqtl_exhibit_from_the_benefits_workbook(pack: pk.EvidencePack) -> None:
    wb = openpyxl.load_workbook(pack.out_dir / "evidence.xlsx")
    assert "NQTL review" in wb.sheetnames
    nqtl = pack.findings[pack.findings["source"] == "nqtl"]
    assert len(nqtl) and set(nqtl["exhibit"]) == {"Exhibit F"}
    letter = (pack.out_dir / "complaint_letter.md").read_text()
    assert "Exhibit F" in letter


def test_small_counts_are_masked_in_text() -> None:
    from paritykit.privacy import mask_small_counts_in_text

    assert mask_small_counts_in_text("94 of 2346") == "94 of 2346"
    assert "3 of" not in mask_small_counts_in_text("denied 3 of 250")
    assert "(suppressed)" in mask_small_counts_in_text("denied 12 of 7")


def test_plan_id_not_in_benefits_is_an_error(inputs: dict[str, Path], tmp_path: Path) -> None:
    facts = {**sample_plan_facts("SAMPLE-B"), "plan_id": "NO-SUCH-PLAN"}
    with pytest.raises(pk.ConfigurationError, match=r"NO-SUCH-PLAN.*SAMPLE-A"):
        pk.build_evidence_pack(inputs["benefits"], plan=facts, out=tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_a_few_excluded_claim_lines_are_counted_and_suppressed(
    inputs: dict[str, Path], tmp_path: Path
) -> None:
    frame = pd.read_parquet(inputs["claims"]).head(3000)
    frame["service_date"] = frame["service_date"].astype(str)
    frame.loc[frame.index[:3], "service_date"] = "not a date"
    pack = pk.build_evidence_pack(
        inputs["benefits"], plan=inputs["plan"], claims=frame, out=tmp_path / "pack"
    )
    cells = [
        c.value
        for row in openpyxl.load_workbook(pack.out_dir / "evidence.xlsx")[
            "Excluded data"
        ].iter_rows()
        for c in row
    ]
    assert "<11" in cells


def test_summary_is_short_one_line_per_finding(pack: pk.EvidencePack) -> None:
    """The terminal gets at most about 20 lines; the full text lives in the files."""
    text = pack.summary()
    lines = text.splitlines()
    assert len(lines) <= 20
    assert all(len(line) <= 110 for line in lines)
    assert lines[1].startswith("  Plan SAMPLE-B; benefits: plan year")
    assert lines[2].startswith("  Claims: ") and "claim lines of" in lines[2]
    first = next(i for i, line in enumerate(lines) if line.startswith("  ["))
    assert len(pack.findings) >= 1 and first <= 4
    assert lines[-1].startswith("Full findings: ")
    short = pack.summary(max_findings=1)
    if len(pack.findings) > 1:
        assert f"... and {len(pack.findings) - 1} more finding(s)" in short


def test_no_money_value_has_a_percent_format(pack: pk.EvidencePack) -> None:
    """Dollars per claim in the NQTL review are dollars, not '12072.8%'."""
    wb = openpyxl.load_workbook(pack.out_dir / "evidence.xlsx")
    money_rows = 0
    rows = [row for name in ("NQTL review", "NQTL measures") for row in wb[name].iter_rows()]
    for row in rows:
        texts = [c.value for c in row]
        if "allowed_per_unit" not in texts and "allowed amount per claim" not in texts:
            continue
        for cell in row:
            if isinstance(cell.value, float):
                assert "%" not in cell.number_format, (cell.coordinate, cell.number_format)
                money_rows += cell.number_format == '"$"#,##0.00'
    assert money_rows > 0  # the demo pack has allowed-amount rows, so the check ran
    for sheet in wb.worksheets:  # amount columns are never percent anywhere
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "amount" in cell.value:
                    column = [c for c in sheet.iter_cols(min_col=cell.column, max_col=cell.column)]
                    for below in column[0][cell.row :]:
                        if isinstance(below.value, float):
                            assert "%" not in below.number_format, (sheet.title, below.coordinate)
