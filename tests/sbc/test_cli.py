"""``paritykit sbc`` and ``paritykit report --sbc`` on the command line."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

from paritykit import columns as C
from paritykit.cli import cli


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_sbc_writes_the_filled_template(sbc_corpus: dict, tmp_path) -> None:
    out = tmp_path / "benefits.xlsx"
    result = _run(
        "sbc", str(sbc_corpus["silver_2020"]), str(sbc_corpus["classic_2012"]), "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "Example Health Co: Silver PPO 2500" in result.output
    assert "to review (yellow)" in result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "Instructions",
        "Benefits",
        "NQTLs",
        "SBC review",
        "SBC plan",
        "SBC problems",
    ]
    ws = book["Benefits"]
    header = [c.value for c in ws[1]]
    assert header[: len(C.BENEFITS_COLUMNS)] == list(C.BENEFITS_COLUMNS)
    assert header[len(C.BENEFITS_COLUMNS) :] == [
        "needs_review",
        "review_note",
        "source_page",
        "source_text",
        "prior_authorization",
    ]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    review = header.index("needs_review")
    flagged = [n for n, r in enumerate(rows, start=2) if r[review] == "yes"]
    assert flagged
    fill = ws.cell(row=flagged[0], column=1).fill.fgColor.rgb
    assert fill.endswith("FFF2CC")  # review rows are visible
    clear = next(n for n, r in enumerate(rows, start=2) if r[review] == "no")
    assert not ws.cell(row=clear, column=1).fill.fgColor.rgb.endswith("FFF2CC")
    plans = {r[0] for r in rows}
    assert plans == {"Example Health Co: Silver PPO 2500", "Sample Mutual Insurance: Classic Plan"}
    payments = header.index(C.PROJECTED_PAYMENTS)
    assert all(r[payments] is None for r in rows)


def test_the_template_reads_back_once_payments_are_entered(sbc_corpus: dict, tmp_path) -> None:
    import paritykit as pk

    out = tmp_path / "benefits.xlsx"
    assert _run("sbc", str(sbc_corpus["silver_2020"]), "--out", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    ws = book["Benefits"]
    header = [c.value for c in ws[1]]
    side, pay = header.index(C.SIDE) + 1, header.index(C.PROJECTED_PAYMENTS) + 1
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=side).value == "ms":
            ws.cell(row=row, column=pay, value=1000)
    book.save(out)
    table = pk.read_benefits(out)
    assert len(table) == ws.max_row - 1
    assert len(pk.read_nqtls(out)) == 8


def test_a_pdf_that_cannot_be_read_is_listed_and_the_others_written(sbc_corpus, tmp_path) -> None:
    out = tmp_path / "benefits.xlsx"
    result = CliRunner().invoke(
        cli, ["sbc", str(sbc_corpus["scanned"]), str(sbc_corpus["tiered_2020"]), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "no text layer" in result.output and "1 of 2 PDF(s) could not be read" in result.output
    assert out.exists()
    only_bad = CliRunner().invoke(
        cli, ["sbc", str(sbc_corpus["scanned"]), "--out", str(tmp_path / "x.xlsx")]
    )
    assert only_bad.exit_code == 1 and not (tmp_path / "x.xlsx").exists()


def test_sbc_writes_only_an_xlsx_template(sbc_corpus, tmp_path) -> None:
    result = CliRunner().invoke(cli, ["sbc", str(sbc_corpus["silver_2020"]), "--out", "x.csv"])
    assert result.exit_code != 0 and ".xlsx" in result.output


@pytest.mark.slow
def test_report_from_an_sbc(sbc_corpus, tmp_path) -> None:
    import paritykit as pk

    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "plan_name: Example Health Co Silver PPO 2500 (fictional)\nplan_type: erisa_insured\n"
        "sponsor: Example Manufacturing Co. (fictional)\nadministrator: Example Health Co\n"
        "state: OH\nplan_year: 2026\n",
        encoding="utf-8",
    )
    out = tmp_path / "pack"
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--sbc",
            str(sbc_corpus["silver_2020"]),
            "--plan",
            str(plan),
            "--out",
            str(out),
            "--date",
            "2026-03-01",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "evidence.xlsx").exists() and (out / "manifest.json").exists()
    # findings that depend on the plan's payments: the pack asks the plan for them
    request = (out / "request_letter.md").read_text(encoding="utf-8")
    assert "projected plan payments for M/S benefits" in request
    assert (out / "request_letter.docx").exists()
    assert "request_letter.md" in (out / "manifest.json").read_text(encoding="utf-8")
    benefits = pk.read_sbc(sbc_corpus["silver_2020"]).benefits[list(C.BENEFITS_COLUMNS)]
    determinations = pk.quantitative_test(benefits).to_frame()
    # MH/SUD outpatient visits are limited to 20 a year; the only M/S visit limit is 60 home
    # health visits. If that limit applies to less than two-thirds of M/S payments, MH/SUD may
    # have none (29 CFR 2590.712(c)(3)(i)(A)); if to more, 60 is the predominant level and 20 is
    # more restrictive: the limit fails whatever the payments.
    limit = determinations[
        (determinations[C.CLASSIFICATION] == "outpatient_in_network")
        & (determinations[C.REQUIREMENT_TYPE] == "visit_limit")
    ].iloc[0]
    assert limit["screening"] == "fails_whatever_the_payments"


def test_report_needs_benefits_or_sbc(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["report", "--plan", "p.yaml", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "--benefits or --sbc" in result.output


def test_synth_sbc_writes_a_readable_sample(tmp_path) -> None:
    import paritykit as pk

    out = tmp_path / "demo.pdf"
    result = _run("synth", "sbc", "--out", str(out), "--layout", "classic_2012")
    assert result.exit_code == 0, result.output
    assert pk.read_sbc(out).plan_name == "Sample Mutual Insurance: Classic Plan"
    bad = CliRunner().invoke(cli, ["synth", "sbc", "--out", str(tmp_path / "x.txt")])
    assert bad.exit_code == 2 and ".pdf" in bad.output
