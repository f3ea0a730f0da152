"""The public-issuer-data workbook (``paritykit issuers``): tables, chart, method, provenance.

Lays out an :class:`paritykit.IssuerDenials` result; computes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from paritykit import columns as C
from paritykit.evidence.pack import provenance_sheet
from paritykit.evidence.workbook import NativeBarChart, SheetSpec, TableSpec, write_workbook

__all__ = ["ISSUER_SHEETS", "write_issuer_workbook"]

ISSUER_SHEETS: tuple[str, ...] = (
    "Summary",
    "Issuer rates",
    "Issuer rates chart",
    "Comparisons",
    "Appeals and BH share",
    "Exclusions",
    "Method",
    "Provenance",
)
CAVEATS = (
    "Figures are self-reported by issuers to CMS, unaudited, for HealthCare.gov states only, "
    "and about two years old. Denials are counted as claims, not people, and issuers code "
    "reasons inconsistently. Differences are warning signs, not proof.",
)


def write_issuer_workbook(
    result: Any,
    path: str | os.PathLike[str],
    *,
    inputs: pd.DataFrame,
    command: str,
    state: str | None = None,
    chart: Path | None = None,
) -> Path:
    """Write the issuer comparison workbook atomically and return its path.

    Parameters
    ----------
    result : IssuerDenials
        From :func:`paritykit.issuer_denials`.
    path : path
        The ``.xlsx`` file to write.
    inputs : pandas.DataFrame
        Input files with sizes and SHA-256 hashes (Provenance sheet).
    command : str
        The command that reproduces the workbook.
    state : str, optional
        Two-letter state the issuer tables are restricted to.
    chart : path, optional
        A PNG (the ranked dot plot) to embed on the Issuer rates sheet.
    """

    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        return frame if state is None else frame[frame[C.STATE] == state]

    rates = pick(result.rates)
    in_network = rates[rates["network"] == rates["network"].iloc[0]] if len(rates) else rates
    labelled = in_network.assign(issuer=in_network["issuer_name"].astype(str).str.slice(0, 40))
    summary = (
        result.pooled
        if state is None
        else result.pooled[result.pooled[C.STATE].isna() | (result.pooled[C.STATE] == state)]
    )
    sheets = [
        SheetSpec(
            "Summary",
            "Claim denial rates: state and national pooled figures",
            notes=(
                f"Source: {result.source}; plan year {result.plan_year}; filters: "
                f"{result.filters}.",
                *CAVEATS,
            ),
            tables=(
                TableSpec(summary, "Pooled denial rates"),
                TableSpec(result.pooled_appeals, "Appeals and behavioral-health share"),
            ),
        ),
        SheetSpec(
            "Issuer rates",
            "Denial rates by issuer, ranked within state, with Wilson intervals",
            tables=(
                TableSpec(
                    labelled if len(labelled) <= 60 else rates,
                    chart=NativeBarChart(
                        "issuer", (C.DENIAL_RATE,), "Denial rate by issuer", "claims denied"
                    )
                    if 0 < len(labelled) <= 60
                    else None,
                ),
            ),
            images=(chart,) if chart is not None else (),
        ),
        SheetSpec(
            "Comparisons",
            "Each issuer against the rest of its state and the rest of the nation",
            notes=(
                "Rate ratio with interval and p-value, adjusted across issuers (Holm and "
                "Benjamini-Hochberg).",
            ),
            tables=(TableSpec(pick(result.comparisons)),),
        ),
        SheetSpec(
            "Appeals and BH share",
            "Appeals and behavioral-health medical-necessity denials by issuer",
            tables=(TableSpec(pick(result.issuers)),),
        ),
        SheetSpec(
            "Exclusions",
            "Issuers excluded, with reasons",
            notes=("Nothing is dropped silently.",),
            tables=(TableSpec(pick(result.exclusions)),),
            wrap_columns=("detail",),
        ),
        SheetSpec(
            "Method",
            "Method",
            tables=(
                TableSpec(
                    pd.DataFrame(
                        [
                            ("file layout", str(result.layout)),
                            ("filters", result.filters),
                            ("intervals", "Wilson score intervals for rates"),
                            (
                                "comparisons",
                                "rate ratio vs the rest of the state and nation; "
                                "p-values adjusted across issuers (Holm, Benjamini-Hochberg)",
                            ),
                            ("alpha", f"{result.alpha:g}"),
                            ("statistics backend", str(result.stats_backend)),
                            (
                                "small cells",
                                "public CMS data, already suppressed by CMS ('**'); paritykit "
                                "also hides counts from 1 to 10 and every cell that would give "
                                "one back through a state or national total ('suppressed' "
                                "column), unless --no-suppress",
                            ),
                            ("caveats", CAVEATS[0]),
                        ],
                        columns=["item", "value"],
                    )
                ),
            ),
            wrap_columns=("value",),
        ),
        provenance_sheet(inputs, command),
    ]
    return write_workbook(
        sheets, path, running_head=f"Issuer denial rates, plan year {result.plan_year}"
    )
