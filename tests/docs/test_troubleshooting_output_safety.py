"""docs/troubleshooting.md, section "Output safety": the messages quoted are the code's own.

Each case triggers one refusal of :mod:`paritykit.safety` (or of the group-key check) through
the command line and checks that the fragment quoted on the page occurs both in the printed
``Error:`` line and on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import paritykit as pk
from paritykit.cli import cli
from paritykit.synth.benefits import sample_benefits

PAGE = Path(__file__).resolve().parents[2] / "docs" / "troubleshooting.md"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _section() -> str:
    text = PAGE.read_text(encoding="utf-8")
    start = text.index("## Output safety")
    end = text.index("\n## ", start + 1)
    return _flat(text[start:end])


def _benefits(tmp: Path, name: str = "plan.csv") -> Path:
    path = tmp / name
    sample_benefits().to_csv(path, index=False)
    return path


def _cli(*args: object) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="paritykit")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return _flat(result.output)


def _overwrite(tmp: Path) -> str:
    benefits = _benefits(tmp)
    return _cli("qtl", benefits, "--out", benefits)


def _inside_input(tmp: Path) -> str:
    (tmp / "claims").mkdir()
    pd.DataFrame({"claim_id": ["c1"]}).to_csv(tmp / "claims" / "a.csv", index=False)
    return _cli("outcomes", tmp / "claims", "--out", tmp / "claims" / "summary.csv")


def _replace_input(tmp: Path) -> str:
    from paritykit.evidence.template import write_benefits_workbook

    benefits = write_benefits_workbook(sample_benefits(), tmp / "evidence.xlsx")
    plan = tmp / "plan.yaml"
    plan.write_text("plan_name: X\nplan_type: individual\nstate: TX\nplan_year: 2026\n")
    return _cli("report", "--benefits", benefits, "--plan", plan, "--out", tmp)


def _blocked(tmp: Path) -> str:
    out = tmp / "pack"
    out.mkdir()
    (out / "charts").write_text("in the way")
    plan = tmp / "plan.yaml"
    plan.write_text(
        "plan_name: X\nplan_type: individual\nstate: TX\nplan_year: 2026\nplan_id: SAMPLE-B\n"
    )
    return _cli("report", "--benefits", _benefits(tmp), "--plan", plan, "--out", out)


def _out_is_file(tmp: Path) -> str:
    target = tmp / "pack"
    target.write_text("x")
    with pytest.raises(pk.ConfigurationError) as info:
        pk.build_evidence_pack(
            sample_benefits(),
            plan={"plan_name": "X", "plan_type": "individual", "state": "TX", "plan_year": 2026},
            out=target,
        )
    return _flat(str(info.value))


def _claims(tmp: Path) -> Path:
    path = tmp / "claims.parquet"
    pk.synthesize_claims(path, rows=200, plans=1, seed=1)
    return path


def _member_key(tmp: Path) -> str:
    return _cli("outcomes", _claims(tmp), "--by", "member_id")


def _undocumented_key(tmp: Path) -> str:
    return _cli("outcomes", _claims(tmp), "--by", "service_date")


CASES: list[tuple[str, str, Callable[[Path], str]]] = [
    ("output is an input", "is one of the inputs; writing it would overwrite the input. Choose "
     "another path.", _overwrite),
    ("output inside an input folder", "outputs there would be read as inputs next time. Choose "
     "a path outside it.", _inside_input),
    ("output folder would replace an input", "move the input or choose another output folder.",
     _replace_input),
    ("a file in the way", "is a file, not a folder. Move or delete it, or choose another output "
     "folder.", _blocked),
    ("output folder is a file", "is a file; give a folder (it is created when missing).",
     _out_is_file),
    ("member id as group key", "it identifies a person, a claim or a claim line, and counts per "
     "member or claim must never leave the aggregation step; group by some of plan_id, "
     "classification,", _member_key),
    ("undocumented group key", "cannot group by ['service_date']: not a group key; group by "
     "some of plan_id, classification,", _undocumented_key),
]  # fmt: skip


@pytest.mark.parametrize(("fragment", "trigger"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_output_safety_message_is_quoted(tmp_path: Path, fragment: str, trigger) -> None:
    message = trigger(tmp_path)
    assert fragment in message, f"the code says {message!r}; update docs/troubleshooting.md"
    assert fragment in _section(), f"'Output safety' does not quote {fragment!r}"


def test_blocked_message_names_the_path_in_out_not_the_staging_folder(tmp_path: Path) -> None:
    message = _blocked(tmp_path)
    assert f"{tmp_path / 'pack' / 'charts'} is a file" in message
    assert "staging" not in message


def test_sheet_note_on_removed_control_characters_is_quoted(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from paritykit.evidence.workbook import SheetSpec, TableSpec, write_workbook

    frame = pd.DataFrame({"plan_id": ["Plan\x07\x1b B"]})
    path = write_workbook([SheetSpec("S", "t", tables=(TableSpec(frame),))], tmp_path / "a.xlsx")
    texts = [c.value for row in load_workbook(path)["S"].iter_rows() for c in row if c.value]
    note = next(t for t in texts if "control character" in t)
    assert note == (
        "Note: 2 control character(s) were removed from the text on this sheet (a spreadsheet "
        "cannot store them)."
    )
    assert note in _section()
    assert re.search(r"Plan B", " ".join(map(str, texts)))
