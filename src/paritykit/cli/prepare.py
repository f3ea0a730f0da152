"""``paritykit prepare``: normalize, type and validate claims once, into marked Parquet."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["command"]


@click.command("prepare")
@click.argument("claims", type=str)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Parquet file to write (normalized, typed, with a paritykit marker in its metadata).",
)
@click.option(
    "--columns",
    "column_map",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML/TOML column map (contract column -> header in your file).",
)
@click.option(
    "--errors",
    type=click.Choice(["raise", "exclude"]),
    default="raise",
    show_default=True,
    help="Stop on lines that break the contract, or leave them out (counted and reported).",
)
@click.option(
    "--rules",
    type=click.Path(exists=True, dir_okay=False),
    help="Rule set YAML that classifies the stored lines (default: the bundled parity rules); "
    "later runs with other rules classify again.",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "pyspark"]),
    default="duckdb",
    show_default=True,
    help="Where the scan runs.",
)
def command(
    claims: str,
    out: Path,
    column_map: str | None,
    errors: str,
    engine: str,
    rules: str | None = None,
) -> None:
    """Write CLAIMS once as normalized, typed, validated Parquet for fast later runs.

    CLAIMS is a CSV or Parquet file, a folder of them, or a glob. The file also stores each
    line's classification. Later commands (outcomes) read the prepared file without
    normalizing, validating or classifying it again; a file whose marker does not match this
    paritykit version is normalized again, and other rules classify again. Exclusions and
    normalizations are reported on stderr, as by outcomes.
    """
    from paritykit.load.prepare import prepare_claims
    from paritykit.safety import refuse_inputs_as_outputs

    refuse_inputs_as_outputs({"--out": out}, [claims, column_map, rules])
    if out.suffix.lower() not in (".parquet", ".pq", ".parq"):
        raise click.BadParameter("use a path ending in .parquet", param_hint="--out")
    say = lambda text: click.echo(text, err=True)  # noqa: E731
    say(f"Scanning and checking {claims} ({engine}) ...")
    result = prepare_claims(
        claims,
        out,
        columns=column_map,
        errors=errors,  # type: ignore[arg-type]
        engine=engine,
        rules=rules,
    )
    checked = result.validation
    noted = checked.checks[checked.checks["lines"] > 0]
    for rec in noted.itertuples(index=False):
        say(f"  {rec.action}: {rec.lines:,} line(s), {rec.column}: {rec.problem}")
    say(f"{checked.total_lines:,} lines scanned, {checked.excluded_lines:,} excluded.")
    click.echo(f"Wrote {result.path} ({result.rows:,} lines)")
