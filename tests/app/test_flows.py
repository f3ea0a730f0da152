"""The page flows (paritykit.app.flows) make what the command line makes from the same files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from paritykit.app import flows
from paritykit.errors import ParityKitError

from .conftest import DAY, run_cli


def _cells(path: Path, strip: Path | None = None) -> dict[tuple[str, str], object]:
    """Every cell value of a workbook, keyed by (sheet, coordinate); ``strip`` cut from paths."""
    from openpyxl import load_workbook

    def value(v: object) -> object:
        if strip is not None and isinstance(v, str):
            return v.replace(f"{strip}/", "")
        return v

    book = load_workbook(path)
    return {
        (ws.title, cell.coordinate): value(cell.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    }


def _run_facts(cells: dict[tuple[str, str], object]) -> set[tuple[str, str]]:
    """The Provenance cells that describe the run, not the data: time and command line."""
    labels = {"generated (UTC)", "command to reproduce"}
    keys = set()
    for (sheet, coord), value in cells.items():
        if sheet == "Provenance" and value in labels:
            keys.add((sheet, "B" + coord[1:]))
    return keys


@pytest.fixture(scope="module")
def cli_pack(demo: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "pack"
    run_cli("report", "--benefits", str(demo["benefits"]), "--plan", str(demo["plan"]),
            "--out", str(out), "--date", DAY.isoformat())  # fmt: skip
    return out


@pytest.fixture(scope="module")
def app_result(
    demo: dict[str, Path], plan_facts: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> tuple[flows.AdvocateResult, Path]:
    work = tmp_path_factory.mktemp("app")
    upload = flows.save_upload("benefits.xlsx", demo["benefits"].read_bytes(), work / "inputs")
    return flows.advocate_pack(upload, dict(plan_facts), work, prepared_on=DAY), work


def test_workbook_equals_the_command_line_cell_for_cell(cli_pack, app_result):
    _, work = app_result
    ours = _cells(work / flows.PACK_FOLDER / "evidence.xlsx")
    theirs = _cells(cli_pack / "evidence.xlsx")
    run = _run_facts(theirs)
    assert len(run) == 2
    assert set(ours) == set(theirs)
    differ = {k for k in theirs if ours[k] != theirs[k]}
    assert differ <= run, sorted(differ - run)
    # the numbers really are there: the quantitative test sheet holds numeric cells
    assert sum(isinstance(v, int | float) for (s, _), v in theirs.items() if s != "Provenance")


def test_zip_holds_the_whole_pack(app_result, cli_pack):
    result, _ = app_result
    names = set(zipfile.ZipFile(io.BytesIO(result.zip_bytes)).namelist())
    expected = {
        f"{flows.PACK_FOLDER}/{p.relative_to(cli_pack).as_posix()}"
        for p in cli_pack.rglob("*")
        if p.is_file()
    }
    assert expected <= names
    for name in ("report.pdf", "evidence.xlsx", "complaint_letter.docx", "plan.yaml"):
        assert f"{flows.PACK_FOLDER}/{name}" in names
    letter = zipfile.ZipFile(io.BytesIO(result.zip_bytes)).read(
        f"{flows.PACK_FOLDER}/complaint_letter.md"
    )
    assert letter == (cli_pack / "complaint_letter.md").read_bytes()


def test_findings_split_as_the_page_shows_them(app_result):
    result, _ = app_result
    fails = result.by_severity("noncompliant")
    assert len(fails) >= 1
    assert set(fails["severity"]) == {"noncompliant"}
    assert result.charts and result.charts[0][1][:4] == b"\x89PNG"
    depends = result.depending_on_payments()
    assert set(depends.get("screening", [])) <= {"depends_on_payments"}


def test_plan_facts_yaml_is_what_the_sample_plan_file_holds(demo, plan_facts):
    assert flows.plan_facts_yaml(dict(plan_facts)) == demo["plan"].read_text(encoding="utf-8")


def test_bad_benefits_give_the_command_lines_message(bad_benefits, plan_facts, demo, tmp_path):
    from paritykit.cli import cli

    cli_run = CliRunner().invoke(
        cli,
        ["report", "--benefits", str(bad_benefits), "--plan", str(demo["plan"]),
         "--out", str(tmp_path / "cli")],
    )  # fmt: skip
    assert cli_run.exit_code == 1
    upload = flows.save_upload(bad_benefits.name, bad_benefits.read_bytes(), tmp_path / "in")
    with pytest.raises(ParityKitError) as caught:
        flows.advocate_pack(upload, dict(plan_facts), tmp_path)
    lines = flows.error_lines(caught.value)
    assert "row 3, column 'side'" in lines[0] and "'dental'" in lines[0]
    # same text as the command line, bar the file's folder
    assert f"Error: {lines[0]}".replace(str(upload), bad_benefits.name) in cli_run.output.replace(
        str(bad_benefits), bad_benefits.name
    )
    assert not (tmp_path / flows.PACK_FOLDER).exists()


def test_sbc_pdf_gives_the_same_pack_as_report_sbc(plan_facts, tmp_path):
    """An SBC upload goes through read_sbc exactly as ``paritykit report --sbc`` reads it."""
    import openpyxl
    from click.testing import CliRunner

    from paritykit.cli import cli
    from paritykit.synth.sbc import write_sample_sbc

    sbc = write_sample_sbc(tmp_path / "plan_sbc.pdf")
    facts = {k: v for k, v in dict(plan_facts).items() if k != "plan_id"}
    upload = flows.save_upload(sbc.name, sbc.read_bytes(), tmp_path / "in")
    (tmp_path / "app").mkdir()
    result = flows.advocate_pack(upload, dict(facts), tmp_path / "app", prepared_on=DAY)
    assert len(result.screening), "an SBC has no projected payments: the test screens"

    plan = tmp_path / "plan.yaml"
    plan.write_text(flows.plan_facts_yaml(facts), encoding="utf-8")
    out = tmp_path / "cli"
    run = CliRunner().invoke(
        cli,
        [
            "report",
            "--sbc",
            str(sbc),
            "--plan",
            str(plan),
            "--out",
            str(out),
            "--date",
            DAY.isoformat(),
        ],
    )
    assert run.exit_code == 0, run.output

    def values(path: Path) -> dict[str, list[tuple]]:
        book = openpyxl.load_workbook(path, read_only=True)
        return {
            ws.title: [row for row in ws.iter_rows(values_only=True)]
            for ws in book.worksheets
            if ws.title != "Provenance"
        }

    assert values(tmp_path / "app" / flows.PACK_FOLDER / "evidence.xlsx") == values(
        out / "evidence.xlsx"
    )


def test_uploads_stay_in_the_working_folder(tmp_path):
    path = flows.save_upload("../../etc/evil.xlsx", b"x", tmp_path)
    assert path == tmp_path / "evil.xlsx"
    assert flows.save_upload("C:\\Users\\me\\b.xlsx", b"x", tmp_path).name == "b.xlsx"


@pytest.fixture(scope="module")
def practice(demo: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("practice")
    remits = [
        flows.save_upload(p.name, p.read_bytes(), work / "remits")
        for p in sorted(demo["remits"].glob("*.835"))
    ]
    return flows.practice_results(remits, work, as_of=DAY), work


def test_scorecard_and_denials_equal_the_command_line(practice, demo, tmp_path):
    result, work = practice
    run_cli("payers", str(demo["remits"]), "--out", str(tmp_path / "payers"))
    run_cli("appeals", str(demo["remits"]), "--as-of", DAY.isoformat(),
            "--out", str(tmp_path / "appeals" / "open_denials.xlsx"))  # fmt: skip
    ours = _cells(work / "practice" / "payer_scorecard.xlsx")
    theirs = _cells(tmp_path / "payers" / "payer_scorecard.xlsx")
    assert set(ours) == set(theirs)
    differ = {k for k in theirs if ours[k] != theirs[k]}
    # only the run's facts (time, command, the input files' folder) may differ
    assert all(sheet == "Provenance" for sheet, _ in differ), sorted(differ)
    # the source_file column names the file read: the upload's copy, or the user's file
    denials = _cells(work / "practice" / "open_denials.xlsx", strip=work / "remits")
    assert denials == _cells(tmp_path / "appeals" / "open_denials.xlsx", strip=demo["remits"])
    assert len(result.denials.table) > 0
    assert result.chart[:4] == b"\x89PNG"
    assert "20 file(s) read" in result.messages[0] or "file(s) read" in result.messages[0]


def test_appeal_letter_equals_the_command_line(practice, demo, tmp_path):
    result, _ = practice
    table = result.denials.to_frame()
    claim = str(table.loc[table["next_step"] != "check and resubmit", "claim_id"].iloc[0])
    _, work = practice
    letter, files = flows.appeal_letter_files(result.claims, claim, tmp_path / "app", as_of=DAY)
    run_cli("appeal-letter", str(demo["remits"]), "--claim", claim, "--as-of", DAY.isoformat(),
            "--out", str(tmp_path / "cli"))  # fmt: skip
    md = [n for n in files if n.endswith(".md")]
    assert md and set(files) == {p.name for p in (tmp_path / "cli").iterdir()}
    ours = files[md[0]].decode().replace(f"{work / 'remits'}/", "")
    theirs = (tmp_path / "cli" / md[0]).read_text(encoding="utf-8")
    assert ours == theirs.replace(f"{demo['remits']}/", "")
    assert letter.claim_id == claim


def test_a_bad_835_gives_the_readers_message(tmp_path):
    bad = flows.save_upload("broken.835", b"this is not an 835 file", tmp_path / "remits")
    with pytest.raises(ParityKitError) as caught:
        flows.practice_results([bad], tmp_path)
    assert "broken.835" in " ".join(flows.error_lines(caught.value))


def test_scorecard_on_the_page_hides_what_the_workbook_hides(practice) -> None:
    """A count the workbook withholds (small, or revealing a small one) is blank on the page."""
    from openpyxl import load_workbook

    from paritykit.evidence.workbook import read_tables

    result, work = practice
    book = load_workbook(work / "practice" / "payer_scorecard.xlsx")
    sheet = read_tables(book["Scorecard"])[0].set_index("plan_id")
    page = result.scorecard_table.set_index("plan_id")
    for payer in page.index:
        for column in ("claims", "claim_lines", "denied", "denial_rate"):
            hidden_there = sheet.loc[payer, column] in ("<11", "suppressed")
            assert hidden_there == bool(pd.isna(page.loc[payer, column])), (payer, column)
