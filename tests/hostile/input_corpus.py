"""The hostile-input corpus (input half), made by code: nothing hostile is committed as data.

Each function writes one small synthetic file into a folder and returns its path. The cases are
the ones the issue "Hostile and messy input" lists: resource exhaustion (YAML alias bombs, a
1,000,000-character CSV field), files that used to end in a traceback (Latin-1 text, two-digit
years, garbage or cut-short Parquet, a 1e300 amount), and files that used to be read silently
wrong (a hidden sheet, duplicated headers, decimal commas, formulas without saved results, a
1e308 count, fractional or non-positive line numbers, UTF-16, cut-short files, control
characters). All names, ids and amounts are invented.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Final

import openpyxl
import pandas as pd

#: Header of the illustrative "therapynotes_like" billing export (package mapping).
BILLING_HEADER: Final = (
    "Claim Number,Line #,Payer Name,DOS,CPT,Mod,Dx 1,Charge,Allowed,Ins Paid,Status,"
    "Denial Code,Network,ERA Date"
)
#: One good line of that export; ``line(**changes)`` varies a field by header.
BILLING_LINE: Final[dict[str, str]] = dict(
    zip(
        BILLING_HEADER.split(","),
        [
            "TN-1",
            "1",
            "Example Payer",
            "2024-03-04",
            "90837",
            "",
            "F33.1",
            "200.00",
            "140.00",
            "120.00",
            "Denied",
            "CO-50",
            "In-Network",
            "2024-03-20",
        ],
        strict=True,
    )
)

#: A valid benefits table: one M/S and one MH/SUD copay in one classification.
BENEFIT_ROWS: Final[list[dict[str, object]]] = [
    {
        "plan_id": "P1",
        "classification": "outpatient_in_network",
        "side": "ms",
        "benefit": "Office visit",
        "requirement_type": "copay",
        "level": "20",
        "projected_payments": "1000",
    },
    {
        "plan_id": "P1",
        "classification": "outpatient_in_network",
        "side": "mhsud",
        "benefit": "Psychotherapy",
        "requirement_type": "copay",
        "level": "20",
        "projected_payments": None,
    },
]

PLAN_FACTS: Final = (
    "plan_name: Example Health Plan\nplan_type: erisa_insured\nstate: OH\nplan_year: 2026\n"
)


def billing_line(**changes: str) -> str:
    """One line of the billing export with fields changed by header (``Ins Paid="1e300"``)."""
    values = dict(BILLING_LINE)
    for key, value in changes.items():
        values[key.replace("_", " ") if key not in values else key] = value
    return ",".join(values[h] for h in BILLING_HEADER.split(","))


def billing_export(folder: Path, lines: list[str], name: str = "export.csv") -> Path:
    """A billing export with ``lines`` below the header."""
    path = folder / name
    path.write_text(BILLING_HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def package_mapping_text() -> str:
    """The bundled therapynotes_like mapping, as text."""
    return (resources.files("paritykit") / "data/mappings/therapynotes_like.yaml").read_text(
        "utf-8"
    )


def billion_laughs(levels: int = 12, width: int = 9) -> str:
    """YAML whose aliases of aliases expand to ``width ** levels`` scalars."""
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


# --- resource exhaustion ------------------------------------------------------------------


def plan_facts_bomb(folder: Path) -> Path:
    """Plan facts whose ``plan_name`` is a billion-laughs structure."""
    path = folder / "plan.yaml"
    body = billion_laughs().replace("\n", "\n  ")
    path.write_text(PLAN_FACTS + "sponsor:\n  " + body, encoding="utf-8")
    return path


def mapping_bomb(folder: Path) -> Path:
    """A billing mapping with a billion-laughs ``description``."""
    path = folder / "bomb_mapping.yaml"
    body = billion_laughs().replace("\n", "\n  ")
    path.write_text(package_mapping_text() + "\nbomb:\n  " + body, encoding="utf-8")
    return path


def huge_plan_facts(folder: Path, megabytes: int = 9) -> Path:
    """Plan facts padded with comments past the configuration-file size limit."""
    path = folder / "big_plan.yaml"
    line = "# " + "x" * 1022 + "\n"
    path.write_text(PLAN_FACTS + line * (megabytes * 1024), encoding="utf-8")
    return path


def million_char_field_benefits(folder: Path, chars: int = 1_000_000) -> Path:
    """A benefits CSV whose ``benefit`` cell on spreadsheet row 2 has ``chars`` characters."""
    rows = [dict(r) for r in BENEFIT_ROWS]
    rows[0]["benefit"] = "x" * chars
    path = folder / "long_field.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def million_char_field_billing(folder: Path, chars: int = 1_000_000) -> Path:
    """A billing export whose payer on line 3 has ``chars`` characters (quoted, with commas)."""
    long = '"' + ",x" * (chars // 2) + '"'
    return billing_export(folder, [billing_line(), billing_line(**{"Payer Name": long})])


# --- encodings and cut-short files --------------------------------------------------------


def latin1_mapping(folder: Path) -> Path:
    """The package mapping with the payer header spelt 'Payer Nâme', saved as Latin-1."""
    path = folder / "latin1_mapping.yaml"
    text = package_mapping_text().replace("plan_id: Payer Name", "plan_id: Payer Nâme")
    path.write_bytes(text.encode("latin-1"))
    return path


def latin1_export(folder: Path) -> Path:
    """A billing export whose payer header is 'Payer Nâme', saved as Latin-1."""
    path = folder / "latin1_export.csv"
    text = BILLING_HEADER.replace("Payer Name", "Payer Nâme") + "\n" + billing_line() + "\n"
    path.write_bytes(text.encode("latin-1"))
    return path


def latin1_analysis(folder: Path) -> Path:
    """Comparative-analysis answers in YAML saved as Latin-1 (accents in the text)."""
    path = folder / "analysis.yaml"
    text = (
        "plan_id: P\n"
        "nqtls:\n"
        "  - classification: inpatient_in_network\n"
        "    nqtl_type: concurrent_review\n"
        "    description: Révision concurrente des séjours\n"
        "    factors: [coût élevé]\n"
        "    evidentiary_standards: coût par épisode\n"
        "    as_written_analysis: comparable\n"
        "    in_operation_analysis: comparable\n"
        "    findings_and_conclusions: comparable\n"
    )
    path.write_bytes(text.encode("latin-1"))
    return path


def utf16_benefits(folder: Path, bom: bool = True) -> Path:
    """The benefits table as UTF-16 CSV, with or without its byte-order mark."""
    path = folder / ("utf16.csv" if bom else "utf16_nobom.csv")
    text = pd.DataFrame(BENEFIT_ROWS).to_csv(index=False)
    path.write_bytes(text.encode("utf-16" if bom else "utf-16-le"))
    return path


def utf16_claims(folder: Path) -> Path:
    """A claims CSV saved as UTF-16 (with its BOM)."""
    path = folder / "claims_utf16.csv"
    claims_frame().to_csv(path, index=False, encoding="utf-16")
    return path


def cut_short_csv(folder: Path) -> Path:
    """A benefits CSV that stops inside a quoted benefit name."""
    path = folder / "cut.csv"
    text = pd.DataFrame(BENEFIT_ROWS).to_csv(index=False)
    path.write_text(text + 'P1,outpatient_in_network,ms,"Specialist vis', encoding="utf-8")
    return path


def cut_short_utf8(folder: Path) -> Path:
    """A benefits CSV with accents that stops in the middle of a two-byte UTF-8 character."""
    path = folder / "cut_utf8.csv"
    rows = [dict(r) for r in BENEFIT_ROWS]
    rows[1]["benefit"] = "Thérapie é"
    data = pd.DataFrame(rows).to_csv(index=False).rstrip("\n").encode("utf-8")
    path.write_bytes(data[: data.rindex("é".encode()) + 1])
    return path


def cut_short_xlsx(folder: Path) -> Path:
    """A benefits workbook cut to half its bytes."""
    full = benefits_workbook(folder, name="full.xlsx")
    path = folder / "cut.xlsx"
    data = full.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def garbage_parquet(folder: Path) -> Path:
    """Bytes that start like Parquet and are nothing of the kind."""
    path = folder / "garbage.parquet"
    path.write_bytes(b"PAR1" + b"\x13\x37not parquet at all" * 20)
    return path


def cut_short_parquet(folder: Path) -> Path:
    """A claims Parquet file cut to half its bytes."""
    full = folder / "claims_full.parquet"
    claims_frame().to_parquet(full, index=False)
    path = folder / "claims_cut.parquet"
    data = full.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


# --- values ----------------------------------------------------------------------------


def claims_frame(**changes: object) -> pd.DataFrame:
    """Two claim lines in the claims contract; ``changes`` set columns of the first line."""
    frame = pd.DataFrame(
        {
            "claim_id": ["C1", "C2"],
            "line_number": [1, 1],
            "plan_id": ["P1", "P1"],
            "service_date": ["2024-01-05", "2024-01-06"],
            "diagnosis_code": ["F32.9", "F41.1"],
            "claim_type": ["professional", "professional"],
            "network_status": ["in", "in"],
            "status": ["denied", "paid"],
            "billed_amount": [100.0, 100.0],
            "allowed_amount": [0.0, 80.0],
            "paid_amount": [0.0, 80.0],
        }
    )
    for column, value in changes.items():
        frame[column] = frame[column].astype(object)
        frame.loc[0, column] = value
    return frame


def claims_1e300_parquet(folder: Path) -> Path:
    """Claims Parquet with a paid amount of 1e300 on the first line."""
    path = folder / "claims_1e300.parquet"
    claims_frame(paid_amount=1e300).to_parquet(path, index=False)
    return path


def two_digit_year_export(folder: Path) -> tuple[Path, Path]:
    """A billing export with dates like 03/04/24 and a mapping that says ``%m/%d/%Y``."""
    mapping = folder / "us_dates.yaml"
    mapping.write_text(
        package_mapping_text().replace('date_format: "%Y-%m-%d"', 'date_format: "%m/%d/%Y"'),
        encoding="utf-8",
    )
    export = billing_export(
        folder,
        [
            billing_line(DOS="03/04/24", **{"ERA Date": ""}),
            billing_line(DOS="03/05/2024", **{"Claim Number": "TN-2", "ERA Date": "03/20/0024"}),
            billing_line(DOS="03/06/2024", **{"Claim Number": "TN-3", "ERA Date": "03/21/2024"}),
        ],
        name="two_digit_years.csv",
    )
    return export, mapping


def line_numbers_export(folder: Path) -> Path:
    """A billing export with line numbers 1.5, 0, -3 and two good lines."""
    bad = ["1.5", "0", "-3"]
    lines = [
        billing_line(**{"Claim Number": f"TN-{i + 1}", "Line #": v}) for i, v in enumerate(bad)
    ]
    lines.append(billing_line(**{"Claim Number": "TN-8", "Line #": "1"}))
    lines.append(billing_line(**{"Claim Number": "TN-9", "Line #": "2.0"}))
    return billing_export(folder, lines, name="line_numbers.csv")


def amount_1e300_export(folder: Path) -> Path:
    """A billing export with an insurance payment of 1e300 on line 2."""
    return billing_export(
        folder,
        [billing_line(**{"Ins Paid": "1e300"}), billing_line(**{"Claim Number": "TN-2"})],
        name="amount_1e300.csv",
    )


def benefits_workbook(
    folder: Path,
    sheets: dict[str, list[dict[str, object]]] | None = None,
    hidden: tuple[str, ...] = (),
    name: str = "benefits.xlsx",
) -> Path:
    """A workbook with one benefits table per sheet (default: one ``Benefits`` sheet)."""
    sheets = sheets or {"Benefits": [dict(r) for r in BENEFIT_ROWS]}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        headers = list(rows[0])
        ws.append(headers)
        for row in rows:
            ws.append([row[h] for h in headers])
        if title in hidden:
            ws.sheet_state = "hidden"
    path = folder / name
    wb.save(path)
    return path


def hidden_benefits_sheet(folder: Path) -> Path:
    """A hidden, outdated ``Benefits`` sheet (copay $50) before the visible ``Benefits 2026``."""
    old = [dict(r, level="50") for r in BENEFIT_ROWS]
    current = [dict(r) for r in BENEFIT_ROWS]
    return benefits_workbook(
        folder,
        {"Benefits": old, "Benefits 2026": current},
        hidden=("Benefits",),
        name="hidden_sheet.xlsx",
    )


def duplicated_header_csv(folder: Path) -> Path:
    """A benefits CSV with two ``level`` columns (spelt 'level' and 'Level')."""
    frame = pd.DataFrame(BENEFIT_ROWS)
    frame.insert(len(frame.columns), "Level", ["30", "30"])
    path = folder / "dup_header.csv"
    frame.to_csv(path, index=False)
    return path


def duplicated_header_export(folder: Path) -> Path:
    """A billing export with the ``Charge`` header twice."""
    path = folder / "dup_export.csv"
    path.write_text(BILLING_HEADER + ",Charge\n" + billing_line() + ",999.00\n", encoding="utf-8")
    return path


def decimal_comma_benefits(folder: Path) -> Path:
    """A benefits CSV (semicolon-separated, as European Excel saves it) with a copay of 12,5."""
    rows = [dict(r) for r in BENEFIT_ROWS]
    rows[0]["level"] = "12,5"
    rows[1]["level"] = "12,5"
    path = folder / "decimal_comma.csv"
    pd.DataFrame(rows).to_csv(path, index=False, sep=";")
    return path


def uncached_formula_workbook(folder: Path) -> Path:
    """A benefits workbook whose M/S level is the formula ``=10*2`` with no saved result."""
    rows = [dict(r) for r in BENEFIT_ROWS]
    rows[0]["level"] = "=10*2"
    return benefits_workbook(folder, {"Benefits": rows}, name="formula.xlsx")


def control_character_benefits(folder: Path) -> Path:
    """A benefits CSV whose plan id has a start-of-heading, an escape and a zero-width space."""
    rows = [dict(r) for r in BENEFIT_ROWS]
    rows[0]["plan_id"] = "P\x011\x1b\u200b"
    path = folder / "control.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def tc_puf_workbook(folder: Path, claims_cell: object = 1e308) -> Path:
    """A two-issuer TC-PUF (py2024 layout) whose first issuer's claims cell is ``claims_cell``."""
    from paritykit.load.tc_puf import LAYOUTS

    layout = next(x for x in LAYOUTS if x.name.startswith("py2024"))
    headers = list(layout.required)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Transparency 2024 - Ind QHP"
    ws.append(["Individual Marketplace Medical QHPs (synthetic)"])
    ws.append(["Legend: * not available; ** suppressed"])
    ws.append(headers)
    for n, (issuer, plan) in enumerate((("11111", "11111OH0010001"), ("22222", "22222OH0010001"))):
        row = {
            "State": "OH",
            "Issuer_ID": issuer,
            "Issuer_Name": f"Issuer {issuer}",
            "Is_Issuer_New_to_Exchange?(Yes_or_No)": "No",
            "SADP_Only": "No",
            "Plan_ID": plan,
            "QHP or SADP?": "QHP",
        }
        values = []
        for h in headers:
            if h in row:
                values.append(row[h])
            elif h == "Issuer_Claims_Received_In_Network" and n == 0:
                values.append(claims_cell)
            else:
                values.append(1000)
        ws.append(values)
    path = folder / "tc_puf.xlsx"
    wb.save(path)
    return path
