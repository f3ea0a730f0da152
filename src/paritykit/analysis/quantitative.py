"""The quantitative parity test for financial requirements and quantitative treatment limits.

Implements 29 CFR 2590.712(c)(3) (= 45 CFR 146.136(c)(3) = 26 CFR 54.9812-1(c)(3)): per plan,
coverage unit, classification (or permitted sub-classification) and type of requirement,

1. *substantially all*: the type applies to at least two-thirds of the plan's projected payments
   for all medical/surgical (M/S) benefits in the classification, (c)(3)(i)(A);
2. *predominant level*: the level that applies to more than one-half of the M/S payments subject
   to the type, or, when no single level does, the least restrictive level of the combination of
   levels (most restrictive first) that first exceeds one-half, (c)(3)(i)(B);
3. MH/SUD benefits in the classification may not carry a more restrictive level, and may not
   carry the type at all when it fails the substantially-all test: the general rule,
   (c)(2)(i);
4. cumulative requirements (deductibles, out-of-pocket maximums, day and visit limits) may not
   accumulate separately for MH/SUD benefits, (c)(3)(v).

All comparisons use exact rational arithmetic (:class:`fractions.Fraction` built from the decimal
text of each number): exactly two-thirds passes, exactly one-half does not exceed one-half.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final

import numpy as np
import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit.citations import cite
from paritykit.load.benefits import read_benefits

__all__ = [
    "CITATIONS",
    "DETERMINATION_COLUMNS",
    "FINDING_COLUMNS",
    "LEVEL_COLUMNS",
    "RULE_VERSION",
    "QuantitativeTestResult",
    "quantitative_test",
]

RULE_VERSION: Final = (
    "MHPAEA final rule 2013 (78 FR 68240), 29 CFR 2590.712(c)(3); unchanged in substance by "
    "the 2024 amendments (89 FR 77586)"
)
#: The citations the quantitative test's findings print, from :mod:`paritykit.citations`:
#: the general rule (c)(2)(i) with the definition it applies ((c)(3)(i)(A) substantially all,
#: (c)(3)(i)(B) predominant).
CITATIONS: Final[dict[str, str]] = {
    "substantially_all": f"{cite('general_rule')}; {cite('substantially_all')}",
    "predominant": f"{cite('general_rule')}; {cite('predominant')}",
    "cumulative": cite("cumulative"),
    "classifications": cite("classifications"),
}
TWO_THIRDS: Final = Fraction(2, 3)
ONE_HALF: Final = Fraction(1, 2)
#: Distance from a threshold (as a share) within which a "near threshold" review note is added.
NEAR_THRESHOLD: Final = Fraction(2, 100)

SINGLE_LEVEL = "single_level"
COMBINATION = "combination"
PREDOMINANT_METHOD = "predominant_method"
MHSUD_SUBJECT = "mhsud_subject"
MS_BENEFITS = "ms_benefits"
MHSUD_BENEFITS = "mhsud_benefits"
SUBJECT = "subject"

_KEY = [C.PLAN_ID, C.COVERAGE_UNIT, C.CLASSIFICATION, C.SUB_CLASSIFICATION]
_GROUP = [*_KEY, C.REQUIREMENT_TYPE]

DETERMINATION_COLUMNS: Final[tuple[str, ...]] = (
    *_GROUP,
    MS_BENEFITS,
    MHSUD_BENEFITS,
    C.MS_TOTAL_PAYMENTS,
    C.MS_SUBJECT_PAYMENTS,
    C.SUBJECT_SHARE,
    C.SUBSTANTIALLY_ALL,
    C.PREDOMINANT_LEVEL,
    C.PREDOMINANT_SHARE,
    PREDOMINANT_METHOD,
    C.MHSUD_LEVEL,
    MHSUD_SUBJECT,
    C.SEPARATE_ACCUMULATION,
    C.COMPLIANT,
    C.FINDING,
)
LEVEL_COLUMNS: Final[tuple[str, ...]] = (
    *_GROUP,
    C.LEVEL,
    SUBJECT,
    C.LEVEL_PAYMENTS,
    C.SHARE_OF_TOTAL,
    C.SHARE_OF_SUBJECT,
    C.RESTRICTIVENESS_RANK,
    C.CUMULATIVE_SHARE,
    C.IN_COMBINATION,
    C.IS_PREDOMINANT,
)
FINDING_COLUMNS: Final[tuple[str, ...]] = (
    *_GROUP,
    C.FINDING_KIND,
    C.SEVERITY,
    C.FINDING,
    C.CITATION,
)
#: Finding kinds, most serious first (the evidence pack orders findings this way).
FINDING_KINDS: Final[tuple[str, ...]] = (
    "predominant_level_exceeded",
    "not_substantially_all",
    "no_ms_counterpart",
    "no_ms_benefits",
    "separate_accumulation",
    "mhsud_not_listed",
    "near_threshold",
)


def _exact(value: float) -> Fraction:
    """The exact rational a user typed, recovered from the float's shortest repr."""
    return Fraction(Decimal(repr(float(value))))


def _more_restrictive(requirement: str, a: Fraction, b: Fraction) -> bool:
    """True when level ``a`` is more restrictive than level ``b`` for this requirement type."""
    return a < b if requirement in vocab.TREATMENT_LIMITS else a > b


def _is_subject(requirement: str, level: float) -> bool:
    if pd.isna(level):
        return False  # blank: not subject (for limits: unlimited)
    return requirement in vocab.TREATMENT_LIMITS or level != 0


def format_level(requirement: str, level: float) -> str:
    """Return a level as a reader expects it ("$15", "20%", "30 days").

    Examples
    --------
    >>> format_level("coinsurance", 15.0), format_level("copay", 12.5)
    ('15%', '$12.50')
    >>> format_level("visit_limit", float("nan"))
    'unlimited'
    """
    if pd.isna(level):
        return "unlimited" if requirement in vocab.TREATMENT_LIMITS else "none"
    if requirement == "coinsurance":
        return f"{level:g}%"
    if requirement == "day_limit":
        return f"{level:g} days"
    if requirement == "visit_limit":
        return f"{level:g} visits"
    return f"${level:,.0f}" if float(level).is_integer() else f"${level:,.2f}"


def _label(requirement: str) -> str:
    return requirement.replace("_", " ")


def _where(key: dict[str, object]) -> str:
    place = str(key[C.CLASSIFICATION]).replace("_", " ")
    if key.get(C.SUB_CLASSIFICATION):
        place += f" ({str(key[C.SUB_CLASSIFICATION]).replace('_', ' ')})"
    return place


@dataclass(frozen=True, eq=False)
class QuantitativeTestResult:
    """Result of :func:`quantitative_test`.

    Attributes
    ----------
    determinations : pandas.DataFrame
        One row per plan x coverage unit x classification (or sub-classification) x requirement
        type (see :data:`DETERMINATION_COLUMNS`). ``to_frame()`` returns it.
    levels : pandas.DataFrame
        The arithmetic table behind each determination, as the regulation's examples show it:
        each M/S level with its payments and shares, the not-subject remainder, the
        most-restrictive-first order, and which levels entered the combination.
    findings : pandas.DataFrame
        One row per finding (see :data:`FINDING_KINDS`), most serious first, each citing the
        regulation. ``severity`` is ``"noncompliant"`` when the test fails on the data given,
        ``"review"`` for points a reviewer should check.
    source : str or None
        The benefits input the test ran on.
    rule_version : str
        The regulation text the test implements.
    """

    determinations: pd.DataFrame
    levels: pd.DataFrame
    findings: pd.DataFrame
    source: str | None = None
    rule_version: str = RULE_VERSION

    def to_frame(self) -> pd.DataFrame:
        """Return the determinations, one row per tested group (a copy)."""
        return self.determinations.copy()

    @property
    def n_noncompliant(self) -> int:
        """Number of determinations that fail the test."""
        return int((~self.determinations[C.COMPLIANT]).sum())

    def summary(self) -> str:
        """Return a plain-text summary: counts, then every non-compliant finding."""
        det = self.determinations
        lines = [
            f"Quantitative parity test ({self.rule_version})",
            f"source: {self.source or 'n/a'}",
            f"{len(det)} determinations over {det[C.PLAN_ID].nunique()} plan(s); "
            f"{self.n_noncompliant} fail the test.",
        ]
        for rec in self.findings.itertuples(index=False):
            tag = "FAILS " if rec.severity == "noncompliant" else "review"
            lines.append(f"[{tag}] {rec.plan_id}: {rec.finding}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>Quantitative parity test</b>: {len(self.determinations)} determinations, "
            f"{self.n_noncompliant} fail the test. <small>{html.escape(self.rule_version)}"
            "</small></p>"
        )
        return head + self.determinations.to_html(index=False, na_rep="")


def quantitative_test(
    benefits: pd.DataFrame | str | os.PathLike[str],
) -> QuantitativeTestResult:
    """Run the regulation's quantitative test on a plan benefit design.

    Parameters
    ----------
    benefits : pandas.DataFrame or path
        A table in the benefits data contract: what :func:`paritykit.read_benefits` returns, or
        anything it accepts (it is validated first).

    Returns
    -------
    QuantitativeTestResult
        ``to_frame()`` gives one row per plan x coverage unit x classification (or
        sub-classification) x requirement type; ``levels`` the arithmetic table; ``findings``
        the findings with citations.

    Notes
    -----
    ``projected_payments`` are the plan's projected payments for M/S benefits for the plan
    year; the total for a classification sums every M/S benefit listed in it, whatever its
    requirement rows. A benefit with no row, a blank or a zero level for a type is not subject
    to that type (for day and visit limits, blank means unlimited).

    Examples
    --------
    The regulation's Example 2 (outpatient in-network copays, payments in $x):

    >>> import pandas as pd
    >>> import paritykit as pk
    >>> levels = {0: 200, 10: 200, 15: 200, 20: 300, 50: 100}
    >>> rows = [dict(plan_id="P", classification="outpatient_in_network", side="ms",
    ...              benefit=f"copay {k}", requirement_type="copay", level=k,
    ...              projected_payments=v) for k, v in levels.items()]
    >>> rows.append(dict(plan_id="P", classification="outpatient_in_network", side="mhsud",
    ...                  benefit="therapy", requirement_type="copay", level=20,
    ...                  projected_payments=None))
    >>> row = pk.quantitative_test(pd.DataFrame(rows)).to_frame().iloc[0]
    >>> float(row["subject_share"]), float(row["predominant_level"]), bool(row["compliant"])
    (0.8, 15.0, False)
    """
    table = read_benefits(benefits)
    source = table.attrs.get("source")
    table = table.fillna({C.SUB_CLASSIFICATION: ""})
    det_rows: list[dict[str, object]] = []
    level_rows: list[dict[str, object]] = []
    finding_rows: list[dict[str, object]] = []
    for key_values, cell in table.groupby(_KEY, sort=False):
        key = dict(zip(_KEY, key_values, strict=True))
        ms = cell[cell[C.SIDE] == vocab.MS]
        mh = cell[cell[C.SIDE] == vocab.MHSUD]
        # Each M/S benefit counts once in the classification total, whatever its rows.
        benefit_payments = ms.groupby(C.BENEFIT, sort=False)[C.PROJECTED_PAYMENTS].first()
        total = sum((_exact(v) for v in benefit_payments), Fraction(0))
        if len(ms) and not len(mh):
            finding_rows.append(
                _finding(
                    {**key, C.REQUIREMENT_TYPE: ""},
                    "mhsud_not_listed",
                    "review",
                    f"No MH/SUD benefit is listed in {_where(key)}, where M/S benefits are; "
                    "if the plan covers MH/SUD benefits in any classification it must cover them "
                    "in every classification in which it covers M/S benefits: confirm coverage.",
                    CITATIONS["classifications"],
                )
            )
        requirements = [r for r in vocab.REQUIREMENT_TYPES if r in set(cell[C.REQUIREMENT_TYPE])]
        for requirement in requirements:
            gkey = {**key, C.REQUIREMENT_TYPE: requirement}
            det, levels, findings = _test_one(
                gkey,
                requirement,
                ms[ms[C.REQUIREMENT_TYPE] == requirement],
                mh[mh[C.REQUIREMENT_TYPE] == requirement],
                total,
                n_ms=len(benefit_payments),
                n_mh=mh[C.BENEFIT].nunique(),
            )
            det_rows.append(det)
            level_rows.extend(levels)
            finding_rows.extend(findings)
    return QuantitativeTestResult(
        determinations=_tidy(det_rows, DETERMINATION_COLUMNS),
        levels=_tidy(level_rows, LEVEL_COLUMNS),
        findings=_order_findings(_tidy(finding_rows, FINDING_COLUMNS)),
        source=source,
    )


def _test_one(
    key: dict[str, object],
    requirement: str,
    ms: pd.DataFrame,
    mh: pd.DataFrame,
    total: Fraction,
    *,
    n_ms: int,
    n_mh: int,
) -> tuple[dict[str, object], list[dict[str, object]], list[dict[str, object]]]:
    label = _label(requirement)
    where = _where(key)
    cumulative = requirement in vocab.CUMULATIVE_REQUIREMENTS
    # M/S levels and their payments (exact).
    by_level: dict[Fraction, Fraction] = {}
    for rec in ms.itertuples(index=False):
        level = getattr(rec, C.LEVEL)
        if _is_subject(requirement, level):
            lv = _exact(level)
            by_level[lv] = by_level.get(lv, Fraction(0)) + _exact(
                getattr(rec, C.PROJECTED_PAYMENTS)
            )
    subject = sum(by_level.values(), Fraction(0))
    substantially_all = total > 0 and subject >= TWO_THIRDS * total
    # Most restrictive first.
    order = sorted(by_level, reverse=requirement not in vocab.TREATMENT_LIMITS)
    predominant: Fraction | None = None
    predominant_share: Fraction | None = None
    method: str | None = None
    cumulative_share: dict[Fraction, Fraction] = {}
    in_combination: set[Fraction] = set()
    running = Fraction(0)
    for lv in order:
        running += by_level[lv]
        cumulative_share[lv] = running / subject
        if predominant is None and substantially_all:
            in_combination.add(lv)
            if running / subject > ONE_HALF:
                predominant = lv
                single = by_level[lv] / subject > ONE_HALF
                method = SINGLE_LEVEL if single else COMBINATION
                # The share that establishes the level: its own, or the combination's.
                predominant_share = by_level[lv] / subject if single else running / subject
    if method == SINGLE_LEVEL:
        in_combination = {predominant}  # type: ignore[arg-type]
    # MH/SUD: the most restrictive level it carries.
    mh_levels = [_exact(v) for v in mh[C.LEVEL] if _is_subject(requirement, v)]
    mh_subject = bool(mh_levels)
    mh_level: Fraction | None = None
    if mh_subject:
        mh_level = min(mh_levels) if requirement in vocab.TREATMENT_LIMITS else max(mh_levels)
    separate = cumulative and bool((mh[C.ACCUMULATION] == "separate").any())

    findings: list[dict[str, object]] = []
    share_text = f"{float(subject / total):.1%}" if total else "no"
    if not mh_subject:
        level_ok = True
        sentence = (
            f"MH/SUD benefits in {where} carry no {label}; nothing to compare "
            f"({CITATIONS['substantially_all']})."
        )
    elif total == 0:
        level_ok = False
        sentence = (
            f"MH/SUD benefits in {where} carry a {label} of "
            f"{format_level(requirement, float(mh_level))} but no M/S benefits with projected "
            f"payments are listed in {where}, so the {label} cannot be shown to apply to "
            f"substantially all M/S benefits ({CITATIONS['substantially_all']})."
        )
        findings.append(
            _finding(
                key, "no_ms_benefits", "noncompliant", sentence, CITATIONS["substantially_all"]
            )
        )
    elif subject == 0:
        level_ok = False
        sentence = (
            f"MH/SUD benefits in {where} carry a {label} of "
            f"{format_level(requirement, float(mh_level))} while no M/S benefit in {where} "
            f"has any {label}; a type of requirement that applies to no M/S benefits may not be "
            f"applied to MH/SUD benefits ({CITATIONS['substantially_all']})."
        )
        findings.append(
            _finding(
                key, "no_ms_counterpart", "noncompliant", sentence, CITATIONS["substantially_all"]
            )
        )
    elif not substantially_all:
        level_ok = False
        sentence = (
            f"The {label} applies to {share_text} of projected M/S payments in {where}, less "
            f"than two-thirds, so it may not be applied to MH/SUD benefits there at all; MH/SUD "
            f"benefits carry {format_level(requirement, float(mh_level))} "
            f"({CITATIONS['substantially_all']})."
        )
        findings.append(
            _finding(
                key,
                "not_substantially_all",
                "noncompliant",
                sentence,
                CITATIONS["substantially_all"],
            )
        )
    else:
        if predominant is None or mh_level is None:  # pragma: no cover - implied above
            raise RuntimeError("substantially-all holds but no predominant level was found")
        level_ok = not _more_restrictive(requirement, mh_level, predominant)
        how = (
            "applies to more than one-half of subject payments"
            if method == SINGLE_LEVEL
            else "is the least restrictive level of the most-restrictive-first combination that "
            "first exceeds one-half of subject payments"
        )
        pred_text = format_level(requirement, float(predominant))
        mh_text = format_level(requirement, float(mh_level))
        if level_ok:
            sentence = (
                f"The {label} applies to {share_text} of projected M/S payments in {where} "
                f"(at least two-thirds); the predominant level {pred_text} {how}, and the MH/SUD "
                f"level {mh_text} is no more restrictive ({CITATIONS['predominant']})."
            )
        else:
            sentence = (
                f"The MH/SUD {label} of {mh_text} in {where} is more restrictive than the "
                f"predominant M/S level of {pred_text}, which {how} "
                f"({CITATIONS['predominant']})."
            )
            findings.append(
                _finding(
                    key,
                    "predominant_level_exceeded",
                    "noncompliant",
                    sentence,
                    CITATIONS["predominant"],
                )
            )
    if separate:
        acc_sentence = (
            f"The MH/SUD {label} in {where} accumulates separately from the M/S {label}; a "
            f"cumulative requirement may not accumulate separately for MH/SUD benefits, whatever "
            f"its level ({CITATIONS['cumulative']})."
        )
        findings.append(
            _finding(
                key, "separate_accumulation", "noncompliant", acc_sentence, CITATIONS["cumulative"]
            )
        )
        sentence = acc_sentence if level_ok else f"{sentence} {acc_sentence}"
    if mh_subject and total > 0 and subject > 0:
        share = subject / total
        if abs(share - TWO_THIRDS) <= NEAR_THRESHOLD:
            findings.append(
                _finding(
                    key,
                    "near_threshold",
                    "review",
                    f"The {label} applies to {float(share):.2%} of projected M/S payments in "
                    f"{where}, "
                    "within 2 percentage points of two-thirds: the determination depends on the "
                    "projection method, which the plan must document.",
                    CITATIONS["substantially_all"],
                )
            )
        if predominant_share is not None and abs(predominant_share - ONE_HALF) <= NEAR_THRESHOLD:
            findings.append(
                _finding(
                    key,
                    "near_threshold",
                    "review",
                    f"The predominant {label} level in {where} covers "
                    f"{float(predominant_share):.2%} of subject payments, within 2 percentage "
                    "points of one-half.",
                    CITATIONS["predominant"],
                )
            )

    det = {
        **key,
        MS_BENEFITS: n_ms,
        MHSUD_BENEFITS: n_mh,
        C.MS_TOTAL_PAYMENTS: float(total),
        C.MS_SUBJECT_PAYMENTS: float(subject),
        C.SUBJECT_SHARE: float(subject / total) if total else np.nan,
        C.SUBSTANTIALLY_ALL: bool(substantially_all),
        C.PREDOMINANT_LEVEL: float(predominant) if predominant is not None else np.nan,
        C.PREDOMINANT_SHARE: float(predominant_share) if predominant_share is not None else np.nan,
        PREDOMINANT_METHOD: method,
        C.MHSUD_LEVEL: float(mh_level) if mh_level is not None else np.nan,
        MHSUD_SUBJECT: mh_subject,
        C.SEPARATE_ACCUMULATION: bool(separate),
        C.COMPLIANT: bool(level_ok and not separate),
        C.FINDING: sentence,
    }
    levels: list[dict[str, object]] = []
    for rank, lv in enumerate(order, start=1):
        levels.append(
            {
                **key,
                C.LEVEL: float(lv),
                SUBJECT: True,
                C.LEVEL_PAYMENTS: float(by_level[lv]),
                C.SHARE_OF_TOTAL: float(by_level[lv] / total) if total else np.nan,
                C.SHARE_OF_SUBJECT: float(by_level[lv] / subject),
                C.RESTRICTIVENESS_RANK: rank,
                C.CUMULATIVE_SHARE: float(cumulative_share[lv]),
                C.IN_COMBINATION: lv in in_combination,
                C.IS_PREDOMINANT: lv == predominant,
            }
        )
    if total > subject:
        levels.append(
            {
                **key,
                C.LEVEL: np.nan if requirement in vocab.TREATMENT_LIMITS else 0.0,
                SUBJECT: False,
                C.LEVEL_PAYMENTS: float(total - subject),
                C.SHARE_OF_TOTAL: float((total - subject) / total),
                C.SHARE_OF_SUBJECT: np.nan,
                C.RESTRICTIVENESS_RANK: pd.NA,
                C.CUMULATIVE_SHARE: np.nan,
                C.IN_COMBINATION: False,
                C.IS_PREDOMINANT: False,
            }
        )
    return det, levels, findings


def _finding(
    key: dict[str, object], kind: str, severity: str, text: str, citation: str
) -> dict[str, object]:
    return {
        **key,
        C.FINDING_KIND: kind,
        C.SEVERITY: severity,
        C.FINDING: text,
        C.CITATION: citation,
    }


def _tidy(rows: list[dict[str, object]], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    if C.SUB_CLASSIFICATION in frame:
        frame[C.SUB_CLASSIFICATION] = frame[C.SUB_CLASSIFICATION].replace("", None)
    if C.RESTRICTIVENESS_RANK in frame:
        frame[C.RESTRICTIVENESS_RANK] = frame[C.RESTRICTIVENESS_RANK].astype("Int64")
    for name in (
        C.SUBSTANTIALLY_ALL,
        C.COMPLIANT,
        C.SEPARATE_ACCUMULATION,
        MHSUD_SUBJECT,
        SUBJECT,
        C.IN_COMBINATION,
        C.IS_PREDOMINANT,
    ):
        if name in frame:
            frame[name] = frame[name].astype(bool)
    sort_keys = [c for c in _GROUP if c in frame]
    order = {
        C.CLASSIFICATION: {c: i for i, c in enumerate(vocab.CLASSIFICATIONS)},
        C.REQUIREMENT_TYPE: {c: i for i, c in enumerate(("", *vocab.REQUIREMENT_TYPES))},
    }

    def sort_key(col: pd.Series) -> pd.Series:
        if col.name in order:
            return col.map(order[col.name])
        return col.fillna("")

    if len(frame):
        frame = frame.sort_values(sort_keys, key=sort_key, kind="stable")
    return frame.reset_index(drop=True)


def _order_findings(frame: pd.DataFrame) -> pd.DataFrame:
    rank = {kind: i for i, kind in enumerate(FINDING_KINDS)}
    return (
        frame.assign(_rank=frame[C.FINDING_KIND].map(rank))
        .sort_values(["_rank", C.PLAN_ID], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )
