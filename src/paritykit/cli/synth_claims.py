"""``paritykit synth claims``: synthetic claim lines with planted disparities (Parquet + JSON)."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["claims_command"]


@click.command("claims")
@click.option(
    "--rows",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="Claim lines to generate (100M fit on one machine).",
)
@click.option(
    "--plans",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Number of plans (plan_1 ... plan_P).",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same file)."
)
@click.option(
    "--disparity",
    "disparities",
    multiple=True,
    metavar="SPEC",
    help="Planted disparity, repeatable, e.g. "
    "'plan=3,classification=outpatient_in_network,measure=denial_rate,ratio=1.6' "
    "(measure: denial_rate or allowed_amount).",
)
@click.option(
    "--plan-ids",
    default=None,
    metavar="A,B,...",
    help="Comma-separated names for the plans instead of plan_1 ... plan_P.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Parquet file to write; the true parameters go to the same name with .json.",
)
def claims_command(
    rows: int,
    plans: int,
    seed: int,
    disparities: tuple[str, ...],
    plan_ids: str | None,
    out: Path,
) -> None:
    """Write synthetic claim lines (generated in DuckDB) and a JSON sidecar of true parameters."""
    from paritykit.synth.claims import parse_disparity, synthesize_claims

    if out.suffix.lower() not in (".parquet", ".pq"):
        raise click.BadParameter("use a path ending in .parquet", param_hint="--out")
    planted = [parse_disparity(text) for text in disparities]
    click.echo(f"Generating {rows:,} claim lines ...", err=True)
    names = [n.strip() for n in plan_ids.split(",")] if plan_ids else None
    result = synthesize_claims(
        out, rows=rows, plans=plans, seed=seed, disparities=planted, plan_ids=names
    )
    click.echo(
        f"Wrote {result.path} ({result.rows:,} lines, {result.plans} plans); "
        f"true parameters in {result.sidecar}"
    )


#: Alias so the module also follows the ``command`` convention of ``paritykit.cli``.
command = claims_command
