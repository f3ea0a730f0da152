"""Payer scorecard: how each payer treats a practice's claims, compared with the other payers.

:func:`payer_scorecard` takes claim lines (from :func:`paritykit.read_835`,
:func:`paritykit.read_billing_export` or any frame in the claims contract) and returns one row
per payer and, optionally, per payer x procedure code: claims, claim lines, denied lines, the
denial rate with its Wilson interval, denials by CARC category, what the payer paid per session,
days from service to payment, and each payer's denial rate compared with all other payers
pooled (rate ratio with Katz interval, chi-square or Fisher's exact test, and the p-value
adjusted across payers). Computation only: nothing is drawn or written.

The unit is the claim line (one session or service); ``claims`` counts distinct claim ids.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from paritykit import columns as C
from paritykit.classify.carc import CARC_CATEGORIES, UNKNOWN_CATEGORY, carc_table, classify_carc
from paritykit.errors import PROBLEM_COLUMNS, ConfigurationError, DataValidationError
from paritykit.stats.compare import compare_rates
from paritykit.stats.multiple import CORRECTIONS, Correction
from paritykit.stats.proportions import wilson_interval
from paritykit.vocab import CLAIM_STATUSES

__all__ = [
    "ALL_PAYERS",
    "DENIAL_CATEGORY_COLUMNS",
    "MAIN_PSYCHOTHERAPY_CODES",
    "SCORECARD_COLUMNS",
    "PayerScorecard",
    "payer_scorecard",
]

#: The psychotherapy codes most practices bill: diagnostic evaluation, 45- and 60-minute
#: psychotherapy, family psychotherapy. Their rows come first.
MAIN_PSYCHOTHERAPY_CODES: Final[tuple[str, ...]] = ("90791", "90834", "90837", "90847")
#: ``plan_id`` of the row that pools every payer.
ALL_PAYERS: Final = "All payers"
#: Denied lines by CARC category, one column per category (``unknown``: a code the table
#: lacks), then denied lines without a reason code.
DENIAL_CATEGORY_COLUMNS: Final[tuple[str, ...]] = (
    *(C.DENIED_PREFIX + c for c in (*CARC_CATEGORIES, UNKNOWN_CATEGORY)),
    C.DENIED_NO_REASON,
)
#: Columns of :meth:`PayerScorecard.to_frame`, in order.
SCORECARD_COLUMNS: Final[tuple[str, ...]] = (
    C.GROUPING,
    C.PLAN_ID,
    C.PROCEDURE_CODE,
    C.CLAIMS,
    C.CLAIM_LINES,
    C.DENIED,
    C.DENIAL_RATE,
    C.DENIAL_RATE_LOW,
    C.DENIAL_RATE_HIGH,
    *DENIAL_CATEGORY_COLUMNS,
    C.PAID_LINES,
    C.PAID_AMOUNT_MEDIAN,
    C.PAID_AMOUNT_MEAN,
    C.ALLOWED_AMOUNT_MEDIAN,
    C.DAYS_TO_PAYMENT_MEDIAN,
    C.OTHER_PAYERS_CLAIM_LINES,
    C.OTHER_PAYERS_DENIED,
    C.OTHER_PAYERS_DENIAL_RATE,
    C.RATE_RATIO,
    C.RATE_RATIO_LOW,
    C.RATE_RATIO_HIGH,
    C.P_VALUE,
    C.P_ADJUSTED,
    C.TEST,
    C.FLAGGED,
    C.NOTE,
)
#: Values of the ``grouping`` column.
GROUPINGS: Final[tuple[str, ...]] = ("all_payers", "payer", "payer_procedure")

_NEEDED: Final[tuple[str, ...]] = (C.CLAIM_ID, C.PLAN_ID, C.STATUS)
MSG_NO_LINES = "payer_scorecard needs at least one claim line; got an empty table."


@dataclass(frozen=True)
class PayerScorecard:
    """Per-payer (and per payer x procedure) denial, payment and timing measures.

    Attributes
    ----------
    table : pandas.DataFrame
        :data:`SCORECARD_COLUMNS`; ``grouping`` is ``all_payers`` (one row pooling every payer),
        ``payer`` or ``payer_procedure``.
    alpha : float
    correction : str
        The multiple-comparison correction; the family is the payer rows, and separately the
        payer x procedure rows.
    by_procedure : bool
    carc_table_version : str
        The CARC table that sorted denial reasons into categories.
    lines : int
        Claim lines scored.
    """

    table: pd.DataFrame = field(repr=False)
    alpha: float
    correction: str
    by_procedure: bool
    carc_table_version: str
    lines: int

    @property
    def payers(self) -> pd.DataFrame:
        """The payer rows (a copy)."""
        return self.table[self.table[C.GROUPING] == "payer"].reset_index(drop=True)

    @property
    def procedures(self) -> pd.DataFrame:
        """The payer x procedure rows (a copy; empty unless ``by_procedure``)."""
        return self.table[self.table[C.GROUPING] == "payer_procedure"].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """The tidy table (a copy)."""
        return self.table.copy()

    def summary(self) -> str:
        """One line per payer: denial rate with interval and the comparison with the others."""
        level = f"{1 - self.alpha:.0%}"
        lines = [
            f"Payer scorecard: {self.lines} claim lines; {level} Wilson intervals; "
            f"{self.correction} across payers; CARC table {self.carc_table_version}"
        ]
        for r in self.table[self.table[C.GROUPING] != "payer_procedure"].itertuples(index=False):
            rate = getattr(r, C.DENIAL_RATE)
            text = (
                f"{rate:.1%} [{getattr(r, C.DENIAL_RATE_LOW):.1%}, "
                f"{getattr(r, C.DENIAL_RATE_HIGH):.1%}]"
                if pd.notna(rate)
                else "n/a"
            )
            line = (
                f"  {getattr(r, C.PLAN_ID)!s:<28} {getattr(r, C.DENIED):>5} of "
                f"{getattr(r, C.CLAIM_LINES):>6} lines denied {text}"
            )
            rr = getattr(r, C.RATE_RATIO)
            if pd.notna(rr):
                line += (
                    f"; vs other payers x{rr:.2f}, adjusted p = {getattr(r, C.P_ADJUSTED):.3g}"
                    + (" FLAGGED" if getattr(r, C.FLAGGED) else "")
                )
            lines.append(line)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = html.escape(self.summary().splitlines()[0])
        return f"<p>{head}</p>" + self.table.to_html(index=False)


def _check(frame: Any) -> pd.DataFrame:
    data = getattr(frame, "claims", frame)
    if not isinstance(data, pd.DataFrame):
        raise ConfigurationError(
            f"payer_scorecard takes claim lines as a pandas DataFrame (or the result of read_835 "
            f"or read_billing_export); got {type(frame).__name__}."
        )
    missing = [c for c in _NEEDED if c not in data.columns]
    if missing:
        raise DataValidationError(
            f"the claim lines lack column(s) {missing}; expected at least {list(_NEEDED)}, "
            f"found {list(map(str, data.columns))}.",
            pd.DataFrame(
                [
                    {
                        "file": "<claims>",
                        "row": None,
                        "column": c,
                        "value": None,
                        "problem": "required column missing",
                        "expected": "a column with this name",
                    }
                    for c in missing
                ],
                columns=list(PROBLEM_COLUMNS),
            ),
        )
    if data.empty:
        raise DataValidationError(MSG_NO_LINES, pd.DataFrame(columns=list(PROBLEM_COLUMNS)))
    problems = []
    for col in (C.PLAN_ID, C.STATUS):
        bad = data[col].isna() if col == C.PLAN_ID else ~data[col].isin(CLAIM_STATUSES)
        for idx in data.index[bad][:20]:
            problems.append(
                {
                    "file": "<claims>",
                    "row": idx,
                    "column": col,
                    "value": data.at[idx, col],
                    "problem": "missing payer" if col == C.PLAN_ID else "unknown status",
                    "expected": "a payer name" if col == C.PLAN_ID else "paid or denied",
                }
            )
    if problems:
        raise DataValidationError(
            f"{len(problems)} claim line(s) cannot be scored (first: row {problems[0]['row']}, "
            f"{problems[0]['column']} = {problems[0]['value']!r}; expected "
            f"{problems[0]['expected']}). Read files with read_835 or read_billing_export, "
            "which check the claims contract.",
            pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS)),
        )
    return data


def _prepare(data: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    claim = data[C.CLAIM_ID].astype(str)
    if C.CLAIM_KEY in data.columns:  # remittances: a claim is payer + CLP01 + CLP07 + dates
        claim = data[C.CLAIM_KEY].astype(object).where(data[C.CLAIM_KEY].notna(), claim)
    cols = {
        C.CLAIM_ID: claim.astype(str),
        C.PLAN_ID: data[C.PLAN_ID].astype(str),
        C.PROCEDURE_CODE: (
            data[C.PROCEDURE_CODE].astype(object).where(data[C.PROCEDURE_CODE].notna(), "(none)")
            if C.PROCEDURE_CODE in data.columns
            else pd.Series("(none)", index=data.index, dtype=object)
        ).astype(str),
        "_denied": data[C.STATUS] == "denied",
        "_paid": data[C.STATUS] == "paid",
    }
    for col in (C.PAID_AMOUNT, C.ALLOWED_AMOUNT):
        cols[col] = (
            pd.to_numeric(data[col], errors="coerce").astype("float64")
            if col in data.columns
            else pd.Series(np.nan, index=data.index)
        )
    if C.SERVICE_DATE in data.columns and C.PAYMENT_DATE in data.columns:
        served = pd.to_datetime(data[C.SERVICE_DATE], errors="coerce")
        paid_on = pd.to_datetime(data[C.PAYMENT_DATE], errors="coerce")
        cols["_days"] = (paid_on - served).dt.days.astype("float64")
    else:
        cols["_days"] = pd.Series(np.nan, index=data.index)
    lines = pd.DataFrame(cols)
    table = carc_table()
    if C.DENIAL_REASON in data.columns:
        reasons = pd.DataFrame({C.DENIAL_REASON: data[C.DENIAL_REASON]})
        cats = classify_carc(reasons, table=table)[C.CARC_CATEGORY]
    else:
        cats = pd.Series(None, index=data.index, dtype=object)
    lines["_category"] = cats.where(lines["_denied"], None)
    return lines, table.version


def _measures(lines: pd.DataFrame, keys: list[str], alpha: float) -> pd.DataFrame:
    grouped = lines.groupby(keys, sort=True, dropna=False)
    out = grouped.agg(
        **{
            C.CLAIMS: (C.CLAIM_ID, "nunique"),
            C.CLAIM_LINES: (C.CLAIM_ID, "size"),
            C.DENIED: ("_denied", "sum"),
        }
    ).reset_index()
    intervals = [
        wilson_interval(int(k), int(n), alpha)
        for k, n in zip(out[C.DENIED], out[C.CLAIM_LINES], strict=True)
    ]
    out[C.DENIAL_RATE] = [i.estimate for i in intervals]
    out[C.DENIAL_RATE_LOW] = [i.low for i in intervals]
    out[C.DENIAL_RATE_HIGH] = [i.high for i in intervals]
    denied = lines[lines["_denied"]]
    for cat in (*CARC_CATEGORIES, UNKNOWN_CATEGORY):
        counts = denied[denied["_category"] == cat].groupby(keys, dropna=False).size()
        out[C.DENIED_PREFIX + cat] = _lookup(out, keys, counts)
    no_reason = denied[denied["_category"].isna()].groupby(keys, dropna=False).size()
    out[C.DENIED_NO_REASON] = _lookup(out, keys, no_reason)
    paid = lines[lines["_paid"]]
    with_amount = paid[paid[C.PAID_AMOUNT].notna()]
    pay = with_amount.groupby(keys, dropna=False)[C.PAID_AMOUNT]
    out[C.PAID_LINES] = _lookup(out, keys, pay.size())
    out[C.PAID_AMOUNT_MEDIAN] = _lookup(out, keys, pay.median(), fill=np.nan)
    out[C.PAID_AMOUNT_MEAN] = _lookup(out, keys, pay.mean(), fill=np.nan)
    allowed = paid[paid[C.ALLOWED_AMOUNT].notna()].groupby(keys, dropna=False)[C.ALLOWED_AMOUNT]
    out[C.ALLOWED_AMOUNT_MEDIAN] = _lookup(out, keys, allowed.median(), fill=np.nan)
    days = paid[paid["_days"].notna()].groupby(keys, dropna=False)["_days"]
    out[C.DAYS_TO_PAYMENT_MEDIAN] = _lookup(out, keys, days.median(), fill=np.nan)
    return out


def _lookup(out: pd.DataFrame, keys: list[str], values: pd.Series, fill: float = 0) -> Any:
    if not keys:
        return values.iloc[0] if len(values) else fill
    index = pd.MultiIndex.from_frame(out[keys]) if len(keys) > 1 else pd.Index(out[keys[0]])
    found = values.reindex(index)
    if fill == 0:
        return found.fillna(0).astype("int64").to_numpy()
    return found.astype("float64").to_numpy()


def _comparisons(
    measures: pd.DataFrame, keys: list[str], alpha: float, correction: str
) -> pd.DataFrame:
    """Each row's payer against every other payer pooled (same procedure code when keyed)."""
    within = [k for k in keys if k != C.PLAN_ID]
    if within:
        totals = measures.groupby(within)[[C.DENIED, C.CLAIM_LINES]].transform("sum")
    else:
        totals = measures[[C.DENIED, C.CLAIM_LINES]].sum().to_frame().T
        totals = totals.loc[[0] * len(measures)].reset_index(drop=True)
    others_denied = totals[C.DENIED].to_numpy() - measures[C.DENIED].to_numpy()
    others_lines = totals[C.CLAIM_LINES].to_numpy() - measures[C.CLAIM_LINES].to_numpy()
    sides = pd.concat(
        [
            measures[keys].assign(
                side="mhsud", events=measures[C.DENIED], trials=measures[C.CLAIM_LINES]
            ),
            measures[keys].assign(side="ms", events=others_denied, trials=others_lines),
        ],
        ignore_index=True,
    )
    rates = compare_rates(
        sides, events="events", trials="trials", by=keys, alpha=alpha, correction=correction
    )
    merged = measures[keys].merge(rates, on=keys, how="left")
    out = pd.DataFrame(
        {
            C.OTHER_PAYERS_CLAIM_LINES: merged[C.MS_TRIALS].astype("int64"),
            C.OTHER_PAYERS_DENIED: merged[C.MS_EVENTS].astype("int64"),
            C.OTHER_PAYERS_DENIAL_RATE: merged[C.MS_RATE].astype("float64"),
            C.RATE_RATIO: merged[C.RATE_RATIO],
            C.RATE_RATIO_LOW: merged[C.RATE_RATIO_LOW],
            C.RATE_RATIO_HIGH: merged[C.RATE_RATIO_HIGH],
            C.P_VALUE: merged[C.P_VALUE],
            C.P_ADJUSTED: merged[C.P_ADJUSTED],
            C.TEST: merged[C.TEST],
            C.FLAGGED: merged[C.FLAGGED].astype(bool),
            C.NOTE: merged[C.NOTE].map(_reword),
        }
    )
    return out


def _reword(note: object) -> str:
    """compare_rates speaks of MH/SUD and M/S; here the groups are one payer and the others."""
    text = "" if note is None or (isinstance(note, float) and np.isnan(note)) else str(note)
    for old, new in _NOTE_WORDS:
        text = text.replace(old, new)
    return text


_NOTE_WORDS: Final[tuple[tuple[str, str], ...]] = (
    ("no MH/SUD trials", "no lines for this payer"),
    ("no M/S trials", "no lines for the other payers"),
    ("no MH/SUD events", "no denials for this payer"),
    ("no M/S events", "no denials for the other payers"),
    ("no events on either side", "no denials for any payer"),
    ("every trials row on both sides counts as events", "every line denied"),
    ("MH/SUD", "this payer"),
    ("M/S", "the other payers"),
)


def payer_scorecard(
    claims: pd.DataFrame | Any,
    *,
    by_procedure: bool = True,
    alpha: float = 0.05,
    correction: Correction = "fdr_bh",
) -> PayerScorecard:
    """Score each payer on denials, payment and speed, and compare it with the other payers.

    Parameters
    ----------
    claims : pandas.DataFrame, Remittances or BillingExport
        Claim lines with at least ``claim_id``, ``plan_id`` (the payer) and ``status``
        (``paid``/``denied``); ``procedure_code``, ``denial_reason`` (CARC), ``paid_amount``,
        ``allowed_amount``, ``service_date`` and ``payment_date`` are used when present.
    by_procedure : bool, default True
        Add one row per payer x procedure code (paid per session is given on these rows; the
        main psychotherapy codes 90791, 90834, 90837 and 90847 come first).
    alpha : float, default 0.05
        One minus the confidence level of the intervals, and the significance level.
    correction : {"fdr_bh", "fdr_by", "holm", "hochberg", "bonferroni", "none"}
        Multiple-comparison control across payers (and, separately, across payer x procedure
        rows).

    Returns
    -------
    PayerScorecard

    Notes
    -----
    - Unit: the claim line (one session or service). ``denial_rate`` = denied lines / lines,
      with the Wilson score interval.
    - Denials by category: the CARC in ``denial_reason`` sorted by :func:`paritykit.classify_carc`
      (``denied_unknown``: a code the table lacks; ``denied_no_reason``: no code given).
    - Paid per session: median and mean ``paid_amount`` over lines with status ``paid``
      (a line paid 0 because the allowed amount went to the deductible counts, at 0).
    - Days to payment: median of ``payment_date - service_date`` over paid lines.
    - Comparison: each payer's denied lines against all other payers' pooled, with
      :func:`paritykit.compare_rates` (chi-square when every expected count is at least 5,
      else Fisher's exact test; rate ratio with the Katz interval); ``flagged`` means the
      adjusted p-value is below ``alpha`` and the payer denies more often than the others.
      A payer x procedure row is compared with the other payers' lines of the same code.
      A disparity is a warning sign that calls for an explanation, not proof of a violation.

    Examples
    --------
    >>> from paritykit import synthetic_remittances
    >>> card = payer_scorecard(synthetic_remittances(claims=400, seed=3).truth)
    >>> card.payers[["plan_id", "claim_lines", "denied"]].head(2).values.tolist()
    [['DEMO BEHAVIORAL CARE', 122, 10], ['EXAMPLE BLUE PLAN', 139, 12]]
    """
    if not (isinstance(alpha, int | float) and 0 < float(alpha) < 1):
        raise ConfigurationError(f"alpha must be strictly between 0 and 1; got {alpha!r}.")
    if correction not in CORRECTIONS:
        raise ConfigurationError(f"correction must be one of {CORRECTIONS}; got {correction!r}.")
    data = _check(claims)
    lines, version = _prepare(data)
    alpha = float(alpha)
    pooled = _measures(lines.assign(_all=ALL_PAYERS), ["_all"], alpha)
    pooled = pooled.rename(columns={"_all": C.PLAN_ID})
    pooled[C.GROUPING] = "all_payers"
    pooled[C.NOTE] = "all payers pooled"
    parts = [pooled]
    payers = _measures(lines, [C.PLAN_ID], alpha)
    payers = pd.concat([payers, _comparisons(payers, [C.PLAN_ID], alpha, correction)], axis=1)
    payers[C.GROUPING] = "payer"
    for col in (C.PAID_LINES, C.PAID_AMOUNT_MEDIAN, C.PAID_AMOUNT_MEAN, C.ALLOWED_AMOUNT_MEDIAN):
        # paid per session mixes codes at payer level: given per procedure only
        payers[col] = np.nan if col != C.PAID_LINES else payers[col]
        pooled[col] = np.nan if col != C.PAID_LINES else pooled[col]
    parts.append(payers)
    if by_procedure:
        keys = [C.PLAN_ID, C.PROCEDURE_CODE]
        procs = _measures(lines, keys, alpha)
        procs = pd.concat([procs, _comparisons(procs, keys, alpha, correction)], axis=1)
        procs[C.GROUPING] = "payer_procedure"
        main = {code: i for i, code in enumerate(MAIN_PSYCHOTHERAPY_CODES)}
        order = procs[C.PROCEDURE_CODE].map(lambda c: main.get(c, len(main)))
        procs = (
            procs.assign(_order=order)
            .sort_values([C.PLAN_ID, "_order", C.PROCEDURE_CODE], kind="stable")
            .drop(columns="_order")
        )
        parts.append(procs)
    table = pd.concat(parts, ignore_index=True)
    for col in SCORECARD_COLUMNS:
        if col not in table.columns:
            table[col] = np.nan
    table = table[list(SCORECARD_COLUMNS)]
    table[C.PROCEDURE_CODE] = table[C.PROCEDURE_CODE].astype(object)
    table.loc[table[C.GROUPING] != "payer_procedure", C.PROCEDURE_CODE] = None
    table[C.FLAGGED] = table[C.FLAGGED].astype("boolean").fillna(False).astype(bool)
    for col in (C.OTHER_PAYERS_CLAIM_LINES, C.OTHER_PAYERS_DENIED):
        table[col] = table[col].astype("Int64")
    table[C.NOTE] = table[C.NOTE].fillna("").astype(object)
    table[C.TEST] = table[C.TEST].astype(object).where(table[C.TEST].notna(), None)
    return PayerScorecard(
        table=table,
        alpha=alpha,
        correction=correction,
        by_procedure=by_procedure,
        carc_table_version=version,
        lines=len(lines),
    )
