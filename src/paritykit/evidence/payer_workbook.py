"""Write the payer scorecard as an Excel workbook with a chart (layout only; no statistics)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from paritykit import columns as C
from paritykit._version import __version__
from paritykit.evidence.workbook import NativeBarChart, SheetSpec, TableSpec, write_workbook
from paritykit.privacy import (
    COMPLEMENTARY,
    SMALL_CELL_THRESHOLD,
    SUPPRESSED,
    Relation,
    constant_sum_relations,
    row_sum_relations,
    suppress_small_cells,
)

if TYPE_CHECKING:
    from paritykit.analysis.appeal_outcomes import AppealOutcomes
    from paritykit.analysis.medicare import PaidVsMedicare
    from paritykit.analysis.payers import PayerScorecard

__all__ = [
    "MEDICARE_SHEET",
    "SHEET_NAMES",
    "medicare_sheet",
    "scorecard_relations",
    "suppress_scorecard",
    "write_payer_workbook",
]

WORKBOOK: Final = "payer_scorecard.xlsx"
CHART_STEM: Final = "payer_denial_rates"
#: Sheets of the workbook, in order.
SHEET_NAMES: Final[tuple[str, ...]] = (
    "Scorecard",
    "By procedure",
    "Denial reasons",
    "Chart",
    "Method",
    "Provenance",
)
#: The sheet added by ``--locality`` or ``--fee-schedule`` (after "Chart").
MEDICARE_SHEET: Final = "Paid vs Medicare"
DISCLAIMER: Final = (
    "Prepared with paritykit {version}. Differences between payers are warning signs that call "
    "for an explanation, not proof of a parity violation. This is not legal advice."
)
_COMPARISON: Final[tuple[str, ...]] = (
    C.OTHER_PAYERS_DENIAL_RATE,
    C.RATE_RATIO,
    C.RATE_RATIO_LOW,
    C.RATE_RATIO_HIGH,
    C.P_VALUE,
    C.P_ADJUSTED,
)
_SCORECARD: Final[tuple[str, ...]] = (
    C.PLAN_ID,
    C.CLAIMS,
    C.CLAIM_LINES,
    C.DENIED,
    C.DENIAL_RATE,
    C.DENIAL_RATE_LOW,
    C.DENIAL_RATE_HIGH,
    C.DAYS_TO_PAYMENT_MEDIAN,
    C.OTHER_PAYERS_CLAIM_LINES,
    C.OTHER_PAYERS_DENIED,
    *_COMPARISON,
    C.TEST,
    C.FLAGGED,
    C.NOTE,
    SUPPRESSED,
    COMPLEMENTARY,
)
_PROCEDURES: Final[tuple[str, ...]] = (
    C.PLAN_ID,
    C.PROCEDURE_CODE,
    C.CLAIM_LINES,
    C.DENIED,
    C.DENIAL_RATE,
    C.DENIAL_RATE_LOW,
    C.DENIAL_RATE_HIGH,
    C.PAID_LINES,
    C.PAID_AMOUNT_MEDIAN,
    C.PAID_AMOUNT_MEAN,
    C.ALLOWED_AMOUNT_MEDIAN,
    C.DAYS_TO_PAYMENT_MEDIAN,
    C.OTHER_PAYERS_CLAIM_LINES,
    C.OTHER_PAYERS_DENIED,
    *_COMPARISON,
    C.FLAGGED,
    C.NOTE,
    SUPPRESSED,
    COMPLEMENTARY,
)


def suppress_scorecard(
    table: pd.DataFrame, *, threshold: int = SMALL_CELL_THRESHOLD
) -> pd.DataFrame:
    """Blank counts from 1 to ``threshold - 1`` in a scorecard table and what reveals them.

    A small ``claim_lines`` blanks the whole row; a small ``denied`` blanks the rate, its
    interval and the comparison; a small ``paid_lines`` blanks the payment figures; small
    other-payer counts blank the comparison.

    Examples
    --------
    >>> t = pd.DataFrame({"claims": [500], "claim_lines": [500], "denied": [4],
    ...                   "denial_rate": [0.008]})
    >>> suppress_scorecard(t)["suppressed"].tolist()
    ['denied, denial_rate']
    """
    from paritykit.analysis.payers import DENIAL_CATEGORY_COLUMNS

    rate = [C.DENIAL_RATE, C.DENIAL_RATE_LOW, C.DENIAL_RATE_HIGH]
    paid = [
        C.PAID_AMOUNT_MEDIAN,
        C.PAID_AMOUNT_MEAN,
        C.ALLOWED_AMOUNT_MEDIAN,
        C.DAYS_TO_PAYMENT_MEDIAN,
    ]
    dependents = {
        C.CLAIM_LINES: [*rate, *paid, *_COMPARISON],
        C.DENIED: [*rate, *_COMPARISON],
        C.PAID_LINES: paid,
        C.OTHER_PAYERS_CLAIM_LINES: list(_COMPARISON),
        C.OTHER_PAYERS_DENIED: list(_COMPARISON),
    }
    counts = [
        C.CLAIMS,
        C.CLAIM_LINES,
        C.DENIED,
        *DENIAL_CATEGORY_COLUMNS,
        C.PAID_LINES,
        C.OTHER_PAYERS_CLAIM_LINES,
        C.OTHER_PAYERS_DENIED,
    ]
    return suppress_small_cells(
        table,
        counts=counts,
        dependents=dependents,
        whole_row_if=(C.CLAIM_LINES,),
        threshold=threshold,
        relations=scorecard_relations(table),
    )


def scorecard_relations(table: pd.DataFrame) -> list[Relation]:
    """The sums a reader of the scorecard can form: in each row, claim lines = denied + paid
    lines and denied = the denied lines of each reason; the payers add up to "All payers", and
    each payer's procedure rows to the payer; this payer plus the other payers give the same
    total on every row (of a procedure code, for procedure rows).
    """
    from paritykit.analysis.payers import ALL_PAYERS, DENIAL_CATEGORY_COLUMNS

    relations = row_sum_relations(table, C.CLAIM_LINES, [C.DENIED, C.PAID_LINES])
    if C.GROUPING not in table.columns:
        return relations + row_sum_relations(table, C.DENIED, list(DENIAL_CATEGORY_COLUMNS))
    payers = table[table[C.GROUPING] == "payer"]
    procedures = table[table[C.GROUPING] == "payer_procedure"]
    top = table[table[C.GROUPING] != "payer_procedure"]
    # denial reasons are shown for payers only (the Denial reasons sheet)
    relations += row_sum_relations(top, C.DENIED, list(DENIAL_CATEGORY_COLUMNS))
    summed = [C.CLAIM_LINES, C.DENIED, C.PAID_LINES]
    total = table.index[table[C.PLAN_ID] == ALL_PAYERS]
    for column in [c for c in [*summed, *DENIAL_CATEGORY_COLUMNS] if c in table.columns]:
        if len(total):
            relations.append(
                (*(((i, column), 1.0) for i in payers.index), ((total[0], column), -1.0))
            )
    for column in [c for c in summed if c in table.columns]:
        for payer, rows in procedures.groupby(C.PLAN_ID, sort=False).groups.items():
            row = payers.index[payers[C.PLAN_ID] == payer]
            if len(row):
                relations.append((*(((i, column), 1.0) for i in rows), ((row[0], column), -1.0)))
    for count, others in (
        (C.DENIED, C.OTHER_PAYERS_DENIED),
        (C.CLAIM_LINES, C.OTHER_PAYERS_CLAIM_LINES),
    ):
        relations += constant_sum_relations(payers, count, others)
        if C.PROCEDURE_CODE in procedures.columns:
            relations += constant_sum_relations(procedures, count, others, by=[C.PROCEDURE_CODE])
    return relations


def _pick(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    return frame[[c for c in columns if c in frame.columns]].reset_index(drop=True)


def _save_chart(table: pd.DataFrame, card: PayerScorecard, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paritykit.evidence.payer_charts import plot_payer_denial_rates

    # the chart draws the table as shown (suppressed rates are not drawn)
    frame = table.copy()
    ax = plot_payer_denial_rates(frame)
    # the table carries no alpha: label the interval from the scorecard
    ax.set_xlabel(
        f"share of claim lines denied (dot) with {1 - card.alpha:.0%} Wilson interval (bar)",
        fontsize=9,
    )
    fig = ax.figure
    try:
        from paritykit.evidence.charts import save_figure
    except ImportError:  # pragma: no cover - charts.py ships with the evidence pack
        from paritykit._atomic import atomic_path

        target = out / f"{CHART_STEM}.png"
        with atomic_path(target) as tmp:
            fig.savefig(tmp, dpi=110, bbox_inches="tight", format="png")
        paths = [target]
    else:
        paths = save_figure(fig, out / CHART_STEM, formats=("png",), dpi=110)
    plt.close(fig)
    return paths


def write_payer_workbook(
    card: PayerScorecard,
    out_dir: str | os.PathLike[str],
    *,
    inputs: Sequence[tuple[Path, str]] = (),
    suppress: bool = True,
    command: str = "",
    medicare: PaidVsMedicare | None = None,
    appeals: AppealOutcomes | None = None,
) -> list[Path]:
    """Write ``payer_scorecard.xlsx`` and ``payer_denial_rates.png`` into ``out_dir``.

    Parameters
    ----------
    card : PayerScorecard
        From :func:`paritykit.payer_scorecard`.
    out_dir : path
        The folder (created if needed).
    inputs : sequence of (path, kind)
        Input files, listed with size and SHA-256 on the Provenance sheet.
    suppress : bool
        Apply small-cell suppression (:func:`suppress_scorecard`).
    command : str
        The command line that reproduces the workbook.
    medicare : PaidVsMedicare, optional
        From :func:`paritykit.analysis.medicare.paid_vs_medicare`: adds the "Paid vs Medicare"
        sheet (:func:`medicare_sheet`).
    appeals : AppealOutcomes, optional
        From :func:`paritykit.appeal_outcomes`: adds the "Appeal outcomes" sheet (before
        Method) and ``appeal_outcomes.png`` (:mod:`paritykit.evidence.appeal_sheet`).

    Returns
    -------
    list of pathlib.Path
        The workbook, then the chart image(s).
    """
    from paritykit.safety import publish, staged_output

    out = Path(out_dir)
    with staged_output(out) as staging:  # a failed run leaves nothing in out_dir
        written = _write_files(
            card,
            staging,
            inputs=inputs,
            suppress=suppress,
            command=command,
            medicare=medicare,
            appeals=appeals,
        )
        return publish(staging, out, written, keep=[p for p, _ in inputs])


def _write_files(
    card: PayerScorecard,
    out: Path,
    *,
    inputs: Sequence[tuple[Path, str]],
    suppress: bool,
    command: str,
    medicare: PaidVsMedicare | None = None,
    appeals: AppealOutcomes | None = None,
) -> list[Path]:
    from paritykit.analysis.payers import DENIAL_CATEGORY_COLUMNS
    from paritykit.report import file_sha256

    table = card.to_frame()
    table = suppress_scorecard(table) if suppress else table.assign(**{SUPPRESSED: ""})
    images = _save_chart(table, card, out)
    top = table[table[C.GROUPING] != "payer_procedure"]
    procs = table[table[C.GROUPING] == "payer_procedure"]
    used = [
        c
        for c in DENIAL_CATEGORY_COLUMNS
        if pd.to_numeric(card.table[c], errors="coerce").fillna(0).sum() > 0
    ]
    reasons = _pick(table[table[C.DENIED] != 0], [C.PLAN_ID, C.PROCEDURE_CODE, C.DENIED, *used])
    reasons[SUPPRESSED] = table.loc[table[C.DENIED] != 0, SUPPRESSED].to_numpy()
    if COMPLEMENTARY in table.columns:  # cells hidden only to protect others read "suppressed"
        reasons[COMPLEMENTARY] = table.loc[table[C.DENIED] != 0, COMPLEMENTARY].to_numpy()
    suppression_note = (
        f"Counts from 1 to {SMALL_CELL_THRESHOLD - 1}, and figures that would reveal them, are "
        "shown as <11 or 'suppressed'."
        if suppress
        else "Small-cell suppression is OFF (--no-suppress): for the practice's own use only."
    )
    sheets = [
        SheetSpec(
            "Scorecard",
            "Payer scorecard: claim-line denial rates, each payer against all other payers",
            notes=(DISCLAIMER.format(version=__version__), suppression_note),
            tables=(
                TableSpec(
                    _pick(top, _SCORECARD),
                    chart=NativeBarChart(
                        C.PLAN_ID,
                        (C.DENIAL_RATE, C.OTHER_PAYERS_DENIAL_RATE),
                        "Denial rate: payer vs all other payers",
                        "share of claim lines denied",
                    ),
                    count_columns=(C.OTHER_PAYERS_CLAIM_LINES, C.OTHER_PAYERS_DENIED),
                ),
            ),
            wrap_columns=(C.NOTE,),
            chart_sheet="Chart",
        ),
        SheetSpec(
            "By procedure",
            "Payer x procedure code: denials, paid per session, days to payment",
            notes=(
                "Paid per session: median and mean paid amount over lines adjudicated as "
                "payable (a line paid 0 because the deductible applied counts at 0). Each row "
                "is compared with the other payers' lines of the same code.",
                suppression_note,
            ),
            tables=(
                TableSpec(
                    _pick(procs, _PROCEDURES),
                    count_columns=(C.PAID_LINES, C.OTHER_PAYERS_CLAIM_LINES, C.OTHER_PAYERS_DENIED),
                ),
            )
            if len(procs)
            else (),
        ),
        SheetSpec(
            "Denial reasons",
            "Denied claim lines by CARC category",
            notes=(
                f"CARC categories from paritykit's table version {card.carc_table_version}; "
                "denied_unknown: a code the table does not know; denied_no_reason: no code.",
                suppression_note,
            ),
            tables=(TableSpec(reasons),),
        ),
        SheetSpec(
            "Chart",
            "Claim-line denial rate by payer with its interval",
            notes=(
                "The bar chart is drawn from the Scorecard sheet; in the picture the dashed line "
                "is the rate over all payers.",
            ),
            images=tuple(p for p in images if p.suffix == ".png"),
        ),
        *([medicare_sheet(medicare, procs, suppress)] if medicare is not None else []),
        _method_sheet(card, suppress),
        _provenance_sheet(inputs, command, file_sha256),
    ]
    if appeals is not None:
        from paritykit.evidence.appeal_sheet import appeal_outcomes_sheet

        appeal_sheet, appeal_images = appeal_outcomes_sheet(appeals, out, suppress=suppress)
        sheets.insert(len(sheets) - 2, appeal_sheet)
        images = [*images, *appeal_images]
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    workbook = write_workbook(
        sheets, out / WORKBOOK, running_head=f"Payer scorecard; generated {generated}"
    )
    return [workbook, *images]


def medicare_sheet(
    medicare: PaidVsMedicare, procedures: pd.DataFrame, suppress: bool = True
) -> SheetSpec:
    """The "Paid vs Medicare" sheet: median paid and allowed per payer and code against the
    Medicare amount of the practice's locality (or the user's fee schedule).

    With ``suppress``, line counts from 1 to 10 and the figures computed from them are withheld
    (:func:`paritykit.analysis.medicare.suppress_paid_vs_medicare`), and so is every line count
    the scorecard's "By procedure" rows (``procedures``, as shown) withhold for the same payer
    and code: both count the same paid lines, and the scorecard hides a large paid-lines count
    when it would give away a small denied count.
    """
    from paritykit.analysis.medicare import MEDICARE_COLUMNS, suppress_paid_vs_medicare
    from paritykit.evidence.workbook import DOLLARS_CENTS

    table = medicare.to_frame()
    if suppress:
        table = suppress_paid_vs_medicare(table)
        if C.PAID_LINES in procedures.columns and len(procedures):
            hidden = procedures.loc[procedures[C.PAID_LINES].isna(), [C.PLAN_ID, C.PROCEDURE_CODE]]
            keys = set(zip(hidden[C.PLAN_ID], hidden[C.PROCEDURE_CODE], strict=True))
            also = [
                (p, c) in keys and pd.notna(n)
                for p, c, n in zip(
                    table[C.PAYER], table[C.PROCEDURE_CODE], table[C.N_LINES], strict=True
                )
            ]
            # the count only: with the claim lines it would give a denied count the scorecard
            # withholds; a median over 11 or more lines reveals no count
            for i in table.index[also]:
                table.loc[i, C.N_LINES] = np.nan
                table.loc[i, SUPPRESSED] = ", ".join(
                    p for p in (str(table.loc[i, SUPPRESSED] or ""), C.N_LINES) if p
                )
    else:
        table = table.assign(**{SUPPRESSED: ""})
    shown = table[[*MEDICARE_COLUMNS, SUPPRESSED]].reset_index(drop=True)
    dollars = [DOLLARS_CENTS] * len(shown)
    percent = ['0.0"%"'] * len(shown)
    schedule = medicare.schedule
    unpriced = medicare.unpriced
    notes = [
        f"Fee schedule: {schedule.source}, year {schedule.year}. Medicare amount = [(work RVU x "
        "work GPCI) + (non-facility PE RVU x PE GPCI) + (MP RVU x MP GPCI)] x conversion factor, "
        "the non-facility (office) amount, before the 2% sequestration and without the lower "
        "rate Medicare pays some non-physician practitioners.",
        "Lines: paid lines with a paid amount (a line paid 0 because of the deductible counts, "
        "at 0), per unit. allowed_pct_of_medicare is the like-for-like comparison: both the "
        "allowed amount and the Medicare amount include the patient's share.",
        f"Compare with care: a fee schedule of {schedule.year} against services of other years "
        "shifts every percentage; a payer may pay some clinician types at a different rate.",
    ]
    if medicare.other_years:
        notes.append(
            f"The services are dated {', '.join(map(str, medicare.service_years))}; the fee "
            f"schedule is of {schedule.year}. Pass the services' year with --fee-schedule for a "
            "same-year comparison."
        )
    if len(unpriced):
        notes.append(
            "Not in the fee schedule (kept with their counts, not compared): "
            + ", ".join(sorted(set(unpriced[C.PROCEDURE_CODE])))
            + ". HCPCS H- and S-codes are not priced on the Medicare PFS."
        )
    if len(schedule.problems):
        notes.append(
            f"{len(schedule.problems)} row(s) of the fee schedule were left out: see problems.csv."
        )
    notes.append(
        f"Counts from 1 to {SMALL_CELL_THRESHOLD - 1}, and figures that would reveal them, are "
        "withheld; a line count the By procedure sheet withholds is withheld here too (its "
        "medians, over 11 or more lines, are shown)."
        if suppress
        else "Small-cell suppression is OFF (--no-suppress): for the practice's own use only."
    )
    return SheetSpec(
        MEDICARE_SHEET,
        "Paid per session as a percentage of the Medicare fee schedule amount",
        notes=tuple(notes),
        tables=(
            TableSpec(
                shown,
                count_columns=(C.N_LINES,),
                cell_formats={
                    C.MEDIAN_PAID: dollars,
                    C.MEDIAN_ALLOWED: dollars,
                    C.MEDICARE_AMOUNT: dollars,
                    C.PAID_PCT_OF_MEDICARE: percent,
                    C.ALLOWED_PCT_OF_MEDICARE: percent,
                },
            ),
        ),
        wrap_columns=(C.FEE_SCHEDULE_SOURCE, C.NOTE),
    )


def _method_sheet(card: PayerScorecard, suppress: bool) -> SheetSpec:
    from paritykit.stats.compare import TEST_CHI_SQUARE, TEST_FISHER_SMALL

    rows = [
        ("unit", "claim line (one session or service); claims = distinct claim numbers"),
        (
            "denial rate",
            "denied lines / lines; denied = CLP02 4, or a line paid 0 with a denial CARC",
        ),
        ("interval", f"Wilson score interval, {1 - card.alpha:.0%} confidence"),
        (
            "payer comparison",
            "each payer's denied lines against all other payers' pooled lines: "
            f"{TEST_CHI_SQUARE}; {TEST_FISHER_SMALL}; rate ratio with the Katz log interval",
        ),
        (
            "multiple comparisons",
            f"{card.correction} across payers (and separately across payer x procedure rows); "
            "flagged = adjusted p-value below alpha and the payer denies more often",
        ),
        ("alpha", f"{card.alpha:g}"),
        ("denial categories", f"paritykit CARC table version {card.carc_table_version}"),
        (
            "paid per session",
            "median and mean paid amount of lines adjudicated as payable, per procedure code",
        ),
        ("days to payment", "median of payment date (835 BPR16) minus service date, paid lines"),
        (
            "small-cell suppression",
            f"on: counts 1-{SMALL_CELL_THRESHOLD - 1} and values derived from them withheld"
            if suppress
            else "OFF (--no-suppress): do not share this workbook",
        ),
        ("claim lines scored", str(card.lines)),
    ]
    return SheetSpec(
        "Method",
        "Method",
        notes=(DISCLAIMER.format(version=__version__),),
        tables=(TableSpec(pd.DataFrame(rows, columns=["item", "value"])),),
        wrap_columns=("value",),
    )


def _provenance_sheet(inputs: Sequence[tuple[Path, str]], command: str, sha) -> SheetSpec:  # type: ignore[no-untyped-def]
    about = pd.DataFrame(
        [
            ("paritykit version", __version__),
            ("python", platform.python_version()),
            ("platform", sys.platform),
            ("generated (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")),
            ("command to reproduce", command),
        ],
        columns=["item", "value"],
    )
    files = pd.DataFrame(
        [
            {"file": Path(p).name, "kind": kind, "bytes": Path(p).stat().st_size, "sha256": sha(p)}
            for p, kind in inputs
        ],
        columns=["file", "kind", "bytes", "sha256"],
    )
    return SheetSpec(
        "Provenance",
        "Provenance",
        notes=("Input files with sizes and SHA-256 hashes; rerun the command to reproduce.",),
        tables=(
            TableSpec(about, "Run", verbatim_columns=("item", "value")),
            TableSpec(files, "Inputs"),
        ),
    )
