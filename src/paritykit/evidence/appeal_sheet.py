"""The "Appeal outcomes" sheet of the payer scorecard and its chart (layout only)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

from paritykit import columns as C
from paritykit.evidence.workbook import SheetSpec, TableSpec
from paritykit.privacy import SMALL_CELL_THRESHOLD, SUPPRESSED

if TYPE_CHECKING:
    from paritykit.analysis.appeal_outcomes import AppealOutcomes

__all__ = ["APPEAL_CHART_STEM", "APPEAL_SHEET", "appeal_outcomes_sheet", "appeal_sheet_table"]

#: The sheet's name in ``payer_scorecard.xlsx`` (present when an appeal log is given).
APPEAL_SHEET: Final = "Appeal outcomes"
#: The chart file written beside the workbook, without suffix.
APPEAL_CHART_STEM: Final = "appeal_outcomes"


def appeal_sheet_table(outcomes: AppealOutcomes, *, suppress: bool = True):  # type: ignore[no-untyped-def]
    """The outcome table as the sheet shows it (suppressed by default), with ``suppressed``.

    Examples
    --------
    >>> import pandas as pd
    >>> from paritykit.analysis.appeal_outcomes import appeal_outcomes
    >>> log = pd.DataFrame({"claim_id": ["A", "A"], "plan_id": ["P", "P"],
    ...     "event": ["appeal_filed", "appeal_decided"], "date": ["2024-03-01", "2024-04-01"],
    ...     "outcome": [None, "overturned"]})
    >>> appeal_sheet_table(appeal_outcomes(log))["appeals_decided"].isna().iloc[0]
    np.True_
    """
    from paritykit.analysis.appeal_outcomes import suppress_appeal_outcomes

    table = outcomes.to_frame()
    return suppress_appeal_outcomes(table) if suppress else table.assign(**{SUPPRESSED: ""})


def _save_chart(table, out: Path, alpha: float) -> list[Path]:  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paritykit.evidence.appeal_charts import plot_appeal_outcomes
    from paritykit.evidence.charts import save_figure

    ax = plot_appeal_outcomes(table, alpha=alpha)
    paths = save_figure(ax.figure, out / APPEAL_CHART_STEM, formats=("png",), dpi=110)
    plt.close(ax.figure)
    return paths


def appeal_outcomes_sheet(
    outcomes: AppealOutcomes, out: Path, *, suppress: bool = True
) -> tuple[SheetSpec, list[Path]]:
    """Build the "Appeal outcomes" sheet and write its chart into ``out``.

    Parameters
    ----------
    outcomes : AppealOutcomes
        From :func:`paritykit.appeal_outcomes`.
    out : pathlib.Path
        The folder the chart is written to (the workbook's staging folder).
    suppress : bool
        Small-cell suppression (counts 1-10 and the rates that reveal them withheld).

    Returns
    -------
    (SheetSpec, list of pathlib.Path)
        The sheet and the chart written.
    """
    from paritykit.analysis.appeal_outcomes import PUBLISHED_SOURCE_LABEL

    table = appeal_sheet_table(outcomes, suppress=suppress)
    images = _save_chart(table, out, outcomes.alpha)
    columns = [
        C.GROUPING,
        C.GROUP_VALUE,
        C.APPEALS_DECIDED,
        C.OVERTURNED,
        C.UPHELD,
        C.OVERTURN_RATE,
        C.OVERTURN_RATE_LOW,
        C.OVERTURN_RATE_HIGH,
        C.PUBLISHED_RATE,
        C.PUBLISHED_SOURCE,
        SUPPRESSED,
    ]
    notes = (
        "One decision is one appeal_decided row of the appeal log (internal appeals) or one "
        "external_review_decided row (external reviews). overturn_rate = overturned / decided; "
        "upheld counts decisions that kept the denial in full or in part.",
        "What the appeal contained is read from the latest appeal_filed row of the claim on "
        "or before the decision; 'not recorded' when the log says neither yes nor no. The "
        "denial category is that of the claim's first denied line (CARC).",
        f"published_rate: {PUBLISHED_SOURCE_LABEL}. paritykit could not find the study behind "
        "them; compare your own rates, not theirs.",
        f"{1 - outcomes.alpha:.0%} Wilson score intervals. "
        + (
            f"Counts from 1 to {SMALL_CELL_THRESHOLD - 1}, and figures that would reveal them, "
            "are withheld."
            if suppress
            else "Small-cell suppression is OFF (--no-suppress): for the practice's own use only."
        ),
    )
    sheet = SheetSpec(
        APPEAL_SHEET,
        "What works: overturn rates of your appeals, beside published figures",
        notes=notes,
        tables=(
            TableSpec(
                table[[c for c in columns if c in table.columns]].reset_index(drop=True),
                count_columns=(C.APPEALS_DECIDED, C.OVERTURNED, C.UPHELD),
            ),
        ),
        images=tuple(p for p in images if p.suffix == ".png"),
        wrap_columns=(C.PUBLISHED_SOURCE,),
    )
    return sheet, images
