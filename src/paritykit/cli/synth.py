"""``paritykit synth``: generate synthetic sample data (never real patient or plan data)."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["command"]


@click.group("synth")
def command() -> None:
    """Generate synthetic sample data."""


@command.command("benefits")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the sample benefits (.xlsx, .csv or .parquet).",
)
def benefits(out: Path) -> None:
    """Write the benefit designs of the three fictional sample plans.

    An .xlsx file also gets the plans' NQTL inventories as an 'NQTLs' sheet.
    """
    from paritykit._atomic import atomic_path
    from paritykit.evidence.template import write_benefits_workbook
    from paritykit.synth.benefits import sample_benefits

    table = sample_benefits()
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        from paritykit.synth.nqtls import sample_nqtls

        write_benefits_workbook(table, out, nqtls=sample_nqtls())
    elif suffix in (".csv", ".parquet"):
        with atomic_path(out) as tmp:
            if suffix == ".csv":
                table.to_csv(tmp, index=False)
            else:
                table.to_parquet(tmp, index=False)
    else:
        raise click.BadParameter("use a path ending in .xlsx, .csv or .parquet", param_hint="--out")
    click.echo(f"Wrote {out} ({len(table)} rows, plans {', '.join(table['plan_id'].unique())})")


from paritykit.cli.synth_claims import claims_command  # noqa: E402  (issue 3)

command.add_command(claims_command, "claims")

from paritykit.cli.sbc import synth_sbc_command  # noqa: E402  (issue 15)

command.add_command(synth_sbc_command, "sbc")


@command.command("remittances")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the 835 files (created if missing), such as remits/2024/.",
)
@click.option(
    "--claims",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Number of claims (an H0015 claim has 2-5 day lines, other codes one).",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same files)."
)
@click.option("--year", type=click.IntRange(2000, 2100), default=2024, show_default=True,
              help="Service year.")  # fmt: skip
@click.option(
    "--appeal-log",
    "appeal_log",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a synthetic appeal log for the denied claims (.csv or .xlsx): calls, "
    "appeals with what they contained, decisions, external reviews.",
)
def remittances(out: Path, claims: int, seed: int, year: int, appeal_log: Path | None) -> None:
    """Write a synthetic practice year of X12 835 remittances, one file per payer and quarter.

    Four fictional payers that differ in fees, denial rates and denial reasons, with
    reversals and corrected payments; the files vary separators and layouts. These are the
    sample remittances docs/practices.md uses (--seed 2024, 2000 claims, 2024). With
    --appeal-log, the practice's year of calls, appeals and decisions about the denied
    claims is written too (made-up outcomes, for trying paritykit appeals --log, payers --log
    and complaint). No real patient, payer, provider or representative is in them.
    """
    from paritykit.synth.remittances import synthetic_remittances, write_practice_year

    remits = synthetic_remittances(claims=claims, seed=seed, year=year)
    before = {p.name for p in out.glob("*.835")} if out.is_dir() else set()
    files = write_practice_year(remits, out)
    truth = remits.truth
    click.echo(
        f"Wrote {len(files)} 835 files to {out} ({truth['claim_id'].nunique()} claims, "
        f"{len(truth)} claim lines, {len(remits.payers)} payers; seed {seed})"
    )
    if appeal_log is not None:
        from paritykit.synth.appeal_log import synthetic_appeal_log

        log = synthetic_appeal_log(remits, seed=seed)
        _write_log(log, appeal_log)
        click.echo(
            f"Wrote {appeal_log} ({len(log)} events for {log['claim_id'].nunique()} denied claims)"
        )
    stale = sorted(before - {p.name for p in files})
    if stale:
        click.echo(
            f"Note: {out} also holds {len(stale)} other .835 file(s) not written now (for "
            f"example {stale[0]}); reading the folder reads them too.",
            err=True,
        )


@command.command("plan")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the sample plan facts (.yaml).",
)
@click.option("--plan-id", default="SAMPLE-B", show_default=True, help="Sample plan to describe.")
def plan(out: Path, plan_id: str) -> None:
    """Write plan facts (jurisdiction details) for a fictional sample plan."""
    import yaml

    from paritykit._atomic import atomic_write_text
    from paritykit.synth.benefits import sample_plan_facts

    atomic_write_text(out, yaml.safe_dump(sample_plan_facts(plan_id), sort_keys=False))
    click.echo(f"Wrote {out}")


def _write_log(log, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Write an appeal log as .csv or .xlsx (the sheet "Appeal log"), atomically."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from paritykit.safety import write_csv

        write_csv(log, path)
    elif suffix == ".xlsx":
        from paritykit.cli._practice import write_table

        write_table(log, path, sheet="Appeal log")
    else:
        raise click.BadParameter("use a path ending in .csv or .xlsx", param_hint="--appeal-log")
