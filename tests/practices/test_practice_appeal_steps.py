"""Appeals as a practice needs them: passed deadlines in words, the external-review window,
expedited external review, the claim's own source file, duplicates (CARC 18) and ``--out``.

Expected dates are counted by hand on a calendar from the rules in docs/remittances.md.
"""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from paritykit import ConfigurationError, draft_appeal_letter, open_denials
from paritykit import columns as C
from paritykit.cli import cli
from paritykit.evidence.workbook import read_tables


def _lines() -> pd.DataFrame:
    return pd.DataFrame(
        {
            C.CLAIM_ID: ["OLD", "NEW", "NEW", "DUP", "MIX", "MIX"],
            C.LINE_NUMBER: [1, 1, 2, 1, 1, 2],
            C.PLAN_ID: ["P1"] * 6,
            C.STATUS: ["denied"] * 6,
            C.DENIAL_REASON: ["50", "50", "50", "18", "18", "197"],
            C.PROCEDURE_CODE: ["90837"] * 6,
            C.BILLED_AMOUNT: [200.0] * 6,
            C.SERVICE_DATE: pd.to_datetime(["2023-08-01"] + ["2024-05-01"] * 5),
            # OLD: 2023-09-03 + 180 days = 2024-03-01
            C.PAYMENT_DATE: pd.to_datetime(["2023-09-03"] + ["2024-05-20"] * 5),
            C.FINAL_DENIAL_DATE: pd.to_datetime([None, "2024-10-31", None, None, None, None]),
            C.SOURCE_FILE: [
                "remits/EX001_2023Q3.835",
                "remits/EX001_2024Q2.835",
                "remits/EX001_2024Q2.835",
                "remits/EX001_2024Q2b.835",
                "remits/EX001_2024Q2.835",
                "remits/EX001_2024Q2.835",
            ],
        }
    )


AS_OF = "2026-06-11"  # 2024-03-01 -> 2026-06-11: 365 + 365 + 102 = 832 days


def test_passed_deadline_is_said_in_words() -> None:
    result = open_denials(_lines(), as_of=AS_OF, include_expired=True)
    row = result.table.set_index(C.CLAIM_ID).loc["OLD"]
    assert row[C.DEADLINE_STATUS] == "passed on 2024-03-01 (832 days ago)"
    assert row[C.DAYS_LEFT] == -832
    summary = result.summary()
    assert "passed on 2024-03-01 (832 days ago)" in summary
    assert "-832" not in summary and "days left" not in summary.split("\n", 1)[1].split("OLD")[0]


def test_external_review_from_the_final_denial_else_in_words() -> None:
    table = open_denials(_lines(), as_of="2024-06-01").table.set_index(C.CLAIM_ID)
    # NEW: final internal denial 2024-10-31; no February 31, so March 1, 2025, a Saturday:
    # the next business day, Monday March 3 (273 + 2 days after 2024-06-01)
    assert table.loc["NEW", C.EXTERNAL_REVIEW_DEADLINE] == pd.Timestamp("2025-03-03")
    assert table.loc["NEW", C.FINAL_DENIAL_DATE] == pd.Timestamp("2024-10-31")
    assert table.loc["NEW", C.EXTERNAL_REVIEW_WINDOW] == "275 days left (due 2025-03-03)"
    # no final denial: no date at all (never one counted from the first denial)
    assert pd.isna(table.loc["DUP", C.EXTERNAL_REVIEW_DEADLINE])
    assert table.loc["DUP", C.EXTERNAL_REVIEW_WINDOW] == "4 months after the final internal denial"


def test_duplicate_denial_is_check_and_resubmit() -> None:
    table = open_denials(_lines(), as_of="2024-06-01").table.set_index(C.CLAIM_ID)
    assert table.loc["DUP", C.NEXT_STEP] == "check and resubmit"
    assert "no clinical appeal" in table.loc["DUP", C.NOTE]
    # a claim with a duplicate line and a real denial still needs an appeal
    assert table.loc["MIX", C.NEXT_STEP] == "internal appeal"
    assert table.loc["NEW", C.NEXT_STEP] == "internal appeal"
    with pytest.raises(ConfigurationError, match="check and resubmit, not a clinical appeal"):
        draft_appeal_letter(_lines(), claim_id="DUP", prepared_on=dt.date(2024, 6, 1))


def test_source_file_is_carried_and_named_in_the_letter() -> None:
    table = open_denials(_lines(), as_of="2024-06-01").table.set_index(C.CLAIM_ID)
    assert table.loc["DUP", C.SOURCE_FILE] == "remits/EX001_2024Q2b.835"
    letter = draft_appeal_letter(_lines(), claim_id="MIX", prepared_on=dt.date(2024, 6, 1))
    assert letter.source_files == ("EX001_2024Q2.835",)
    assert "from EX001\\_2024Q2.835. This is not legal advice." in letter.markdown
    assert "| Source file (remittance or export) | EX001\\_2024Q2.835 |" in letter.markdown
    assert "EX001\\_2024Q2b.835" not in letter.markdown  # another claim's file


def test_letter_deadlines_are_never_a_past_external_date() -> None:
    letter = draft_appeal_letter(_lines(), claim_id="OLD", prepared_on=dt.date(2026, 6, 11))
    text = letter.markdown  # for the payer: says the deadline has passed, asks for the reason
    assert "ended on **March 1, 2024**, before this letter." in text
    assert "[State why the plan should decide this appeal" in text
    sheet = letter.practice_sheet  # for the practice: the deadlines in detail
    assert "As of 2026-06-11: passed on 2024-03-01 (832 days ago)." in sheet
    assert "The deadline has passed" in sheet
    external = "within 4 months after the final internal denial (29 CFR 2590.715-2719(d)(2)(i))"
    assert external in sheet
    assert "2024-01-03" not in sheet + text  # four months after the first denial: already past
    assert "expedited external review" in sheet and "29 CFR 2590.715-2719(d)(3)" in sheet
    assert "days ago" not in text and "external review (" not in text
    new = draft_appeal_letter(_lines(), claim_id="NEW", prepared_on=dt.date(2024, 6, 1))
    assert "request it by 2025-03-03" in new.practice_sheet
    assert "This appeal is filed within the period for internal appeals" in new.markdown
    individual = draft_appeal_letter(
        _lines(), claim_id="MIX", plan_type="individual", prepared_on=dt.date(2024, 6, 1)
    ).practice_sheet
    assert "45 CFR 147.136(d)(3)" in individual


@pytest.mark.parametrize(
    ("plan_type", "match"),
    [
        ("fehb", r"5 CFR 890\.105; paritykit does not compute these deadlines or draft"),
        ("church", r"church plan appeal deadlines or draft this letter"),
        ("chip", r"42 CFR 457\.1260"),
    ],
)
def test_letters_for_other_appeal_systems_are_refused(plan_type: str, match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        draft_appeal_letter(_lines(), claim_id="MIX", plan_type=plan_type)


# --- the commands -----------------------------------------------------------------------------
def _parquet(tmp_path) -> str:
    lines = _lines()
    # text a spreadsheet would run as a formula must stay text
    lines.loc[lines[C.CLAIM_ID] == "MIX", C.CLAIM_ID] = '=HYPERLINK("http://example.invalid")'
    lines[C.PLAN_ID] = "+PAYER"
    lines[C.SOURCE_FILE] = "@remits.835"
    path = tmp_path / "claims.parquet"
    lines.to_parquet(path, index=False)
    return str(path)


def test_appeals_out_xlsx_writes_every_row_as_text(tmp_path) -> None:
    out = tmp_path / "open" / "denials.xlsx"
    result = CliRunner().invoke(
        cli,
        ["appeals", _parquet(tmp_path), "--as-of", AS_OF, "--include-expired", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    expected = open_denials(_lines(), as_of=AS_OF, include_expired=True).table
    ws = load_workbook(out).active
    table = read_tables(ws)[0]  # every row, under the tidy column names of the hidden row
    assert set(expected.columns) <= set(table.columns)
    assert len(table) == len(expected) == 4
    assert ws.freeze_panes is not None and ws.print_title_rows  # headers on screen and paper
    claim_col = list(table.columns).index(C.CLAIM_ID)
    top = next(r for r in range(1, ws.max_row) if ws.row_dimensions[r].hidden) + 2
    cells = [ws.cell(row=r, column=claim_col + 1) for r in range(top, top + len(table))]
    # escaped by the output-safety layer: a leading apostrophe, stored as text
    formula = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert [c.value for c in formula] == ['\'=HYPERLINK("http://example.invalid")']
    assert formula[0].data_type == "s"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert "passed on 2024-03-01 (832 days ago)" in set(table[C.DEADLINE_STATUS])
    assert [p.name for p in out.parent.iterdir()] == ["denials.xlsx"]  # no temporary file left


def test_appeals_out_csv_and_bad_suffix(tmp_path) -> None:
    out = tmp_path / "denials.csv"
    result = CliRunner().invoke(
        cli, ["appeals", _parquet(tmp_path), "--as-of", "2024-06-01", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3  # OLD's deadline has passed: not listed without --include-expired
    assert {r[C.PLAN_ID] for r in rows} == {"'+PAYER"}
    assert '\'=HYPERLINK("http://example.invalid")' in {r[C.CLAIM_ID] for r in rows}
    assert {r[C.APPEAL_DEADLINE] for r in rows} == {"2024-11-16"}  # 2024-05-20 + 180 days
    bad = CliRunner().invoke(
        cli, ["appeals", _parquet(tmp_path), "--out", str(tmp_path / "x.json")]
    )
    assert bad.exit_code == 2 and ".xlsx or .csv" in bad.output


def test_appeal_commands_take_the_one_vocabulary(tmp_path) -> None:
    claims = _parquet(tmp_path)
    for name in ("erisa_self_funded", "group", "ERISA self-funded", "non_federal_governmental"):
        args = ["appeals", claims, "--as-of", "2024-06-01", "--plan-type", name]
        ok = CliRunner().invoke(cli, args)
        assert ok.exit_code == 0, ok.output
    fehb = CliRunner().invoke(cli, ["appeals", claims, "--plan-type", "fehb"])
    assert fehb.exit_code == 1 and "5 CFR 890.105" in fehb.output
    dup = CliRunner().invoke(
        cli, ["appeal-letter", "--claim", "DUP", claims, "--out", str(tmp_path / "l")]
    )
    assert dup.exit_code == 1 and "check and resubmit" in dup.output
    assert not (tmp_path / "l").exists()
