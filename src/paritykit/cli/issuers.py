"""``paritykit issuers``: compare insurers' denial records from a CMS TC-PUF workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from paritykit import columns as C

__all__ = ["ISSUER_FILES", "command"]

#: The files ``paritykit issuers`` writes into ``--out``.
ISSUER_FILES: tuple[str, ...] = (
    "issuers.xlsx",
    "issuer_ranking.png",
    "issuer_rates.csv",
    "issuer_comparisons.csv",
    "issuer_appeals_bh_share.csv",
    "pooled_rates.csv",
    "pooled_appeals_bh_share.csv",
    "exclusions.csv",
)


@click.command("issuers")
@click.argument("puf", type=click.Path(path_type=Path))
@click.option("--state", default=None, help="Two-letter state code to focus the tables on.")
@click.option("--issuer", "issuer_id", default=None, help="HIOS issuer ID to highlight.")
@click.option(
    "--filters",
    type=click.Choice(["kff", "none"]),
    default="kff",
    show_default=True,
    help="KFF's exclusion method, or only exclusions forced by missing or invalid figures.",
)
@click.option(
    "--min-enrollment",
    type=click.IntRange(min=0),
    metavar="N",
    default=None,
    help="Also exclude issuers whose enrollment is known to be below this (KFF's older methods "
    "used 1000). Enrollment is known only when every plan reports it; masked plans are "
    "unknown, not small. Default: no enrollment test, as in KFF's 2024 edition.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for issuers.xlsx, the CSV tables and the chart.",
)
@click.option(
    "--no-suppress",
    is_flag=True,
    help="Show counts from 1 to 10 as published (default: hidden, with complementary cells).",
)
def command(
    puf: Path,
    state: str | None,
    issuer_id: str | None,
    filters: str,
    min_enrollment: int | None,
    out_dir: Path,
    no_suppress: bool = False,
) -> None:
    """Compare insurers' claim denial rates in the CMS Transparency in Coverage file PUF.

    PUF is the TC-PUF .xlsx workbook as CMS publishes it. Writes issuers.xlsx (rates,
    comparisons, appeals, pooled figures, exclusions, method and provenance), the same tables
    as CSV files, and a ranked dot plot (issuer_ranking.png) to --out. Counts from 1 to 10,
    and cells that would give one back through a state or national total, are hidden in every
    table, CSV file and the chart unless --no-suppress. Self-reported,
    unaudited figures from HealthCare.gov states, two years old: warning signs, not proof.
    See docs/public-data.md.
    """
    from paritykit.analysis.issuers import issuer_denials, suppress_issuer_denials
    from paritykit.errors import ConfigurationError
    from paritykit.load.tc_puf import read_tc_puf
    from paritykit.safety import publish, refuse_inputs_as_outputs, staged_output

    refuse_inputs_as_outputs({"--out": out_dir}, [puf], folder_writes=ISSUER_FILES)
    click.echo(f"Reading {puf} ...", err=True)
    data = read_tc_puf(puf)
    state = state.strip().upper() if state else None
    issuer_id = issuer_id.strip() if issuer_id else None
    if state is not None and issuer_id is not None:
        _check_state_and_issuer(data.issuers, state, issuer_id)
    result = issuer_denials(
        data,
        filters=filters,  # type: ignore[arg-type]
        min_enrollment=min_enrollment,
    )
    if not no_suppress:  # every table, CSV and the chart: counts 1-10 and complements hidden
        result = suppress_issuer_denials(result)
    if state is not None and state not in set(result.rates[C.STATE]):
        known = ", ".join(sorted(set(result.rates[C.STATE])))
        raise ConfigurationError(
            f"no issuer in state {state!r} after exclusions; states in the analysis: {known}."
        )
    if issuer_id is not None and issuer_id not in set(result.rates[C.ISSUER_ID]):
        excluded = result.exclusions[result.exclusions[C.ISSUER_ID] == issuer_id]
        why = (
            f" It was excluded: {excluded[C.DETAIL].iloc[0]}."
            if not excluded.empty
            else " It is not in the file."
        )
        raise ConfigurationError(f"issuer {issuer_id!r} has no denial rate.{why}")

    def pick(frame):  # type: ignore[no-untyped-def]
        return frame if state is None else frame[frame[C.STATE] == state]

    tables = {
        "issuer_rates.csv": pick(result.rates),
        "issuer_comparisons.csv": pick(result.comparisons),
        "issuer_appeals_bh_share.csv": pick(result.issuers),
        "pooled_rates.csv": result.pooled,
        "pooled_appeals_bh_share.csv": result.pooled_appeals,
        "exclusions.csv": pick(result.exclusions),
    }
    with staged_output(out_dir) as staging:
        written = _write_files(staging, tables, result, puf, issuer_id, state)
        publish(staging, out_dir, written, keep=[puf])
    click.echo(result.summary())
    click.echo(f"Wrote issuers.xlsx, {len(tables)} CSV tables and issuer_ranking.png to {out_dir}")


def _check_state_and_issuer(issuers: Any, state: str, issuer_id: str) -> None:
    """``--state`` and ``--issuer`` must name the same place: an error naming both if not."""
    from paritykit.errors import ConfigurationError

    states = sorted(set(issuers.loc[issuers[C.ISSUER_ID] == issuer_id, C.STATE]))
    if states and state not in states:
        where = " and ".join(states)
        raise ConfigurationError(
            f"--state {state} and --issuer {issuer_id} do not match: issuer {issuer_id} is in "
            f"{where}, not {state}. Give --state {states[0]}, or leave --state out to see the "
            "issuer against the whole file."
        )


def _write_files(
    staging: Path,
    tables: dict[str, Any],
    result: Any,
    puf: Path,
    issuer_id: str | None,
    state: str | None,
) -> list[Path]:
    """Write the CSV tables, the chart and the workbook into ``staging``; return the paths."""
    import shlex
    import sys

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from paritykit._atomic import atomic_path
    from paritykit.evidence.issuer_charts import plot_issuer_ranking
    from paritykit.evidence.issuer_workbook import write_issuer_workbook
    from paritykit.report import file_sha256
    from paritykit.safety import write_csv

    written = [write_csv(table, staging / name) for name, table in tables.items()]
    chart = staging / "issuer_ranking.png"
    ax = plot_issuer_ranking(result, highlight=issuer_id, state=state)
    try:
        with atomic_path(chart) as tmp:
            ax.figure.savefig(tmp, dpi=150, bbox_inches="tight", format="png")
    finally:
        plt.close(ax.figure)
    written.append(chart)
    inputs = pd.DataFrame(
        [
            {
                "input": "TC-PUF",
                "file": puf.name,
                "bytes": puf.stat().st_size,
                "sha256": file_sha256(puf),
            }
        ]
    )
    workbook = write_issuer_workbook(
        result,
        staging / "issuers.xlsx",
        inputs=inputs,
        command=shlex.join(["paritykit", *sys.argv[1:]]),
        state=state,
        chart=chart,
    )
    return [*written, workbook]
