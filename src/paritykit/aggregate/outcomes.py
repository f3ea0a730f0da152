"""Outcome summaries of claim lines, by group and side (MH/SUD vs M/S), computed in the engine.

The whole group-by runs in the engine (DuckDB, Spark or any Ibis backend); only one row per
group and side comes back to pandas, where the rates are derived from the counts. Amounts are
summed as exact decimals, so the result never depends on row order or engine.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from paritykit import columns as C
from paritykit.classify.claims import as_claims_table, classify_claims, raise_if_unmapped
from paritykit.classify.rules import DENIAL_CATEGORIES, RuleSet, default_rules, load_rules
from paritykit.errors import ConfigurationError

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "COUNT_COLUMNS",
    "GROUP_KEYS",
    "IDENTIFYING_COLUMNS",
    "OUTCOME_COLUMNS",
    "RATE_COLUMNS",
    "RATE_DEFINITIONS",
    "summarize_outcomes",
]

Unit = Literal["line", "claim"]

#: The group keys :func:`summarize_outcomes` accepts (``side`` is always added).
GROUP_KEYS: tuple[str, ...] = (
    C.PLAN_ID,
    C.CLASSIFICATION,
    C.SUB_CLASSIFICATION,
    C.CLAIM_TYPE,
    C.NETWORK_STATUS,
    C.PLACE_OF_SERVICE,
    C.PROCEDURE_CODE,
    C.REVENUE_CODE,
    C.BILL_TYPE,
    C.DIAGNOSIS_CODE,
    C.STATUS,
    C.DENIAL_REASON,
    C.PRIOR_AUTH,
)
#: Columns that identify a person, a claim or a claim line: never a group key, since one row
#: per member (or claim) would carry person-level counts out of the aggregation step.
IDENTIFYING_COLUMNS: tuple[str, ...] = (
    C.MEMBER_ID,
    C.CLAIM_ID,
    C.LINE_NUMBER,
    C.PROVIDER_ID,
)

_REASON_COLUMNS = {
    "medical_necessity": C.DENIED_MEDICAL_NECESSITY,
    "prior_auth": C.DENIED_PRIOR_AUTH,
    "missing_information": C.DENIED_MISSING_INFORMATION,
    "non_covered": C.DENIED_NON_COVERED,
    "administrative": C.DENIED_ADMINISTRATIVE,
    "benefit_limit": C.DENIED_BENEFIT_LIMIT,
}
#: Counts per group and side (lines, or claims with ``unit="claim"``), in output order.
COUNT_COLUMNS: tuple[str, ...] = (
    C.CLAIMS,
    C.CLAIM_LINES,
    C.DENIED,
    *(_REASON_COLUMNS[k] for k in DENIAL_CATEGORIES),
    C.PRIOR_AUTH_REQUESTS,
    C.PRIOR_AUTH_DENIED,
    C.OUT_OF_NETWORK_CLAIMS,
)
_AMOUNT_COLUMNS: tuple[str, ...] = (C.BILLED_AMOUNT, C.ALLOWED_AMOUNT, C.PAID_AMOUNT)
#: rate column -> (numerator, denominator).
RATE_DEFINITIONS: dict[str, tuple[str, str]] = {
    C.DENIAL_RATE: (C.DENIED, C.CLAIMS),
    C.MEDICAL_NECESSITY_DENIAL_RATE: (C.DENIED_MEDICAL_NECESSITY, C.CLAIMS),
    C.PRIOR_AUTH_REASON_DENIAL_RATE: (C.DENIED_PRIOR_AUTH, C.CLAIMS),
    C.PRIOR_AUTH_DENIAL_RATE: (C.PRIOR_AUTH_DENIED, C.PRIOR_AUTH_REQUESTS),
    C.OUT_OF_NETWORK_RATE: (C.OUT_OF_NETWORK_CLAIMS, C.CLAIMS),
    C.ALLOWED_PER_UNIT: (C.ALLOWED_AMOUNT, C.CLAIMS),
    C.PAID_TO_ALLOWED: (C.PAID_AMOUNT, C.ALLOWED_AMOUNT),
}
RATE_COLUMNS: tuple[str, ...] = tuple(RATE_DEFINITIONS)
#: Columns after the group keys and ``side``, in output order.
OUTCOME_COLUMNS: tuple[str, ...] = (
    C.RULESET_VERSION,
    C.UNIT,
    *COUNT_COLUMNS,
    *_AMOUNT_COLUMNS,
    C.DECISION_DAYS_MEAN,
    *RATE_COLUMNS,
    C.NOTE,
)
_DD_SUM = "_decision_days_sum"
_DD_N = "_decision_days_n"


def _as_rules(rules: RuleSet | str | os.PathLike[str] | None) -> RuleSet:
    if rules is None:
        return default_rules()
    return rules if isinstance(rules, RuleSet) else load_rules(rules)


def _line_measures(t: ir.Table, rules: RuleSet) -> dict[str, Any]:
    """Per-line 0/1 indicators and amounts, as engine expressions."""
    import ibis

    denied = (t[C.STATUS] == "denied").fill_null(False)
    zero = ibis.literal(0, type="int64")
    measures: dict[str, Any] = {C.DENIED: denied.cast("int64")}
    for key in DENIAL_CATEGORIES:
        codes = rules.denial_reasons.get(key, ())
        if codes and C.DENIAL_REASON in t.columns:
            hit = (denied & t[C.DENIAL_REASON].isin(codes)).fill_null(False)
            measures[_REASON_COLUMNS[key]] = hit.cast("int64")
        else:
            measures[_REASON_COLUMNS[key]] = zero
    if C.PRIOR_AUTH in t.columns:
        pa = t[C.PRIOR_AUTH]
        requested = pa.isin(("approved", "denied")).fill_null(False)
        measures[C.PRIOR_AUTH_REQUESTS] = requested.cast("int64")
        measures[C.PRIOR_AUTH_DENIED] = (pa == "denied").fill_null(False).cast("int64")
    else:
        measures[C.PRIOR_AUTH_REQUESTS] = zero
        measures[C.PRIOR_AUTH_DENIED] = zero
    measures[C.OUT_OF_NETWORK_CLAIMS] = (
        (t[C.NETWORK_STATUS] == "out").fill_null(False).cast("int64")
    )
    for col in _AMOUNT_COLUMNS:
        measures[col] = t[col] if col in t.columns else ibis.null("decimal(18, 2)")
    if C.DECISION_DAYS in t.columns:
        measures[_DD_SUM] = t[C.DECISION_DAYS]
        measures[_DD_N] = t[C.DECISION_DAYS].notnull().cast("int64")
    else:
        measures[_DD_SUM] = ibis.null("decimal(18, 2)")
        measures[_DD_N] = zero
    return measures


#: The columns the line indicators read (status, reason, prior authorization, network).
_OUTCOME_INPUTS: tuple[str, ...] = (C.STATUS, C.DENIAL_REASON, C.PRIOR_AUTH, C.NETWORK_STATUS)
_N = "_lines"


def _aggregate_lines(t: ir.Table, keys: list[str], rules: RuleSet) -> ir.Table:
    """Line counts in two steps: group by the keys and the few outcome columns, then weigh.

    The indicators (denied, each reason group, prior authorization, out of network) depend
    only on :data:`_OUTCOME_INPUTS`, which take few values. Counting lines per key and
    outcome value first, and evaluating the indicators once per such group (weighted by its
    line count), gives the same sums as evaluating them on every line, at a fraction of the
    cost: the engine's hash aggregation does the per-line work.
    """
    extra = [c for c in _OUTCOME_INPUTS if c in t.columns and c not in keys]
    amounts = {a: t[a].sum() for a in _AMOUNT_COLUMNS if a in t.columns}
    if C.DECISION_DAYS in t.columns:
        amounts[_DD_SUM] = t[C.DECISION_DAYS].sum()
        amounts[_DD_N] = t[C.DECISION_DAYS].count()
    first = t.group_by([*keys, *extra]).aggregate(**{_N: t.count()}, **amounts)
    m = _line_measures(first, rules)
    flags = [C.DENIED, *_REASON_COLUMNS.values(), C.PRIOR_AUTH_REQUESTS, C.PRIOR_AUTH_DENIED]
    flags.append(C.OUT_OF_NETWORK_CLAIMS)
    n = first[_N]
    sums: dict[str, Any] = {C.CLAIMS: n.sum(), C.CLAIM_LINES: n.sum()}
    sums.update({f: (m[f] * n).sum() for f in flags})
    for a in _AMOUNT_COLUMNS:
        sums[a] = first[a].sum() if a in first.columns else m[a]
    if C.DECISION_DAYS in t.columns:
        sums[_DD_SUM] = first[_DD_SUM].sum()
        sums[_DD_N] = first[_DD_N].sum()
    else:
        sums[_DD_SUM], sums[_DD_N] = m[_DD_SUM], m[_DD_N]
    return first.group_by(keys).aggregate(**sums)


def _aggregate(t: ir.Table, keys: list[str], unit: Unit, rules: RuleSet) -> ir.Table:
    if unit == "line":
        return _aggregate_lines(t, keys, rules)
    m = _line_measures(t, rules)
    flags = [C.DENIED, *_REASON_COLUMNS.values(), C.PRIOR_AUTH_REQUESTS, C.PRIOR_AUTH_DENIED]
    flags.append(C.OUT_OF_NETWORK_CLAIMS)
    lines = t.select(*[t[k] for k in keys], t[C.PLAN_ID].name("_plan"), t[C.CLAIM_ID], **m)
    per_claim = lines.group_by([*keys, "_plan", C.CLAIM_ID]).aggregate(
        **{C.CLAIM_LINES: lines.count()},
        **{f: lines[f].max() for f in flags},
        **{a: lines[a].sum() for a in _AMOUNT_COLUMNS},
        **{_DD_SUM: lines[_DD_SUM].max(), _DD_N: lines[_DD_N].max()},
    )
    return per_claim.group_by(keys).aggregate(
        **{C.CLAIMS: per_claim.count(), C.CLAIM_LINES: per_claim[C.CLAIM_LINES].sum()},
        **{f: per_claim[f].sum() for f in flags},
        **{a: per_claim[a].sum() for a in _AMOUNT_COLUMNS},
        **{_DD_SUM: per_claim[_DD_SUM].sum(), _DD_N: per_claim[_DD_N].sum()},
    )


def _to_float(series: pd.Series) -> pd.Series:
    return pd.Series(
        [np.nan if v is None or pd.isna(v) else float(Decimal(v)) for v in series],
        index=series.index,
        dtype="float64",
    )


def _rates(frame: pd.DataFrame) -> pd.DataFrame:
    notes: list[list[str]] = [[] for _ in range(len(frame))]
    for rate, (num, den) in RATE_DEFINITIONS.items():
        n = frame[num].astype("float64")
        d = frame[den].astype("float64")
        zero = (d == 0) | d.isna()
        frame[rate] = np.where(zero, np.nan, n / d.where(~zero, 1.0))
        for i in np.flatnonzero(zero.to_numpy()):
            notes[i].append(f"{rate} undefined: {den} is 0")
    frame[C.NOTE] = ["; ".join(n) if n else pd.NA for n in notes]
    return frame


def check_group_keys(by: Sequence[str]) -> None:
    """Refuse group keys that identify a person, a claim or a claim line.

    Raises
    ------
    ConfigurationError
        Naming the key and the keys that may be used.

    Examples
    --------
    >>> check_group_keys(["plan_id", "classification"])
    >>> check_group_keys(["member_id"])
    Traceback (most recent call last):
    ...
    paritykit.errors.ConfigurationError: cannot group by 'member_id': it identifies a person, ...
    """
    for key in by:
        if key.strip().lower() in IDENTIFYING_COLUMNS:
            raise ConfigurationError(
                f"cannot group by {key!r}: it identifies a person, a claim or a claim line, "
                "and counts per member or claim must never leave the aggregation step; group "
                "by some of " + ", ".join(GROUP_KEYS) + "."
            )


def summarize_outcomes(
    claims: Any,
    *,
    by: Sequence[str] = (C.PLAN_ID, C.CLASSIFICATION),
    unit: Unit = "line",
    rules: RuleSet | str | os.PathLike[str] | None = None,
    unmapped: Literal["raise", "flag"] = "raise",
) -> pd.DataFrame:
    """Summarize claim outcomes per group and side (MH/SUD vs M/S), in the engine.

    Parameters
    ----------
    claims : ibis Table, ClaimsValidation, path or DataFrame
        Claim lines; classified with :func:`paritykit.classify_claims` first when they lack a
        ``side`` column (a path or DataFrame is scanned and validated with ``errors="raise"``).
    by : sequence of str
        Group columns, some of :data:`GROUP_KEYS`; ``side`` is always added. Identifying
        columns (:data:`IDENTIFYING_COLUMNS`: member, claim, line, provider) are refused.
    unit : {"line", "claim"}
        What ``claims`` and the other counts count. ``"claim"``: one claim (``plan_id`` +
        ``claim_id``) per group and side; a claim counts as denied (or out of network, or with
        a prior-authorization request) when any of its lines in the group is; amounts are summed
        over its lines; decision days are the longest of its lines.
    rules : RuleSet or path, optional
        Rule set for classification (when needed) and the CARC denial reason groups.
    unmapped : {"raise", "flag"}
        Passed to :func:`paritykit.classify_claims` when classification is needed. Flagged
        lines stay in the summary as rows with a missing ``side``/``classification``, so no line
        disappears silently.

    Returns
    -------
    pandas.DataFrame
        One row per group x ``side``: the ``by`` columns, ``side``, then
        :data:`OUTCOME_COLUMNS` (counts, exact amount sums as floats, rates, and a ``note``
        naming any rate left NaN because its denominator is 0). Sorted by the keys.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"claim_id": ["c1", "c2", "c3"], "line_number": [1, 1, 1],
    ...     "plan_id": ["p"] * 3, "service_date": ["2024-01-05"] * 3,
    ...     "diagnosis_code": ["F32.9", "F41.1", "I10"], "place_of_service": ["11"] * 3,
    ...     "claim_type": ["professional"] * 3, "network_status": ["in"] * 3,
    ...     "status": ["denied", "paid", "paid"], "denial_reason": ["CO-50", None, None],
    ...     "billed_amount": [150.0, 150.0, 120.0], "allowed_amount": [0.0, 90.0, 80.0]})
    >>> out = summarize_outcomes(df)
    >>> out[["side", "claims", "denied", "denied_medical_necessity", "denial_rate"]]
    ... # doctest: +NORMALIZE_WHITESPACE
        side  claims  denied  denied_medical_necessity  denial_rate
    0  mhsud       2       1                         1          0.5
    1     ms       1       0                         0          0.0
    """
    if unit not in ("line", "claim"):
        raise ConfigurationError(f"unit={unit!r}; expected 'line' or 'claim'.")
    if isinstance(by, str):
        by = tuple(s.strip() for s in by.split(",") if s.strip())
    rule_set = _as_rules(rules)
    t = as_claims_table(claims)
    check_unmapped = False
    if C.SIDE not in t.columns:
        # classify with "flag" and check for unmapped lines in the summary itself: one scan
        t = classify_claims(t, rules=rule_set, unmapped="flag")
        check_unmapped = unmapped == "raise"
    by = [b for b in by if b != C.SIDE]
    check_group_keys(by)
    missing = [b for b in by if b not in t.columns]
    if missing:
        visible = [c for c in t.columns if not c.startswith("_")]
        raise ConfigurationError(
            f"cannot group by {missing}: not a column of the claims; expected some of {visible}."
        )
    undocumented = [b for b in by if b not in GROUP_KEYS]
    if undocumented:
        raise ConfigurationError(
            f"cannot group by {undocumented}: not a group key; group by some of "
            + ", ".join(GROUP_KEYS)
            + "."
        )
    keys = [*by, C.SIDE, C.RULESET_VERSION]
    result = _aggregate(t, keys, unit, rule_set).to_pandas()
    if check_unmapped:
        lost = result[C.SIDE].isna()
        if C.CLASSIFICATION in result.columns:
            lost |= result[C.CLASSIFICATION].isna()
        if lost.any() or (C.CLASSIFICATION not in by):
            raise_if_unmapped(t, rule_set)

    for col in COUNT_COLUMNS:
        result[col] = result[col].fillna(0).astype("int64")
    for col in _AMOUNT_COLUMNS:
        result[col] = _to_float(result[col])
    dd_sum = _to_float(result[_DD_SUM])
    dd_n = result[_DD_N].fillna(0).astype("int64")
    result[C.DECISION_DAYS_MEAN] = np.where(dd_n > 0, dd_sum / dd_n.where(dd_n > 0, 1), np.nan)
    result[C.UNIT] = unit
    result = _rates(result)
    result = result[[*by, C.SIDE, *OUTCOME_COLUMNS]]
    result = result.sort_values([*by, C.SIDE], na_position="last", kind="stable")
    return result.reset_index(drop=True)
