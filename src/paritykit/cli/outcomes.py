"""``paritykit outcomes``: claim outcome summaries by group and side, computed in the engine."""

from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["command"]


@click.command("outcomes")
@click.argument("claims", type=str)
@click.option(
    "--by",
    default="plan_id,classification",
    show_default=True,
    help="Comma-separated group columns (side is always added); member, claim and line ids "
    "are refused.",
)
@click.option(
    "--unit",
    type=click.Choice(["line", "claim"]),
    default="line",
    show_default=True,
    help="Count claim lines or claims.",
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
    help="Stop on lines that break the contract, or exclude them (counted and reported).",
)
@click.option(
    "--unmapped",
    type=click.Choice(["raise", "flag"]),
    default="raise",
    show_default=True,
    help="Stop on lines no rule can classify, or keep them flagged.",
)
@click.option(
    "--rules",
    type=click.Path(exists=True, dir_okay=False),
    help="Rule set YAML (default: the bundled parity rules).",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "pyspark"]),
    default="duckdb",
    show_default=True,
    help="Where the scan runs.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON records.")
@click.option(
    "--suppress",
    is_flag=True,
    help="Hide counts from 1 to 10 and every cell that would give one back (complementary "
    "suppression), for a summary to share.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the summary to a .csv, .parquet or .json file.",
)
def command(
    claims: str,
    by: str,
    unit: str,
    column_map: str | None,
    errors: str,
    unmapped: str,
    rules: str | None,
    engine: str,
    as_json: bool,
    out: Path | None,
    suppress: bool = False,
) -> None:
    """Summarize claim outcomes (denials, prior auth, out of network, amounts) of CLAIMS.

    CLAIMS is a CSV or Parquet file, a folder of them, or a glob. Output: one row per group and
    side (MH/SUD vs M/S). Exclusions and normalizations are reported on stderr. The summary
    holds exact counts (the input of 'paritykit nqtl --outcomes'); --suppress hides small
    counts, complementarily, in the table, CSV, Parquet and JSON output for sharing.
    """
    from paritykit.aggregate.outcomes import check_group_keys, summarize_outcomes
    from paritykit.load.claims import scan_claims
    from paritykit.load.prepare import recorded_validation
    from paritykit.safety import refuse_inputs_as_outputs
    from paritykit.validate.claims import validate_claims

    if as_json and out is not None:
        raise click.UsageError("use either --json or --out, not both")
    check_group_keys([b.strip() for b in by.split(",") if b.strip()])
    refuse_inputs_as_outputs({"--out": out}, [claims, column_map, rules])
    if out is not None and out.suffix.lower() not in (".csv", ".parquet", ".json"):
        raise click.BadParameter("use a path ending in .csv, .parquet or .json", param_hint="--out")
    say = lambda text: click.echo(text, err=True)  # noqa: E731
    say(f"Scanning {claims} ({engine}) ...")
    table = scan_claims(claims, engine=engine, columns=column_map)
    _progress_bar(table)
    checked = recorded_validation(table)
    if checked is not None:
        say("Checked by `paritykit prepare` (recorded in the file):")
    else:
        say("Checking the claims contract ...")
        checked = validate_claims(table, errors=errors, source=claims)  # type: ignore[arg-type]
    noted = checked.checks[checked.checks["lines"] > 0]
    for rec in noted.itertuples(index=False):
        say(f"  {rec.action}: {rec.lines:,} line(s), {rec.column}: {rec.problem}")
    say("Classifying and summarizing ...")
    # classification happens inside the summary, and the unmapped check reads the summary
    # itself: one scan of the claims (classify_claims(unmapped="raise") would add a second)
    summary = summarize_outcomes(
        checked,
        by=by,
        unit=unit,  # type: ignore[arg-type]
        rules=rules,
        unmapped=unmapped,  # type: ignore[arg-type]
    )
    if suppress:
        from paritykit.privacy import outcome_relations, suppress_outcomes

        summary = suppress_outcomes(summary, relations=outcome_relations(summary))
    say(
        f"{checked.total_lines:,} lines scanned, {checked.excluded_lines:,} excluded; "
        f"{len(summary)} summary rows."
    )
    if out is not None:
        _write(summary, out)
        click.echo(f"Wrote {out}")
    elif as_json:
        click.echo(summary.to_json(orient="records", indent=2, date_format="iso"))
    else:
        with __import__("pandas").option_context("display.max_columns", None, "display.width", 200):
            click.echo(summary.to_string(index=False))


def _progress_bar(table: object) -> None:
    """Turn on DuckDB's progress bar on a terminal (queries longer than 2 s show it)."""
    if not sys.stderr.isatty():
        return
    try:
        backend = table._find_backend()  # type: ignore[attr-defined]
        if backend.name == "duckdb":
            backend.raw_sql("SET enable_progress_bar = true")
    except Exception:  # pragma: no cover - progress is a nicety
        pass


def _write(summary: object, out: Path) -> None:
    from paritykit._atomic import atomic_path
    from paritykit.safety import write_csv

    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet", ".json"):
        raise click.BadParameter("use a path ending in .csv, .parquet or .json", param_hint="--out")
    if suffix == ".csv":  # a spreadsheet opens it: text that could run as a formula is escaped
        write_csv(summary, out)  # type: ignore[arg-type]
        return
    with atomic_path(out) as tmp:
        if suffix == ".parquet":
            summary.to_parquet(tmp, index=False)  # type: ignore[attr-defined]
        else:
            summary.to_json(tmp, orient="records", indent=2)  # type: ignore[attr-defined]
