"""TC-PUF reader on tiny workbooks written by the test: layouts, markers, errors, grain."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from paritykit import DataValidationError, InputFileError, issuer_denials, read_tc_puf
from paritykit.load.tc_puf import LAYOUTS

PY2024 = next(layout for layout in LAYOUTS if layout.name == "py2024")
PY2022 = next(layout for layout in LAYOUTS if layout.name == "py2022_2023")
PY2025 = next(layout for layout in LAYOUTS if layout.name == "py2025_2026")


def _write(path: Path, sheets: dict[str, tuple[list[str], list[dict[str, object]]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    notice = wb.create_sheet("PUF Data Disclaimer")
    notice.append(["Disclaimer"])
    for title, (headers, rows) in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(["Individual Marketplace Medical Qualified Health Plans (QHPs)"])
        ws.append(["Legend: * not available; ** suppressed; *** not required; N/A new"])
        ws.append(headers)
        for row in rows:
            ws.append([row.get(h) for h in headers])
    wb.save(path)
    return path


def _row(layout, state, issuer, plan, product="QHP", dental="No", **cells) -> dict[str, object]:
    row: dict[str, object] = {h: 0 for h in layout.required}
    text = {  # field -> value, written under the header this layout spells
        "state": state,
        "issuer_id": issuer,
        "issuer_name": f"Issuer {issuer}",
        "issuer_new_to_exchange": "No",
        "dental_only": dental,
        "plan_id": plan,
        "plan_type": "HMO",
        "product_type": product,
        "metal_level": "Silver",
    }
    row.update({layout.text_fields[field][0]: value for field, value in text.items()})
    for header, value in cells.items():  # PY2024 spellings of text headers map to the layout's
        field = next((f for f, sp in layout.text_fields.items() if header in sp), None)
        row[layout.text_fields[field][0] if field else header] = value
    return row


def test_unknown_layout_lists_expected_and_found_headers(tmp_path: Path) -> None:
    headers = ["State", "Issuer_ID", "Plan_ID", "Issuer_Name", "Claims_Something_New"]
    path = _write(tmp_path / "odd.xlsx", {"Transparency 2030 - Ind QHP": (headers, [])})
    with pytest.raises(InputFileError) as info:
        read_tc_puf(path)
    message = str(info.value)
    assert "match no known TC-PUF release layout" in message
    assert "Claims_Something_New" in message  # found
    assert "Issuer_Claims_Received_In_Network" in message  # expected by py2024
    assert "Issuer_Claims_Received," in message  # expected by py2022_2023
    for layout in LAYOUTS:
        assert layout.name in message


def test_no_data_sheet_and_missing_file(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["just a note"])
    wb.save(tmp_path / "empty.xlsx")
    with pytest.raises(InputFileError, match="no sheet has a TC-PUF header row"):
        read_tc_puf(tmp_path / "empty.xlsx")
    with pytest.raises(InputFileError, match="not found"):
        read_tc_puf(tmp_path / "nope.xlsx")


def test_markers_become_missing_with_marker_column(tmp_path: Path) -> None:
    headers = list(PY2024.required)
    rows = [
        _row(PY2024, "OH", 11111, "11111OH001", **{
            "Issuer_Claims_Received_In_Network": "**",
            "Issuer_Claims_Denied_In_Network": "*",
            "Plan_Number_Claims_Denied_In_Network": "***",
            "Plan_Number_Claims_Received_In_Network": "N/A",
            "Plan_Number_Claims_Denied_Not_Medically_Necessary_Behavioral_Health_Only": None,
            "Enrollment_Data": "1,234",
        }),
    ]  # fmt: skip
    puf = read_tc_puf(_write(tmp_path / "m.xlsx", {"Transparency 2024 - Ind QHP": (headers, rows)}))
    issuer = puf.issuers.iloc[0]
    plan = puf.plans.iloc[0]
    assert math.isnan(issuer["claims_received_in_network"])
    assert issuer["claims_received_in_network_marker"] == "**"
    assert math.isnan(issuer["claims_denied_in_network"])
    assert issuer["claims_denied_in_network_marker"] == "*"
    assert math.isnan(plan["claims_denied_in_network"])
    assert plan["claims_denied_in_network_marker"] == "***"
    assert math.isnan(plan["claims_received_in_network"])
    assert plan["claims_received_in_network_marker"] == "N/A"
    assert math.isnan(plan["denied_not_medically_necessary_bh_only"])
    assert plan["denied_not_medically_necessary_bh_only_marker"] == "blank"
    assert plan["enrollment"] == 1234  # numbers written as text are read
    assert plan["claims_denied_out_of_network"] == 0  # a real zero stays zero
    assert plan["claims_denied_out_of_network_marker"] is None or (
        str(plan["claims_denied_out_of_network_marker"]) == "<NA>"
    )
    # An issuer with its claims marked is excluded with the marker named, never counted as 0.
    result = issuer_denials(puf, filters="none")
    assert result.exclusions["reason"].tolist() == ["claims_received_missing"]
    assert "marker **" in result.exclusions["detail"].item()


def test_bad_cell_reports_every_problem(tmp_path: Path) -> None:
    headers = list(PY2024.required)
    rows = [
        _row(PY2024, "OH", 11111, "P1", **{"Issuer_Claims_Received_In_Network": "lots"}),
        _row(PY2024, "OH", 11111, "P2", SADP_Only="maybe"),
    ]
    path = _write(tmp_path / "bad.xlsx", {"Transparency 2024 - Ind QHP": (headers, rows)})
    with pytest.raises(DataValidationError) as info:
        read_tc_puf(path)
    problems = info.value.problems
    assert problems["row"].tolist() == [4, 5]
    assert problems["column"].tolist() == ["Issuer_Claims_Received_In_Network", "SADP_Only"]
    assert problems["sheet"].tolist() == ["Transparency 2024 - Ind QHP"] * 2
    assert problems["value"].tolist() == ["lots", "maybe"]


def test_one_bad_cell_named_in_full(tmp_path: Path) -> None:
    """Sheet, row, column and value in the message itself; no pointer to another table."""
    headers = list(PY2024.required)
    rows = [_row(PY2024, "OH", 11111, "P1")]
    shop = [_row(PY2024, "OH", 11111, "S1", **{"Issuer_Internal_Appeals_Filed": "12,5"})]
    sheets = {
        "Transparency 2024 - Ind QHP": (headers, rows),
        "Transparency 2024 - SHOP": (headers, shop),
    }
    path = _write(tmp_path / "bad.xlsx", sheets)
    with pytest.raises(DataValidationError) as info:
        read_tc_puf(path)
    message = str(info.value)
    assert message.startswith(
        "bad.xlsx: 1 cell is neither a plausible number nor a known TC-PUF marker"
    )
    assert (
        "first: sheet 'Transparency 2024 - SHOP', row 4, column 'Issuer_Internal_Appeals_Filed', "
        "value '12,5': written with a decimal comma"
    ) in message
    assert "problems table" not in message and ".problems" not in message
    assert info.value.problems["sheet"].tolist() == ["Transparency 2024 - SHOP"]
    page = (Path(__file__).resolve().parents[2] / "docs" / "troubleshooting.md").read_text()
    for fragment in (
        "neither a plausible number nor a known TC-PUF marker (*, **, ***, N/A); first: sheet '",
        "Use the file as CMS publishes it, or correct the cells named.",
    ):
        assert fragment in message and fragment in page


def test_layout_error_quotes_each_release_spelling(tmp_path: Path) -> None:
    """The 2025-26 layout is described with its own headers, not PY2024's stray quote."""
    headers = [h for h in PY2025.required if not h.startswith("Issuer_Claims_Denied_Out")]
    path = _write(tmp_path / "odd.xlsx", {"Transparency 2026 - Ind QHP": (headers, [])})
    with pytest.raises(InputFileError) as info:
        read_tc_puf(path)
    lines = {line.split(" (plan years")[0]: line for line in _layout_lines(str(info.value))}
    assert (
        "expected these headers, not found: Issuer_Claims_Denied_Out_of_Network."
        in (lines["Layout py2025_2026"])
    )
    assert 'Issuer_Claims_Denied_Out_of_Network"' in lines["Layout py2024"]
    assert 'Issuer_Claims_Denied_Out_of_Network"' not in lines["Layout py2025_2026"]
    assert "SADP_Only?" not in lines["Layout py2025_2026"]


def _layout_lines(message: str) -> list[str]:
    parts = message.split("Layout ")[1:]
    return ["Layout " + part.split(". ")[0] + "." for part in parts]


def test_issuer_across_sheets_counted_once_and_plan_rows_collapsed(tmp_path: Path) -> None:
    headers = list(PY2024.required)
    figures = {"Issuer_Claims_Received_In_Network": 5000, "Issuer_Claims_Denied_In_Network": 500}
    qhp = [
        _row(PY2024, "TX", 22222, "P1", Enrollment_Data=700, **figures),
        _row(PY2024, "TX", 22222, "P1", Enrollment_Data=700, Metal_Level="Bronze", **figures),
        _row(PY2024, "TX", 22222, "P2", Enrollment_Data=800, **figures),
        # a plan new to the Exchange: issuer figures N/A on its row
        _row(PY2024, "TX", 22222, "P3", **{h: "N/A" for h in figures}, Enrollment_Data="N/A"),
    ]
    sadp = [_row(PY2024, "TX", 22222, "D1", product="SADP", Enrollment_Data=50, **figures)]
    sheets = {
        "Transparency 2024 - Ind QHP": (headers, qhp),
        "Transparency 2024 - Ind SADP": (headers, sadp),
    }
    path = _write(tmp_path / "grain.xlsx", sheets)
    puf = read_tc_puf(path)
    assert len(puf.issuers) == 1
    issuer = puf.issuers.iloc[0]
    assert issuer["claims_received_in_network"] == 5000  # not 5000 x 4
    assert issuer["plans"] == 4
    # Medical plans only, the duplicate row counted once; P3's N/A makes the total unknown.
    assert issuer["enrollment_reported"] == 1500
    assert issuer["enrollment_plans"] == 3 and issuer["enrollment_plans_reported"] == 2
    assert issuer["enrollment_plans_missing"] == 1
    assert np.isnan(issuer["enrollment"]) and issuer["enrollment_marker"] == "N/A"
    assert len(puf.plans) == 4
    p1 = puf.plans[puf.plans["plan_id"] == "P1"].iloc[0]
    assert p1["rows_collapsed"] == 2
    assert p1["metal_level"] == "Silver; Bronze"
    assert "duplicate plan rows collapsed" in set(puf.notes["kind"])


def test_older_layout_without_network_split(tmp_path: Path) -> None:
    headers = list(PY2022.required)
    rows = [
        _row(PY2022, "FL", 33333, "P1", Issuer_Claims_Received=4000, Issuer_Claims_Denials=400,
             Enrollment_Data=2000),
        _row(PY2022, "FL", 44444, "P2", Issuer_Claims_Received=6000, Issuer_Claims_Denials=1200,
             Enrollment_Data=3000),
    ]  # fmt: skip
    path = _write(tmp_path / "py22.xlsx", {"Transparency 2022 - Ind QHP": (headers, rows)})
    puf = read_tc_puf(path)
    assert puf.layout == "py2022_2023"
    assert (puf.issuers["claims_received_in_network_marker"] == "not_in_release").all()
    result = issuer_denials(puf)
    assert result.networks == ("total",)
    assert result.national()["denial_rate"] == pytest.approx(1600 / 10000)


def test_newer_layout_recognized(tmp_path: Path) -> None:
    headers = list(PY2025.required)
    cells = {
        "Average Monthly Enrollment": 1500,
        "Plan_Number_Claims_Denied_Due_To_Out_Of_Network": 7,
    }
    rows = [_row(PY2025, "GA", 55555, "P1", **cells)]
    path = _write(tmp_path / "py25.xlsx", {"Transparency 2025 - Ind QHP": (headers, rows)})
    puf = read_tc_puf(path)
    assert puf.layout == "py2025_2026"
    assert puf.plans.loc[0, "denied_out_of_network"] == 7
    assert puf.plans.loc[0, "enrollment"] == 1500


def test_bad_cells_are_shown_on_the_command_line(tmp_path: Path) -> None:
    """The command prints the first problems under its error line, never 'see .problems'."""
    from click.testing import CliRunner

    from paritykit.cli import cli

    headers = list(PY2024.required)
    rows = [
        _row(PY2024, "OH", 11111, "P1", **{"Issuer_Claims_Received_In_Network": "lots"}),
        _row(PY2024, "OH", 11111, "P2", SADP_Only="maybe"),
    ]
    path = _write(tmp_path / "bad.xlsx", {"Transparency 2024 - Ind QHP": (headers, rows)})
    result = CliRunner().invoke(cli, ["issuers", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1].startswith("Error: ")
    assert "see .problems" not in result.output
    shown = [line for line in lines if line.startswith("  ")]
    assert len(shown) == 2
    sheet = "sheet Transparency 2024 - Ind QHP"
    assert f"row 4, {sheet}: Issuer_Claims_Received_In_Network = 'lots'" in shown[0]
    assert f"row 5, {sheet}: SADP_Only = 'maybe'" in shown[1]
    assert "sheet 'Transparency 2024 - Ind QHP', row 4" in lines[-1]
