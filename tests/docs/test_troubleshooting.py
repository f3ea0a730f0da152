"""docs/troubleshooting.md quotes messages the code still raises.

Each case triggers one error through the library (or the command line) and checks that the
fragment quoted on the page occurs both in the raised message and on the page. When a message
is reworded, this test fails until the page is updated with it.
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

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "docs" / "troubleshooting.md"

# One M/S benefit bucket plus one MH/SUD bucket: a valid benefits table to spoil one cell of.
BENEFIT_ROWS = [
    {
        "plan_id": "P",
        "classification": "outpatient_in_network",
        "side": "ms",
        "benefit": "Office visit",
        "requirement_type": "copay",
        "level": "20",
        "projected_payments": "1000",
    },
    {
        "plan_id": "P",
        "classification": "outpatient_in_network",
        "side": "mhsud",
        "benefit": "Psychotherapy",
        "requirement_type": "copay",
        "level": "20",
        "projected_payments": "",
    },
]


def _benefits(**changes: str) -> pd.DataFrame:
    rows = [dict(r) for r in BENEFIT_ROWS]
    rows[0].update(changes)
    return pd.DataFrame(rows)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _missing_file(tmp: Path) -> object:
    return pk.read_benefits(tmp / "plan.xlsx")


def _empty_file(tmp: Path) -> object:
    path = tmp / "empty.csv"
    path.write_bytes(b"")
    return pk.read_benefits(path)


def _coinsurance_fraction(tmp: Path) -> object:
    return pk.read_benefits(_benefits(requirement_type="coinsurance", level="0.2"))


def _unknown_classification(tmp: Path) -> object:
    return pk.read_benefits(_benefits(classification="outpatient in netwrk"))


def _day_limit_zero(tmp: Path) -> object:
    return pk.read_benefits(_benefits(requirement_type="day_limit", level="0"))


def _claims_missing_column(tmp: Path) -> object:
    frame = pd.DataFrame({"claim_id": ["C1"], "line_number": [1], "plan_id": ["P"]})
    return pk.scan_claims(frame)


def _not_x12(tmp: Path) -> object:
    path = tmp / "a.835"
    path.write_text("hello\n", encoding="utf-8")
    return pk.read_835(path)


def _unknown_plan_type(tmp: Path) -> object:
    return pk.read_plan_facts(
        {"plan_name": "X", "plan_type": "erisa_selffunded", "state": "OH", "plan_year": 2026}
    )


def _claims_of_another_plan(tmp: Path) -> object:
    from paritykit.synth.benefits import sample_benefits, sample_plan_facts

    claims = tmp / "claims.parquet"
    pk.synthesize_claims(claims, rows=200, plans=2, seed=1, plan_ids=["SAMPLE-A", "SAMPLE-C"])
    return pk.build_evidence_pack(
        sample_benefits(), plan=sample_plan_facts("SAMPLE-B"), claims=claims, out=tmp / "pack"
    )


CASES: list[tuple[str, type[Exception], str, Callable[[Path], object]]] = [
    ("missing file", pk.InputFileError, "plan.xlsx: no such file", _missing_file),
    ("empty file", pk.InputFileError, "the file is empty (0 bytes)", _empty_file),
    (
        "coinsurance as a fraction",
        pk.DataValidationError,
        "coinsurance written as a fraction is ambiguous (found '0.2'); expected percentage "
        "points: write 20 or 20%",
        _coinsurance_fraction,
    ),
    (
        "unknown classification",
        pk.DataValidationError,
        "unknown classification (did you mean 'outpatient_in_network'?) "
        "(found 'outpatient in netwrk')",
        _unknown_classification,
    ),
    (
        "day limit of zero",
        pk.DataValidationError,
        "a day_limit of 0 means no coverage (found '0'); expected a whole number of "
        "days/visits >= 1, or blank for unlimited",
        _day_limit_zero,
    ),
    (
        "claims column missing",
        pk.DataValidationError,
        "lacks required column(s) 'service_date'",
        _claims_missing_column,
    ),
    (
        "not an 835",
        pk.InputFileError,
        "not an X12 file (it starts with 'hello\\n'; expected 'ISA'). Pass 835 remittance "
        "files as received from the payer or clearinghouse.",
        _not_x12,
    ),
    (
        "unknown plan type",
        pk.DataValidationError,
        "unknown plan type (did you mean 'erisa_self_funded'?) (found 'erisa_selffunded')",
        _unknown_plan_type,
    ),
    (
        "claims without the plan of the plan facts",
        pk.ConfigurationError,
        "no claim line has plan_id 'SAMPLE-B', the plan of the plan facts; plan ids found in "
        "the claims: SAMPLE-A, SAMPLE-C",
        _claims_of_another_plan,
    ),
]


@pytest.mark.parametrize(
    ("error", "fragment", "trigger"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_documented_message_is_raised(tmp_path, error, fragment, trigger):
    with pytest.raises(error) as info:
        trigger(tmp_path)
    assert fragment in _flat(str(info.value)), (
        f"the code no longer says {fragment!r}; it says {str(info.value)!r}. "
        "Update docs/troubleshooting.md and this test."
    )
    assert fragment in _flat(PAGE.read_text(encoding="utf-8")), (
        f"docs/troubleshooting.md does not quote {fragment!r}"
    )


def test_command_line_shows_one_error_line(tmp_path):
    """The page quotes messages as the command line prints them: one ``Error:`` line."""
    missing = tmp_path / "plan.xlsx"
    result = CliRunner().invoke(cli, ["qtl", str(missing)], prog_name="paritykit")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [f"Error: {missing}: no such file"]
    assert "Error: plan.xlsx: no such file" in PAGE.read_text(encoding="utf-8")


def test_page_covers_every_stage():
    headings = set(re.findall(r"^## (.+)$", PAGE.read_text(encoding="utf-8"), re.MULTILINE))
    for stage in (
        "Reading files",
        "Benefits contract",
        "Claims contract",
        "Plan facts",
        "NQTL inventory",
        "835 files and billing exports",
        "TC-PUF (public issuer data)",
        "Evidence pack",
        "Installation",
    ):
        assert stage in headings
