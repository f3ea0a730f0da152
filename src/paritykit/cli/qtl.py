"""``paritykit qtl``: the quantitative parity test on a benefits table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    import pandas as pd

from paritykit import columns as C

__all__ = ["command", "render_table"]


def render_table(determinations: pd.DataFrame) -> str:
    """Return the determinations as a fixed-width text table for the terminal."""
    import pandas as pd

    from paritykit.analysis.quantitative import format_level

    rows = []
    for rec in determinations.to_dict("records"):
        place = rec[C.CLASSIFICATION]
        if isinstance(rec[C.SUB_CLASSIFICATION], str):
            place += f"/{rec[C.SUB_CLASSIFICATION]}"
        req = rec[C.REQUIREMENT_TYPE]
        share = rec[C.SUBJECT_SHARE]
        rows.append(
            {
                "plan": rec[C.PLAN_ID],
                "unit": rec[C.COVERAGE_UNIT],
                "classification": place,
                "requirement": req,
                "M/S subject": "n/a" if pd.isna(share) else f"{share:.1%}",
                "predominant": "-"
                if pd.isna(rec[C.PREDOMINANT_LEVEL])
                else format_level(req, rec[C.PREDOMINANT_LEVEL]),
                "MH/SUD": format_level(req, rec[C.MHSUD_LEVEL]) if rec["mhsud_subject"] else "-",
                "result": _result(rec),
            }
        )
    return pd.DataFrame(rows).to_string(index=False)


def _result(rec: dict) -> str:
    import pandas as pd

    screening = rec.get(C.SCREENING)
    if pd.isna(rec[C.COMPLIANT]):
        return "depends on payments"
    text = "pass" if rec[C.COMPLIANT] else "FAIL"
    return f"{text} (whatever the payments)" if isinstance(screening, str) else text


@click.command("qtl")
@click.argument("benefits", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the determinations as a JSON array.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the determinations to this CSV file.",
)
@click.option(
    "--levels-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the arithmetic table (levels and shares) to this CSV file.",
)
@click.option("--sheet", default=None, help="Excel sheet to read (default: 'Benefits' or first).")
def command(
    benefits: Path, as_json: bool, out: Path | None, levels_out: Path | None, sheet: str | None
) -> None:
    """Run the quantitative parity test (29 CFR 2590.712(c)(3)) on BENEFITS.

    BENEFITS is a benefits table (.xlsx, .csv or .parquet) in the benefits data contract. Exit
    status is 0 whenever the test ran, whatever it found, and 1 on bad input.
    """
    from paritykit.analysis.quantitative import quantitative_test
    from paritykit.load.benefits import read_benefits
    from paritykit.safety import refuse_inputs_as_outputs, write_csv

    outputs = {"--out": out, "--levels-out": levels_out}
    refuse_inputs_as_outputs(outputs, [benefits])
    refuse_inputs_as_outputs({"--levels-out": levels_out}, [out])
    result = quantitative_test(read_benefits(benefits, sheet=sheet))
    frame = result.to_frame()
    for target, table in ((out, frame), (levels_out, result.levels)):
        if target is not None:
            write_csv(table, target)
    if as_json:
        click.echo(frame.to_json(orient="records", indent=2))
        return
    click.echo(f"Quantitative parity test: {benefits}")
    click.echo(render_table(frame))
    click.echo("")
    if len(result.findings):
        click.echo("Findings (most serious first):")
        for rec in result.findings.itertuples(index=False):
            tag = {"noncompliant": "FAIL  ", "depends_on_payments": "DEPENDS"}.get(
                rec.severity, "review"
            )
            click.echo(f"  [{tag}] {rec.plan_id}: {rec.finding}")
    click.echo(
        f"\n{result.n_noncompliant} of {len(frame)} determinations fail the test"
        + (f"; {result.n_depends} depend on the projected payments. " if result.n_depends else ". ")
        + "paritykit gives evidence, not legal advice."
    )
    for target in (out, levels_out):
        if target is not None:
            click.echo(f"Wrote {target}")
