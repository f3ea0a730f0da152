"""Hostile input, output half: nothing paritykit writes can run, escape --out or eat an input.

Each test takes one case of :mod:`tests.hostile.generate` through the command line (as a user
would meet it) and checks the files written, and that the command ended with a message, never a
Python traceback.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner, Result

import paritykit as pk
from paritykit.cli import cli

from . import generate as g


def run(*args: object) -> Result:
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="paritykit")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"paritykit {' '.join(map(str, args))} raised {result.exception!r}"
    )
    assert "Traceback" not in result.output
    return result


def ok(*args: object) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output[-2000:]
    return result


def error(*args: object) -> str:
    result = run(*args)
    assert result.exit_code != 0, result.output[-2000:]
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output[-2000:]
    return " ".join(result.output.split())


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def report(inputs: dict[str, Path], out: Path, *extra: object) -> Result:
    args: list[object] = ["report", "--benefits", inputs["benefits"], "--plan", inputs["plan"]]
    if "claims" in inputs:
        args += ["--claims", inputs["claims"]]
    if "nqtls" in inputs:
        args += ["--nqtls", inputs["nqtls"]]
    return run(*args, "--out", out, "--date", "2026-03-02", *extra)


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Inputs whose plan id, plan facts, benefit labels and NQTL text are formulas."""
    return g.write_inputs(tmp_path_factory.mktemp("injected"), plan_id=g.FORMULA)


@pytest.fixture(scope="module")
def outputs(injected: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every writer's output from injected inputs: pack, scorecard, issuers and CSV exports."""
    out = tmp_path_factory.mktemp("outputs")
    result = report(injected, out / "pack")
    assert result.exit_code == 0, result.output[-2000:]
    ok("qtl", injected["benefits"], "--out", out / "qtl.csv", "--levels-out", out / "levels.csv")
    ok(
        "outcomes",
        injected["claims"],
        "--errors",
        "exclude",
        "--unmapped",
        "flag",
        "--out",
        out / "outcomes.csv",
    )
    ok("outcomes", injected["claims"], "--unmapped", "flag", "--out", out / "outcomes.parquet")
    ok(
        "nqtl",
        injected["benefits"],
        "--outcomes",
        out / "outcomes.parquet",
        "--out",
        out / "nqtl.csv",
    )
    payer_claims = g.write_payer_claims(out / "payer_input" / "claims.parquet")
    ok("payers", payer_claims, "--out", out / "payers")
    ok("issuers", g.write_tc_puf(out / "puf.xlsx"), "--filters", "none", "--out", out / "issuers")
    return out


def test_no_output_cell_or_field_can_run_as_a_formula(outputs: Path) -> None:
    workbooks = sorted(outputs.rglob("*.xlsx"))
    workbooks = [p for p in workbooks if p.name != "puf.xlsx"]  # the input, not an output
    names = {p.name for p in workbooks}
    assert {"evidence.xlsx", "payer_scorecard.xlsx", "issuers.xlsx"} <= names
    tables = sorted(outputs.rglob("*.csv"))
    assert {"qtl.csv", "levels.csv", "outcomes.csv", "nqtl.csv", "issuer_rates.csv"} <= {
        p.name for p in tables
    }
    problems = [p for path in workbooks for p in g.xlsx_problems(path)]
    problems += [p for path in tables for p in g.csv_problems(path)]
    assert problems == []


def _texts(path: Path) -> list[str]:
    workbook = openpyxl.load_workbook(path)
    return [
        c.value
        for ws in workbook
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("pack/evidence.xlsx", g.FORMULA),
        ("payers/payer_scorecard.xlsx", g.FORMULAS["minus"]),
        ("issuers/issuers.xlsx", g.FORMULAS["at"]),
    ],
)
def test_injected_text_is_kept_as_escaped_text(outputs: Path, name: str, payload: str) -> None:
    texts = _texts(outputs / name)
    assert any(t.startswith("'" + payload) for t in texts), f"{payload!r} not found escaped"


@pytest.mark.parametrize(
    ("name", "column", "payload"),
    [
        ("qtl.csv", "plan_id", g.FORMULA),
        ("levels.csv", "plan_id", g.FORMULA),
        ("outcomes.csv", "plan_id", g.FORMULAS["plus"]),
        ("nqtl.csv", "plan_id", g.FORMULA),
        ("issuers/issuer_rates.csv", "issuer_name", g.FORMULAS["minus"]),
    ],
)
def test_csv_fields_get_the_owasp_quote(outputs: Path, name: str, column: str, payload: str):
    table = pd.read_csv(outputs / name, dtype=str, keep_default_na=False)
    assert "'" + payload in set(table[column])


def test_numbers_stay_numbers(tmp_path: Path) -> None:
    from paritykit.evidence.workbook import SheetSpec, TableSpec, write_workbook
    from paritykit.safety import write_csv

    frame = pd.DataFrame({"plan_id": ["=1+1", "-20", "-"], "rate_difference": [-0.25, 0.5, -3.0]})
    ws = openpyxl.load_workbook(
        write_workbook([SheetSpec("S", "t", tables=(TableSpec(frame),))], tmp_path / "a.xlsx")
    )["S"]
    cells = {c.value: c.data_type for row in ws.iter_rows() for c in row if c.value is not None}
    assert cells[-0.25] == "n" and cells[-3.0] == "n"
    assert cells["'=1+1"] == "s" and cells["-20"] == "s" and cells["-"] == "s"
    text = write_csv(frame, tmp_path / "a.csv").read_text().splitlines()
    assert text[1:] == ["'=1+1,-0.25", "-20,0.5", "-,-3.0"]


def test_plan_id_cannot_write_outside_out(tmp_path: Path) -> None:
    inputs = g.write_inputs(tmp_path / "in", plan_id=g.TRAVERSAL, claims=False)
    out = tmp_path / "a" / "b" / "out"
    result = report(inputs, out)
    assert result.exit_code == 0, result.output[-2000:]
    everything = {p.resolve() for p in tmp_path.rglob("*") if p.is_file()}
    outside = {p for p in everything if not p.is_relative_to(out.resolve())}
    assert outside == {p.resolve() for p in (tmp_path / "in").rglob("*") if p.is_file()}
    charts = sorted(p.name for p in (out / "charts").iterdir())
    assert any("pwned" in name for name in charts)
    assert all(p.parent == out / "charts" for p in tmp_path.rglob("*pwned*"))


def test_very_long_plan_id_gives_bounded_file_names(tmp_path: Path) -> None:
    inputs = g.write_inputs(tmp_path / "in", plan_id=g.LONG_ID, claims=False)
    result = report(inputs, tmp_path / "out")
    assert result.exit_code == 0, result.output[-2000:]
    names = [p.name for p in (tmp_path / "out").rglob("*")]
    assert any(name.startswith("level_shares_ppp") for name in names)
    assert max(len(name.encode()) for name in names) <= 100


def test_control_characters_are_removed_with_a_note(tmp_path: Path) -> None:
    # no NUL here: a CSV holding a NUL byte is refused as binary when it is read
    inputs = g.write_inputs(
        tmp_path / "in", plan_id=g.CONTROL.replace("\x00", ""), claims=False, tables="csv"
    )
    out = tmp_path / "out"
    result = report(inputs, out)
    assert result.exit_code == 0, result.output[-2000:]
    texts = _texts(out / "evidence.xlsx")
    assert not any(ch in t for t in texts for ch in "\x00\x07\x1b")
    # the readers remove them (with a warning: tests/evidence/test_plan_facts.py); the output
    # layer would too
    assert any("Plan B" in t for t in texts)
    letter = docx.Document(out / "complaint_letter.docx")
    assert letter.paragraphs  # python-docx could write (and read back) every paragraph


def test_control_character_in_a_payer_name(tmp_path: Path) -> None:
    claims = g.write_payer_claims(tmp_path / "in" / "claims.parquet")
    out = tmp_path / "out"
    ok("payers", claims, "--out", out)
    texts = _texts(out / "payer_scorecard.xlsx")
    assert any(t.startswith("Plan B") for t in texts)  # g.CONTROL without its controls
    assert not any(ch in t for t in texts for ch in "\x00\x07\x1b")
    assert files_under(out) == {"payer_scorecard.xlsx", "payer_denial_rates.png"}


def test_markup_in_plan_facts_is_text_in_the_letter(outputs: Path) -> None:
    markdown = (outputs / "pack" / "complaint_letter.md").read_text(encoding="utf-8")
    assert "<script>" not in markdown and "<b>" not in markdown
    assert "[click me](" not in markdown
    assert "\\<script\\>" in markdown and "\\[click me\\]" in markdown
    paragraphs = [
        p.text for p in docx.Document(outputs / "pack" / "complaint_letter.docx").paragraphs
    ]
    assert any('<script>alert("x")</script> [click me](http://x.invalid/)' in p for p in paragraphs)
    assert not any("\\<" in p for p in paragraphs)  # the escapes are gone in Word


@pytest.mark.parametrize("key", ["member_id", "claim_id", "plan_id,member_id", "line_number"])
def test_identifying_group_keys_are_refused(injected: dict[str, Path], tmp_path: Path, key: str):
    out = tmp_path / "o.csv"
    message = error("outcomes", injected["claims"], "--by", key, "--out", out)
    assert "it identifies a person, a claim or a claim line" in message
    assert not out.exists()


def test_library_refuses_member_grouping(injected: dict[str, Path]) -> None:
    with pytest.raises(pk.ConfigurationError, match="identifies a person"):
        pk.summarize_outcomes(pk.scan_claims(injected["claims"]), by=["plan_id", "member_id"])
    with pytest.raises(pk.ConfigurationError, match="not a group key"):
        pk.summarize_outcomes(pk.scan_claims(injected["claims"]), by=["service_date"])


def test_outputs_never_overwrite_inputs(injected: dict[str, Path], tmp_path: Path) -> None:
    before = {name: sha(path) for name, path in injected.items()}
    benefits, claims = injected["benefits"], injected["claims"]
    cases = [
        ("qtl", benefits, "--out", benefits),
        ("qtl", benefits, "--levels-out", benefits),
        ("outcomes", claims, "--out", claims),
        ("outcomes", claims.parent, "--out", claims.parent / "summary.csv"),
        ("nqtl", benefits, "--out", benefits),
    ]
    for case in cases:
        message = error(*case)
        assert "is one of the inputs" in message or "is inside the input folder" in message
    assert {name: sha(path) for name, path in injected.items()} == before
    # A pack written beside its inputs is fine, unless an input has the name of a pack file.
    named = tmp_path / "evidence.xlsx"
    named.write_bytes(benefits.read_bytes())
    kept = sha(named)
    message = error("report", "--benefits", named, "--plan", injected["plan"], "--out", tmp_path)
    assert f"--out {tmp_path} would replace the input {named}" in message
    assert sha(named) == kept and not (tmp_path / "manifest.json").exists()
    assert not (claims.parent / "summary.csv").exists()


def test_blocked_output_folder_leaves_nothing(injected: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "charts").write_text("not a folder")
    message = error(
        "report", "--benefits", injected["benefits"], "--plan", injected["plan"], "--out", out
    )
    assert f"{out / 'charts'} is a file, not a folder" in message
    assert "staging" not in message
    assert files_under(out) == {"charts"}
    assert [p.name for p in out.iterdir()] == ["charts"]  # no staging folder left


def test_output_folder_is_a_file(injected: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(pk.ConfigurationError, match="is a file"):
        pk.build_evidence_pack(injected["benefits"], plan=injected["plan"], out=target)
    with pytest.raises(pk.ConfigurationError, match="is a file, not a folder"):
        pk.build_evidence_pack(injected["benefits"], plan=injected["plan"], out=target / "sub")


def test_rerun_removes_charts_of_the_old_pack_only(tmp_path: Path) -> None:
    old = g.write_inputs(tmp_path / "old", plan_id="OLD-PLAN", claims=False)
    new = g.write_inputs(tmp_path / "new", plan_id="NEW-PLAN", claims=False)
    out = tmp_path / "out"
    assert report(old, out).exit_code == 0
    (out / "my notes.txt").write_text("mine")
    (out / "charts" / "my_chart.png").write_bytes(b"mine")
    assert any("old-plan" in name for name in files_under(out))
    assert report(new, out).exit_code == 0
    names = files_under(out)
    assert not any("old-plan" in name for name in names)
    assert {"my notes.txt", "charts/my_chart.png"} <= names
    manifest = json.loads((out / "manifest.json").read_text())
    listed = {f["path"] for f in manifest["files"]}
    assert names - {"my notes.txt", "charts/my_chart.png", "manifest.json"} == listed


def test_long_and_hostile_claim_ids_in_appeal_letters(tmp_path: Path) -> None:
    claims = pd.read_parquet(g.write_payer_claims(tmp_path / "in" / "claims.parquet"))
    denied = claims[claims["status"] == "denied"]["claim_id"].drop_duplicates().head(2).tolist()
    hostile = {denied[0]: "C" * 300, denied[1]: "../../" + g.FORMULA}
    claims["claim_id"] = claims["claim_id"].replace(hostile)
    path = tmp_path / "in" / "hostile.parquet"
    claims.to_parquet(path, index=False)
    out = tmp_path / "out"
    for claim in hostile.values():
        ok("appeal-letter", path, "--claim", claim, "--out", out, "--as-of", "2024-06-01")
    names = sorted(p.name for p in out.iterdir())
    # per claim: the letter and the practice sheet (.md and .docx); one authorization form
    drafts = [n for n in names if n.startswith(("appeal_letter_", "appeal_practice_sheet_"))]
    assert len(drafts) == 8 and all(len(n) <= 100 for n in names)
    assert sorted(set(names) - set(drafts)) == ["authorization_form.docx", "authorization_form.md"]
    assert all(p.resolve().is_relative_to(out.resolve()) for p in tmp_path.rglob("appeal_letter*"))


def test_input_templates_keep_text_verbatim_but_never_as_formulas(tmp_path: Path) -> None:
    from paritykit.evidence.template import write_benefits_workbook

    table = g.injected_benefits("=PLAN")
    table.loc[0, "benefit"] = g.CONTROL
    path = write_benefits_workbook(table, tmp_path / "b.xlsx", nqtls=g.injected_nqtls("=PLAN"))
    workbook = openpyxl.load_workbook(path)
    formulas = [
        c.coordinate for ws in workbook for r in ws.iter_rows() for c in r if c.data_type == "f"
    ]
    assert formulas == []
    back = pk.read_benefits(path)
    assert set(back["plan_id"]) == {"=PLAN"}  # read back as written: no quote added
    assert g.FORMULAS["minus"] + " 2" in set(back["benefit"])
    assert "Plan B" in set(back["benefit"])  # control characters dropped, nothing else
    assert set(pk.read_nqtls(path)["scope"]) == {g.FORMULA}
