"""Plan facts input and regulator routing."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import paritykit as pk
from paritykit.analysis.jurisdiction import regulators_for

BASE = {"plan_name": "Acme Plan", "plan_type": "erisa_insured", "state": "OH", "plan_year": 2026}


def test_yaml_toml_json_and_sheet(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "plan_name: Acme Plan\nplan_type: erisa insured\nstate: Ohio\nplan_year: 2026\n"
    )
    (tmp_path / "p.toml").write_text(
        '[plan]\nplan_name = "Acme Plan"\nplan_type = '
        '"erisa_insured"\nstate = "oh"\nplan_year = 2026\n'
    )
    (tmp_path / "p.json").write_text(
        '{"plan_name": "Acme Plan", "plan_type": "erisa_insured",'
        ' "state": "OH", "plan_year": "2026"}'
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan facts"
    ws.append(["field", "value"])
    for k, v in BASE.items():
        ws.append([k, v])
    wb.save(tmp_path / "p.xlsx")
    expected = pk.read_plan_facts(BASE)
    for name in ("p.yaml", "p.toml", "p.json", "p.xlsx"):
        assert pk.read_plan_facts(tmp_path / name) == expected, name
    assert expected.state_name == "Ohio"


def test_every_problem_reported() -> None:
    with pytest.raises(pk.DataValidationError) as info:
        pk.read_plan_facts(
            {"plan_name": "X", "plan_type": "erisa_selffunded", "state": "ZZ", "plan_yr": 2026}
        )
    problems = info.value.problems
    assert set(problems["column"]) == {"plan_type", "state", "plan_yr", "plan_year"}
    assert "did you mean 'erisa_self_funded'" in " ".join(problems["problem"])
    assert "did you mean 'plan_year'" in " ".join(problems["problem"])


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("")
    with pytest.raises(pk.InputFileError, match="empty"):
        pk.read_plan_facts(tmp_path / "p.yaml")


@pytest.mark.parametrize(
    ("plan_type", "primary", "also"),
    [
        ("erisa_self_funded", "Employee Benefits Security Administration", None),
        ("erisa_insured", "Ohio Department of Insurance", "Employee Benefits Security"),
        ("individual", "Ohio Department of Insurance", None),
        # funding not given: CMS first, the state regulator in case the plan is insured
        ("non_federal_governmental", "Centers for Medicare & Medicaid Services", "Ohio Depart"),
        ("medicaid_managed_care", "Ohio Department of Medicaid", "Centers for Medicare"),
    ],
)
def test_regulator_by_plan_type(plan_type: str, primary: str, also: str | None) -> None:
    regs = regulators_for(pk.read_plan_facts({**BASE, "plan_type": plan_type}))
    assert regs[0].role == "primary" and primary in regs[0].name
    others = [r.name for r in regs[1:]]
    assert (also is None and not others) or any(also in n for n in others)


def test_control_characters_are_removed_from_plan_facts_with_a_warning(tmp_path) -> None:
    """Like the table readers: a plan id typed with a bell or escape still matches the benefits."""
    import pytest

    from paritykit import ParityKitWarning, read_plan_facts

    path = tmp_path / "plan.yaml"
    path.write_text(
        'plan_name: "Plan\\x07 B"\nplan_id: "Plan\\x07 B\\x1b"\nplan_type: erisa_insured\n'
        "state: OH\nplan_year: 2026\n",
        encoding="utf-8",
    )
    with pytest.warns(ParityKitWarning, match="removed control characters from plan_id"):
        facts = read_plan_facts(path)
    assert facts.plan_id == "Plan B"
    assert facts.plan_name == "Plan B"
