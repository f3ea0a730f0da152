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

**Screening without payments.** When no M/S row of a classification carries projected payments
(an advocate working from the plan's summary of benefits), each requirement type is screened:
``fails_whatever_the_payments``, ``passes_whatever_the_payments`` or ``depends_on_payments``, with
the exact condition on the payments in words. The screening rests on two facts: the type is
substantially all whatever the payments exactly when every listed M/S benefit carries it; and the
MH/SUD level is no more restrictive than the predominant level exactly when the M/S benefits at
levels at least as restrictive as the MH/SUD level receive more than one-half of the subject
payments (the most-restrictive-first combination then stops at or before the MH/SUD level).

**Aggregate lifetime and annual dollar limits** (29 CFR 2590.712(b)) are tested per plan and
coverage unit over all M/S benefits: a limit on none or on less than one-third of M/S payments
allows no MH/SUD limit, (b)(2); one limit on at least two-thirds must be applied jointly or not
lowered for MH/SUD, (b)(3); otherwise an MH/SUD limit must be no lower than the payment-weighted
average of the M/S limits, (b)(4)-(5).
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
    "DOLLAR_LIMIT_COLUMNS",
    "FINDING_COLUMNS",
    "LEVEL_COLUMNS",
    "RULE_VERSION",
    "SCREENING_VALUES",
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
    "dollar_none": cite("dollar_none"),
    "dollar_two_thirds": cite("dollar_two_thirds"),
    "dollar_weighted": cite("dollar_weighted"),
}
TWO_THIRDS: Final = Fraction(2, 3)
ONE_HALF: Final = Fraction(1, 2)
ONE_THIRD: Final = Fraction(1, 3)
#: Default distance from a threshold (as a share) within which a "near threshold" review note is
#: added (``near_band`` of :func:`quantitative_test`): 5 percentage points.
NEAR_THRESHOLD: Final = Fraction(5, 100)

FAILS: Final = "fails_whatever_the_payments"
PASSES: Final = "passes_whatever_the_payments"
DEPENDS: Final = "depends_on_payments"
#: Values of the ``screening`` column (blank where the full test ran on projected payments).
SCREENING_VALUES: Final[tuple[str, ...]] = (FAILS, PASSES, DEPENDS)

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
    C.SCREENING,
    C.SCREENING_CONDITION,
    C.SCREENING_BENEFITS,
)
#: One row per plan x coverage unit x dollar-limit type (29 CFR 2590.712(b)).
DOLLAR_LIMIT_COLUMNS: Final[tuple[str, ...]] = (
    C.PLAN_ID,
    C.COVERAGE_UNIT,
    C.REQUIREMENT_TYPE,
    MS_BENEFITS,
    MHSUD_BENEFITS,
    C.MS_TOTAL_PAYMENTS,
    C.MS_SUBJECT_PAYMENTS,
    C.SUBJECT_SHARE,
    C.DOLLAR_LIMIT_RULE,
    C.MS_LIMIT,
    C.MHSUD_LIMIT,
    C.SEPARATE_ACCUMULATION,
    C.COMPLIANT,
    C.FINDING,
    C.SCREENING,
    C.SCREENING_CONDITION,
    C.SCREENING_BENEFITS,
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
    "mhsud_above_every_ms_level",
    "not_substantially_all",
    "no_ms_counterpart",
    "no_ms_benefits",
    "separate_accumulation",
    "dollar_limit_not_allowed",
    "dollar_limit_below_ms_limit",
    "dollar_limit_below_weighted_average",
    "depends_on_payments",
    "mhsud_not_listed",
    "screening_scope",
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
        ``"depends_on_payments"`` marks what a screening without payments could not decide.
    source : str or None
        The benefits input the test ran on.
    rule_version : str
        The regulation text the test implements.
    dollar_limits : pandas.DataFrame
        One row per plan x coverage unit x aggregate lifetime or annual dollar limit type
        (see :data:`DOLLAR_LIMIT_COLUMNS`); empty when the benefits list none.

    Notes
    -----
    ``compliant`` (and ``substantially_all``) are nullable booleans: ``<NA>`` where a screening
    without payments found that the answer depends on the payments (``screening`` is then
    ``"depends_on_payments"`` and ``screening_condition`` says on what).
    """

    determinations: pd.DataFrame
    levels: pd.DataFrame
    findings: pd.DataFrame
    source: str | None = None
    rule_version: str = RULE_VERSION
    dollar_limits: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        """Return the determinations, one row per tested group (a copy)."""
        return self.determinations.copy()

    @property
    def n_noncompliant(self) -> int:
        """Number of determinations that fail the test (on the payments, or whatever they are)."""
        return int(self.determinations[C.COMPLIANT].eq(False).fillna(False).sum())

    @property
    def n_depends(self) -> int:
        """Number of screened determinations whose answer depends on the projected payments."""
        return int(self.determinations[C.SCREENING].eq(DEPENDS).fillna(False).sum())

    @property
    def screening(self) -> pd.DataFrame:
        """The screened rows (classifications without payments, and screened dollar limits).

        Columns: the group keys, ``screening``, ``screening_condition``, ``screening_benefits``
        and ``finding``; what a disclosure request asks the plan to settle.
        """
        cols = [*_GROUP, C.SCREENING, C.SCREENING_CONDITION, C.SCREENING_BENEFITS, C.FINDING]
        det = self.determinations
        parts = [det[det[C.SCREENING].notna()][cols]]
        dl = self.dollar_limits
        if dl is not None and len(dl):
            dl = dl[dl[C.SCREENING].notna()].assign(
                **{C.CLASSIFICATION: None, C.SUB_CLASSIFICATION: None}
            )
            parts.append(dl[cols])
        parts = [p for p in parts if len(p)]
        if not parts:
            return pd.DataFrame(columns=cols)
        return pd.concat(parts, ignore_index=True)

    def summary(self) -> str:
        """Return a plain-text summary: counts, then every non-compliant finding."""
        det = self.determinations
        lines = [
            f"Quantitative parity test ({self.rule_version})",
            f"source: {self.source or 'n/a'}",
            f"{len(det)} determinations over {det[C.PLAN_ID].nunique()} plan(s); "
            f"{self.n_noncompliant} fail the test"
            + (f", {self.n_depends} depend on the projected payments." if self.n_depends else "."),
        ]
        tags = {"noncompliant": "FAILS ", DEPENDS: "DEPENDS"}
        for rec in self.findings.itertuples(index=False):
            tag = tags.get(rec.severity, "review")
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
    *,
    near_band: float = 0.05,
) -> QuantitativeTestResult:
    """Run the regulation's quantitative test on a plan benefit design.

    Parameters
    ----------
    benefits : pandas.DataFrame or path
        A table in the benefits data contract: what :func:`paritykit.read_benefits` returns, or
        anything it accepts (it is validated first). A classification whose M/S rows carry no
        projected payments is screened (see Notes).
    near_band : float
        Distance from two-thirds and from one-half (as a share: 0.05 is 5 percentage points)
        within which a ``near_threshold`` review note is added.

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

    Without projected payments on any M/S row of a classification, each type gets ``screening``
    (``fails_whatever_the_payments``, ``passes_whatever_the_payments`` or
    ``depends_on_payments``) and ``screening_condition``, the exact condition on the payments
    under which the MH/SUD level complies. The screening considers the M/S benefits listed
    (``screening_benefits``); an unlisted M/S benefit of the classification can change the
    answer. Separate accumulation, an MH/SUD type no M/S benefit carries and an MH/SUD level
    more restrictive than every M/S level fail whatever the payments.

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
    band = _exact(near_band)
    table = table.fillna({C.SUB_CLASSIFICATION: ""})
    det_rows: list[dict[str, object]] = []
    level_rows: list[dict[str, object]] = []
    finding_rows: list[dict[str, object]] = []
    scoped: dict[tuple[object, object], list[str]] = {}
    for key_values, cell in table.groupby(_KEY, sort=False):
        key = dict(zip(_KEY, key_values, strict=True))
        ms = cell[cell[C.SIDE] == vocab.MS]
        mh = cell[cell[C.SIDE] == vocab.MHSUD]
        # Each M/S benefit counts once in the classification total, whatever its rows.
        benefit_payments = ms.groupby(C.BENEFIT, sort=False)[C.PROJECTED_PAYMENTS].first()
        screened = bool(len(ms)) and bool(ms[C.PROJECTED_PAYMENTS].isna().all())
        total = Fraction(0) if screened else sum((_exact(v) for v in benefit_payments), Fraction(0))
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
            if screened:
                det, levels, findings = _screen_one(
                    gkey,
                    requirement,
                    ms[ms[C.REQUIREMENT_TYPE] == requirement],
                    mh[mh[C.REQUIREMENT_TYPE] == requirement],
                    list(benefit_payments.index),
                    n_mh=mh[C.BENEFIT].nunique(),
                )
            else:
                det, levels, findings = _test_one(
                    gkey,
                    requirement,
                    ms[ms[C.REQUIREMENT_TYPE] == requirement],
                    mh[mh[C.REQUIREMENT_TYPE] == requirement],
                    total,
                    n_ms=len(benefit_payments),
                    n_mh=mh[C.BENEFIT].nunique(),
                    band=band,
                )
            det_rows.append(det)
            level_rows.extend(levels)
            finding_rows.extend(findings)
        if screened and requirements:
            unit_key = (key[C.PLAN_ID], key[C.COVERAGE_UNIT])
            scoped.setdefault(unit_key, []).append(_where(key))
    for (plan_id, unit), places in scoped.items():
        finding_rows.append(_scope_note(plan_id, unit, places))
    dollar_rows: list[dict[str, object]] = []
    for requirement in vocab.DOLLAR_LIMITS:
        rows = table[table[C.REQUIREMENT_TYPE] == requirement]
        for unit_values, _ in rows.groupby([C.PLAN_ID, C.COVERAGE_UNIT], sort=False):
            unit = table[
                (table[C.PLAN_ID] == unit_values[0]) & (table[C.COVERAGE_UNIT] == unit_values[1])
            ]
            det, findings = _dollar_limit_one(requirement, unit)
            dollar_rows.append(det)
            finding_rows.extend(findings)
    return QuantitativeTestResult(
        determinations=_tidy(det_rows, DETERMINATION_COLUMNS),
        levels=_tidy(level_rows, LEVEL_COLUMNS),
        findings=_order_findings(_tidy(finding_rows, FINDING_COLUMNS)),
        source=source,
        dollar_limits=_tidy(dollar_rows, DOLLAR_LIMIT_COLUMNS),
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
    band: Fraction = NEAR_THRESHOLD,
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
        findings.extend(
            _near_notes(
                key,
                requirement,
                subject / total,
                {lv: by_level[lv] / subject for lv in order},
                order,
                predominant,
                predominant_share,
                substantially_all=substantially_all,
                band=band,
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
        C.SCREENING: None,
        C.SCREENING_CONDITION: None,
        C.SCREENING_BENEFITS: None,
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


def _pct(share: Fraction) -> str:
    return f"{float(share):.2%}"


def _near_notes(
    key: dict[str, object],
    requirement: str,
    share: Fraction,
    level_share: dict[Fraction, Fraction],
    order: list[Fraction],
    predominant: Fraction | None,
    predominant_share: Fraction | None,
    *,
    substantially_all: bool,
    band: Fraction,
) -> list[dict[str, object]]:
    """Review notes for determinations that sit on or near a threshold."""
    label = _label(requirement)
    where = _where(key)
    points = f"{float(band) * 100:g} percentage points"
    notes: list[dict[str, object]] = []
    if abs(share - TWO_THIRDS) <= band:
        notes.append(
            _finding(
                key,
                "near_threshold",
                "review",
                f"The {label} applies to {_pct(share)} of projected M/S payments in {where}, "
                f"within {points} of two-thirds: the determination depends on the projection "
                "method, which the plan must document.",
                CITATIONS["substantially_all"],
            )
        )
    if not substantially_all:
        return notes
    running = Fraction(0)
    for i, lv in enumerate(order):
        running += level_share[lv]
        if running == ONE_HALF and i + 1 < len(order):
            taken = ", ".join(format_level(requirement, float(x)) for x in order[: i + 1])
            notes.append(
                _finding(
                    key,
                    "near_threshold",
                    "review",
                    f"The most restrictive {label} level(s) in {where} ({taken}) cover exactly "
                    "one-half of the subject M/S payments, which is not more than one-half, so "
                    f"the next level ({format_level(requirement, float(order[i + 1]))}) had to "
                    "be added to the combination, as in the regulation's Example 2: a small "
                    "change in the projection would move the predominant level.",
                    CITATIONS["predominant"],
                )
            )
        if running > ONE_HALF:
            break
    for lv in order:
        own = level_share[lv]
        single = lv == predominant and own > ONE_HALF
        if not single and ONE_HALF - band <= own <= ONE_HALF:
            notes.append(
                _finding(
                    key,
                    "near_threshold",
                    "review",
                    f"The {format_level(requirement, float(lv))} {label} level in {where} covers "
                    f"{_pct(own)} of the subject M/S payments, within {points} of one-half but "
                    "not more than one-half, so it is not the predominant level by itself.",
                    CITATIONS["predominant"],
                )
            )
    if predominant_share is not None and abs(predominant_share - ONE_HALF) <= band:
        notes.append(
            _finding(
                key,
                "near_threshold",
                "review",
                f"The predominant {label} level in {where} covers {_pct(predominant_share)} of "
                f"subject payments, within {points} of one-half.",
                CITATIONS["predominant"],
            )
        )
    return notes


_WITH_TYPE: Final[dict[str, str]] = {
    "copay": "a copay",
    "coinsurance": "coinsurance",
    "deductible": "a deductible",
    "out_of_pocket_max": "an out-of-pocket maximum",
    "day_limit": "a day limit",
    "visit_limit": "a visit limit",
    "annual_dollar_limit": "an annual dollar limit",
    "lifetime_dollar_limit": "a lifetime dollar limit",
}
_PLURAL: Final[dict[str, str]] = {
    "copay": "copays",
    "coinsurance": "coinsurance",
    "deductible": "deductibles",
    "out_of_pocket_max": "out-of-pocket maximums",
    "day_limit": "day limits",
    "visit_limit": "visit limits",
}


def _level_or_beyond(requirement: str, level: Fraction) -> str:
    """'$30 or more', '30 days or fewer': levels at least as restrictive as ``level``."""
    more = "or fewer" if requirement in vocab.TREATMENT_LIMITS else "or more"
    return f"{format_level(requirement, float(level))} {more}"


def _at_least_as_restrictive(requirement: str, level: Fraction) -> str:
    """'copays of $30 or more', 'day limits of 30 days or fewer'."""
    return f"{_PLURAL[requirement]} of {_level_or_beyond(requirement, level)}"


def _names(benefits: list[str]) -> str:
    return ", ".join(benefits)


def _screen_one(
    key: dict[str, object],
    requirement: str,
    ms: pd.DataFrame,
    mh: pd.DataFrame,
    listed: list[str],
    *,
    n_mh: int,
) -> tuple[dict[str, object], list[dict[str, object]], list[dict[str, object]]]:
    """Screen one requirement type of a classification whose M/S rows carry no payments.

    With payments p > 0 on the listed M/S benefits R, S the benefits subject to the type and
    S_m those at levels at least as restrictive as the MH/SUD level m, the full test passes
    exactly when p(S) >= 2/3 p(R) and p(S_m) > 1/2 p(S). Whatever the payments: the first holds
    iff S = R, the second iff S_m = S, and the second fails iff S_m is empty.
    """
    label = _label(requirement)
    where = _where(key)
    cumulative = requirement in vocab.CUMULATIVE_REQUIREMENTS
    subject: dict[str, Fraction] = {}
    for rec in ms.itertuples(index=False):
        level = getattr(rec, C.LEVEL)
        if _is_subject(requirement, level):
            subject[str(getattr(rec, C.BENEFIT))] = _exact(level)
    subject_names = [b for b in listed if b in subject]
    mh_levels = [_exact(v) for v in mh[C.LEVEL] if _is_subject(requirement, v)]
    mh_subject = bool(mh_levels)
    mh_level: Fraction | None = None
    if mh_subject:
        mh_level = min(mh_levels) if requirement in vocab.TREATMENT_LIMITS else max(mh_levels)
    separate = cumulative and bool((mh[C.ACCUMULATION] == "separate").any())
    all_subject = bool(subject_names) and len(subject_names) == len(listed)
    distinct = sorted(set(subject.values()), reverse=requirement not in vocab.TREATMENT_LIMITS)
    predominant = distinct[0] if all_subject and len(distinct) == 1 else None
    considered = _names(listed)
    scope = (
        f"Screened without projected payments, over the M/S benefits listed in {where} "
        f"({considered}); an M/S benefit not listed could change the answer."
    )
    findings: list[dict[str, object]] = []
    condition: str | None = None
    if not mh_subject:
        screening, compliant = PASSES, True
        sentence = (
            f"MH/SUD benefits in {where} carry no {label}; nothing to compare "
            f"({CITATIONS['substantially_all']})."
        )
    elif not subject_names:
        screening, compliant = FAILS, False
        sentence = (
            f"MH/SUD benefits in {where} carry a {label} of "
            f"{format_level(requirement, float(mh_level))} while no M/S benefit listed in {where} "
            f"has any {label}; a type of requirement that applies to no M/S benefits may not be "
            f"applied to MH/SUD benefits, whatever the payments "
            f"({CITATIONS['substantially_all']}). {scope}"
        )
        findings.append(
            _finding(
                key, "no_ms_counterpart", "noncompliant", sentence, CITATIONS["substantially_all"]
            )
        )
    else:
        assert mh_level is not None
        mh_text = format_level(requirement, float(mh_level))
        restrictive = [
            b for b in subject_names if not _more_restrictive(requirement, mh_level, subject[b])
        ]
        if not restrictive:
            screening, compliant = FAILS, False
            sentence = (
                f"The MH/SUD {label} of {mh_text} in {where} is more restrictive than every M/S "
                f"{label} level listed there, so it fails whatever the payments: if the {label} "
                "applies to substantially all M/S benefits, the predominant level is less "
                "restrictive than the MH/SUD level; if it does not, MH/SUD benefits may not carry "
                f"it at all ({CITATIONS['predominant']}). {scope}"
            )
            findings.append(
                _finding(
                    key,
                    "mhsud_above_every_ms_level",
                    "noncompliant",
                    sentence,
                    CITATIONS["predominant"],
                )
            )
        else:
            parts = []
            if not all_subject:
                parts.append(
                    f"the M/S benefits with {_WITH_TYPE[requirement]} ({_names(subject_names)}) "
                    "receive at least two-thirds of the projected payments for all M/S benefits "
                    f"in {where} ({considered})"
                )
            if len(restrictive) < len(subject_names):
                parts.append(
                    f"the M/S benefits with {_at_least_as_restrictive(requirement, mh_level)} "
                    f"({_names(restrictive)}) receive more than half of the projected payments "
                    f"for M/S benefits with {_WITH_TYPE[requirement]} ({_names(subject_names)})"
                )
            if not parts:
                screening, compliant = PASSES, True
                sentence = (
                    f"Every M/S benefit listed in {where} carries {_WITH_TYPE[requirement]}, "
                    "each at a level at least as restrictive as the MH/SUD level of "
                    f"{mh_text}, so the MH/SUD {label} complies whatever the payments "
                    f"({CITATIONS['predominant']}). {scope}"
                )
            else:
                screening, compliant = DEPENDS, None
                condition = "complies only if " + " and ".join(parts)
                pred_clause = (
                    f" (that is, only if the predominant M/S {label}, found by combining levels "
                    f"most restrictive first, is {_level_or_beyond(requirement, mh_level)})"
                    if len(restrictive) < len(subject_names)
                    else ""
                )
                sentence = (
                    f"The MH/SUD {label} of {mh_text} in {where} {condition}{pred_clause}; "
                    "if so, it complies. The plan's projected payments decide "
                    f"({CITATIONS['predominant']}). {scope}"
                )
                findings.append(
                    _finding(
                        key, "depends_on_payments", DEPENDS, sentence, CITATIONS["predominant"]
                    )
                )
    if separate:
        acc_sentence = (
            f"The MH/SUD {label} in {where} accumulates separately from the M/S {label}; a "
            f"cumulative requirement may not accumulate separately for MH/SUD benefits, whatever "
            f"its level or the payments ({CITATIONS['cumulative']})."
        )
        findings = [f for f in findings if f[C.FINDING_KIND] != "depends_on_payments"]
        findings.append(
            _finding(
                key, "separate_accumulation", "noncompliant", acc_sentence, CITATIONS["cumulative"]
            )
        )
        sentence = acc_sentence if compliant is not False else f"{sentence} {acc_sentence}"
        screening, compliant, condition = FAILS, False, None
    det = {
        **key,
        MS_BENEFITS: len(listed),
        MHSUD_BENEFITS: n_mh,
        C.MS_TOTAL_PAYMENTS: np.nan,
        C.MS_SUBJECT_PAYMENTS: np.nan,
        C.SUBJECT_SHARE: np.nan,
        C.SUBSTANTIALLY_ALL: True if all_subject else (False if not subject_names else pd.NA),
        C.PREDOMINANT_LEVEL: float(predominant) if predominant is not None else np.nan,
        C.PREDOMINANT_SHARE: np.nan,
        PREDOMINANT_METHOD: SINGLE_LEVEL if predominant is not None else None,
        C.MHSUD_LEVEL: float(mh_level) if mh_level is not None else np.nan,
        MHSUD_SUBJECT: mh_subject,
        C.SEPARATE_ACCUMULATION: bool(separate),
        C.COMPLIANT: pd.NA if compliant is None else compliant,
        C.FINDING: sentence,
        C.SCREENING: screening,
        C.SCREENING_CONDITION: condition,
        C.SCREENING_BENEFITS: considered,
    }
    return det, [], findings


def _scope_note(plan_id: object, unit: object, places: list[str]) -> dict[str, object]:
    key = {
        C.PLAN_ID: plan_id,
        C.COVERAGE_UNIT: unit,
        C.CLASSIFICATION: None,
        C.SUB_CLASSIFICATION: None,
        C.REQUIREMENT_TYPE: "",
    }
    return _finding(
        key,
        "screening_scope",
        "review",
        "No projected payments are given for the M/S benefits in "
        f"{', '.join(places)}: the quantitative test there is a screening over the M/S benefits "
        "listed (each determination names them). Determined answers hold for those benefits; "
        "the plan's projected payments for all M/S benefits in each classification decide the "
        "rest, and an M/S benefit not listed could change an answer.",
        CITATIONS["substantially_all"],
    )


def _dollar_limit_one(
    requirement: str, unit: pd.DataFrame
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """29 CFR 2590.712(b) for one plan, coverage unit and dollar-limit type."""
    label = _label(requirement)
    a_label = _WITH_TYPE[requirement]
    first = unit.iloc[0]
    key = {
        C.PLAN_ID: first[C.PLAN_ID],
        C.COVERAGE_UNIT: first[C.COVERAGE_UNIT],
        C.CLASSIFICATION: None,
        C.SUB_CLASSIFICATION: None,
        C.REQUIREMENT_TYPE: requirement,
    }
    ms = unit[unit[C.SIDE] == vocab.MS]
    mh = unit[(unit[C.SIDE] == vocab.MHSUD) & (unit[C.REQUIREMENT_TYPE] == requirement)]
    bucket = [C.CLASSIFICATION, C.SUB_CLASSIFICATION, C.BENEFIT]
    payments = ms.groupby(bucket, sort=False)[C.PROJECTED_PAYMENTS].first()
    names = {
        b: f"{b[2]} ({_where(dict(zip(_KEY[2:], b[:2], strict=True)))})" for b in payments.index
    }
    limited_rows = ms[(ms[C.REQUIREMENT_TYPE] == requirement) & ms[C.LEVEL].notna()]
    limits = {
        tuple(r[k] for k in bucket): _exact(r[C.LEVEL]) for r in limited_rows.to_dict("records")
    }
    mh_levels = [_exact(v) for v in mh[C.LEVEL].dropna()]
    mh_limit = min(mh_levels) if mh_levels else None
    separate = bool((mh[C.ACCUMULATION] == "separate").any())
    screened = bool(payments.isna().any()) or not len(payments)
    listed = [names[b] for b in payments.index]
    limited = [names[b] for b in payments.index if b in limits]
    distinct = sorted(set(limits.values()))
    cite_none, cite_two, cite_avg = (
        CITATIONS["dollar_none"],
        CITATIONS["dollar_two_thirds"],
        CITATIONS["dollar_weighted"],
    )
    findings: list[dict[str, object]] = []
    total = subject = share = ms_limit = None
    rule: str | None = None
    screening: str | None = None
    condition: str | None = None
    compliant: bool | None
    mh_text = format_level("copay", float(mh_limit)) if mh_limit is not None else "none"

    def fail(kind: str, text: str, cite: str) -> None:
        findings.append(_finding(key, kind, "noncompliant", text, cite))

    if mh_limit is None:
        rule, compliant = "mhsud_no_limit", True
        sentence = f"MH/SUD benefits carry no {label}: nothing to compare ({cite_none})."
        screening = PASSES if screened else None
    elif not limits:
        rule, compliant = "none_or_under_one_third", False
        sentence = (
            f"MH/SUD benefits carry {a_label} of {mh_text}, but no M/S benefit listed has one; "
            f"a plan with no {label} on M/S benefits may not impose one on MH/SUD benefits "
            f"({cite_none})."
        )
        fail("dollar_limit_not_allowed", sentence, cite_none)
        screening = FAILS if screened else None
    elif not screened:
        assert mh_limit is not None
        total = sum((_exact(v) for v in payments), Fraction(0))
        subject = sum((_exact(payments[b]) for b in limits), Fraction(0))
        share = subject / total if total else Fraction(0)
        if share < ONE_THIRD:
            rule, compliant = "none_or_under_one_third", False
            sentence = (
                f"The M/S {label} applies to {_pct(share)} of projected M/S payments, less than "
                f"one-third, so MH/SUD benefits may not carry {a_label}; they carry "
                f"{mh_text} ({cite_none})."
            )
            fail("dollar_limit_not_allowed", sentence, cite_none)
        elif share >= TWO_THIRDS and len(distinct) == 1:
            rule, ms_limit = "at_least_two_thirds", distinct[0]
            compliant = mh_limit >= ms_limit
            lim = format_level("copay", float(ms_limit))
            sentence = (
                f"The M/S {label} of {lim} applies to {_pct(share)} of projected M/S payments (at "
                f"least two-thirds); the MH/SUD {label} of {mh_text} is "
                + ("no lower" if compliant else "lower, which is not allowed")
                + f" ({cite_two})."
            )
            if not compliant:
                fail("dollar_limit_below_ms_limit", sentence, cite_two)
        else:
            rule = "weighted_average"
            lower = sum((_exact(payments[b]) * lv for b, lv in limits.items()), Fraction(0)) / total
            unlimited_share = 1 - share
            ms_limit = lower
            avg_text = format_level("copay", float(lower))
            if mh_limit < lower:
                compliant = False
                sentence = (
                    f"The M/S {label}s apply to {_pct(share)} of projected M/S payments with "
                    f"different amounts or on less than two-thirds; the payment-weighted average "
                    f"M/S limit is at least {avg_text}, and the MH/SUD {label} of {mh_text} is "
                    f"lower ({cite_avg})."
                )
                fail("dollar_limit_below_weighted_average", sentence, cite_avg)
            elif unlimited_share == 0:
                compliant = True
                sentence = (
                    f"The payment-weighted average M/S {label} is {avg_text}; the MH/SUD {label} "
                    f"of {mh_text} is no lower ({cite_avg})."
                )
            else:
                compliant = None
                screening = DEPENDS
                bound = (mh_limit - lower) / unlimited_share
                condition = (
                    "complies only if the plan's estimate of the upper limit on what it may "
                    f"reasonably expect to pay for the M/S benefits without {a_label} is "
                    f"{format_level('copay', float(bound))} or less"
                )
                sentence = (
                    f"The M/S {label}s cover {_pct(share)} of projected M/S payments, so the "
                    f"MH/SUD {label} of {mh_text} must be no lower than the weighted average of "
                    f"the M/S limits, with the M/S benefits without a limit counted as one "
                    f"category at the plan's estimate of their upper limit; it {condition} "
                    f"({cite_avg})."
                )
                findings.append(_finding(key, "depends_on_payments", DEPENDS, sentence, cite_avg))
    else:
        assert mh_limit is not None
        everywhere = len(limited) == len(listed)
        scope = (
            f"Screened without projected payments over the M/S benefits listed ({_names(listed)}); "
            "an M/S benefit not listed could change the answer."
        )
        if everywhere and (mh_limit >= distinct[-1] or mh_limit < distinct[0]):
            compliant = mh_limit >= distinct[-1]
            screening = PASSES if compliant else FAILS
            rule = "at_least_two_thirds" if len(distinct) == 1 else "weighted_average"
            ms_limit = distinct[0] if len(distinct) == 1 else None
            sentence = (
                f"Every M/S benefit listed carries {a_label} "
                f"({', '.join(format_level('copay', float(v)) for v in distinct)}); the MH/SUD "
                f"{label} of {mh_text} is "
                + ("no lower than any of them" if compliant else "lower than all of them")
                + f", whatever the payments ({cite_two}; {cite_avg}). {scope}"
            )
            if not compliant:
                fail("dollar_limit_below_ms_limit", sentence, cite_two)
        else:
            compliant, screening = None, DEPENDS
            if everywhere:
                condition = (
                    f"complies only if the payment-weighted average of the M/S {label}s "
                    f"({_names(limited)}) is {mh_text} or less"
                )
            else:
                single_ok = len(distinct) == 1 and mh_limit >= distinct[0]
                condition = (
                    f"complies only if the M/S benefits with {a_label} ({_names(limited)}) "
                    "receive at least one-third of the projected payments for all M/S benefits "
                    "of the plan, and "
                    + (
                        "if they receive less than two-thirds, "
                        if single_ok
                        else "the limits are not one amount on at least two-thirds, and "
                    )
                    + f"the MH/SUD {label} of {mh_text} is no lower than the payment-weighted "
                    "average of the M/S limits, the M/S benefits without a limit counted at the "
                    "plan's estimate of their upper limit"
                )
            sentence = f"The MH/SUD {label} of {mh_text} {condition} ({cite_avg}). {scope}"
            findings.append(_finding(key, "depends_on_payments", DEPENDS, sentence, cite_avg))
    det = {
        **{k: key[k] for k in (C.PLAN_ID, C.COVERAGE_UNIT, C.REQUIREMENT_TYPE)},
        MS_BENEFITS: len(listed),
        MHSUD_BENEFITS: mh[C.BENEFIT].nunique(),
        C.MS_TOTAL_PAYMENTS: float(total) if total is not None else np.nan,
        C.MS_SUBJECT_PAYMENTS: float(subject) if subject is not None else np.nan,
        C.SUBJECT_SHARE: float(share) if share is not None else np.nan,
        C.DOLLAR_LIMIT_RULE: rule,
        C.MS_LIMIT: float(ms_limit) if ms_limit is not None else np.nan,
        C.MHSUD_LIMIT: float(mh_limit) if mh_limit is not None else np.nan,
        C.SEPARATE_ACCUMULATION: separate,
        C.COMPLIANT: pd.NA if compliant is None else bool(compliant),
        C.FINDING: sentence,
        C.SCREENING: screening,
        C.SCREENING_CONDITION: condition,
        C.SCREENING_BENEFITS: _names(listed) if screened else None,
    }
    return det, findings


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
    for name in (C.SUBSTANTIALLY_ALL, C.COMPLIANT):
        if name in frame:  # <NA>: a screening without payments could not decide
            frame[name] = frame[name].astype("boolean")
    for name in (
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
