"""``paritykit nqtl``: the NQTL review on an NQTL inventory (and outcomes, and an analysis)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from paritykit import columns as C

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["command", "render_comparisons"]


def _mark(applies: object) -> str:
    import pandas as pd

    if applies is pd.NA or applies is None or (isinstance(applies, float) and pd.isna(applies)):
        return "-"
    return "yes" if bool(applies) else "no"


def render_comparisons(comparisons: pd.DataFrame) -> str:
    """Return the side-by-side comparison as a fixed-width text table for the terminal."""
    import pandas as pd

    rows = []
    for rec in comparisons.to_dict("records"):
        place = rec[C.CLASSIFICATION]
        if isinstance(rec[C.SUB_CLASSIFICATION], str):
            place += f"/{rec[C.SUB_CLASSIFICATION]}"
        days = [rec[C.MHSUD_REVIEW_INTERVAL_DAYS], rec[C.MS_REVIEW_INTERVAL_DAYS]]
        rows.append(
            {
                "plan": rec[C.PLAN_ID],
                "classification": place,
                "nqtl": rec[C.NQTL_TYPE],
                "MH/SUD": _mark(rec[C.MHSUD_APPLIES]),
                "M/S": _mark(rec[C.MS_APPLIES]),
                "interval (MH/SUD, M/S)": "-"
                if all(pd.isna(d) for d in days)
                else ", ".join("-" if pd.isna(d) else f"{d:g}d" for d in days),
                "result": rec[C.WORST_SEVERITY] if isinstance(rec[C.WORST_SEVERITY], str) else "-",
            }
        )
    return pd.DataFrame(rows).to_string(index=False) if rows else "(no NQTLs)"


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return json.loads(frame.to_json(orient="records"))


@click.command("nqtl")
@click.argument("nqtls", type=click.Path(path_type=Path))
@click.option(
    "--outcomes",
    "outcomes",
    type=click.Path(path_type=Path),
    help="Outcome summary by plan_id and classification (.csv, .parquet or .json from "
    "'paritykit outcomes --out') to link each NQTL to its in-operation measure.",
)
@click.option(
    "--analysis",
    "analysis",
    type=click.Path(path_type=Path),
    help="The plan's comparative analysis as structured answers (.yaml, .xlsx, .csv) to check "
    "for sufficiency.",
)
@click.option("--sheet", default=None, help="Excel sheet of NQTLS (default: 'NQTLs' or first).")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a JSON object with findings, comparisons, outcome_tests, analysis_elements "
    "and notes.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the findings to this CSV file.",
)
def command(
    nqtls: Path,
    outcomes: Path | None,
    analysis: Path | None,
    sheet: str | None,
    as_json: bool,
    out: Path | None,
) -> None:
    """Review the NQTLs in NQTLS as written (and in operation, with --outcomes).

    NQTLS is an NQTL inventory (.xlsx, .csv or .parquet): one row per plan, classification,
    side and NQTL type. Findings are warning signs and questions for the plan, never
    conclusions. Exit status is 0 whenever the review ran, whatever it found, and 1 on bad
    input.
    """
    from paritykit.analysis.nqtl import nqtl_review
    from paritykit.load.nqtl import read_nqtls
    from paritykit.safety import refuse_inputs_as_outputs, write_csv

    refuse_inputs_as_outputs({"--out": out}, [nqtls, outcomes, analysis])
    result = nqtl_review(read_nqtls(nqtls, sheet=sheet), outcomes=outcomes, analysis=analysis)
    if out is not None:
        write_csv(result.findings, out)
    if as_json:
        payload = {
            "findings": _records(result.findings),
            "comparisons": _records(result.comparisons),
            "outcome_tests": _records(result.outcome_tests),
            "analysis_elements": _records(result.analysis_elements),
            "notes": list(result.notes),
        }
        click.echo(json.dumps(payload, indent=2))
        return
    click.echo(f"NQTL review: {nqtls}")
    click.echo(render_comparisons(result.comparisons))
    click.echo("")
    if len(result.findings):
        click.echo("Findings (most serious first):")
        for rec in result.findings.itertuples(index=False):
            click.echo(f"  [{rec.severity}] {rec.plan_id}: {rec.finding}")
            click.echo(f"      Request: {rec.disclosure_request}")
    for note in result.notes:
        click.echo(f"Note: {note}")
    counts = result.findings[C.SEVERITY].value_counts()
    click.echo(
        f"\n{int(counts.get('warning_sign', 0))} warning signs, "
        f"{int(counts.get('insufficient', 0))} insufficient, "
        f"{int(counts.get('review', 0))} to review. Findings are warning signs and questions, "
        "not conclusions; paritykit gives evidence, not legal advice."
    )
    if out is not None:
        click.echo(f"Wrote {out}")
