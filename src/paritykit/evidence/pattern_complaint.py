"""A pattern complaint: one payer's denials of a practice's claims, laid out for its regulator.

:func:`pattern_complaint` takes a practice's claim lines (835 remittances or a billing export)
and, optionally, its appeal log, and drafts a letter to the payer's regulator from the regulator
directory (:mod:`paritykit.regulators`), chosen by plan type and state. The letter states the
pattern in plain words and numbers taken from the payer scorecard
(:func:`paritykit.payer_scorecard`): the payer's claim-line denial rate against the practice's
other payers, with its interval; denials by reason category and procedure code; the dates
covered; the calls and appeals from the log with their dates, representatives and reference
numbers; the parity questions the payer should answer; and the action requested. Test
statistics and p-values appear only in the report PDF that goes with the letter (its exhibits).

A disparity in denial rates is a warning sign that calls for the payer's explanation, not proof
of a violation; the letter says so and states no violation. Facts paritykit cannot know (the
practice's name and address, the plan's name) appear as ``[bracketed placeholders]``.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from paritykit import columns as C
from paritykit._version import __version__
from paritykit.errors import ConfigurationError
from paritykit.load.plan_facts import US_STATES

__all__ = [
    "COMPLAINT_STEM",
    "REPORT_STEM",
    "PatternComplaint",
    "pattern_complaint",
    "write_pattern_complaint",
]

#: File names written by :func:`write_pattern_complaint` (``.md``, ``.docx``; ``.pdf``).
COMPLAINT_STEM: Final = "pattern_complaint"
REPORT_STEM: Final = "pattern_report"
LETTER_TEMPLATE: Final = "pattern_complaint.md.j2"
REPORT_TEMPLATE: Final = "pattern_report.html.j2"
DISCLAIMER: Final = (
    "This letter and its exhibits were prepared with paritykit {version}. They present "
    "evidence, not legal advice. A difference in denial rates is a warning sign that calls for "
    "the payer's explanation, not proof of a violation."
)
#: Plain words for the CARC categories in the letter.
CATEGORY_WORDS: Final[dict[str, str]] = {
    "medical_necessity": "not medically necessary",
    "authorization": "no prior authorization or referral",
    "missing_information": "missing or incomplete information",
    "timely_filing": "filed too late",
    "eligibility": "patient not eligible or not covered",
    "network": "provider out of network",
    "duplicate": "duplicate claim",
    "coordination_of_benefits": "another payer responsible",
    "non_covered": "service not covered",
    "coding": "coding or billing error",
    "other": "other reasons",
    "unknown": "a reason code paritykit does not know",
}
EVENT_WORDS: Final[dict[str, str]] = {
    "call": "call to the payer",
    "resubmitted": "claim resubmitted",
    "appeal_filed": "internal appeal filed",
    "appeal_decided": "internal appeal decided",
    "external_review_requested": "external review requested",
    "external_review_decided": "external review decided",
    "complaint_filed": "complaint filed",
}
#: Regulator by plan type: (primary kind, copy kinds, why the primary has jurisdiction).
_ROUTES: Final[dict[str, tuple[str, tuple[str, ...], str]]] = {
    "erisa_self_funded": (
        "ebsa",
        (),
        "A self-funded private employer plan is governed by ERISA and overseen by the "
        "Department of Labor; state insurance law does not reach it.",
    ),
    "erisa_insured": (
        "state_insurance",
        ("ebsa",),
        "The payer's insurance policies are regulated by the state; the employer plans it "
        "insures are also governed by ERISA, so a copy goes to the Department of Labor.",
    ),
    "individual": (
        "state_insurance",
        (),
        "Individual health insurance policies are regulated by the state.",
    ),
    "non_federal_governmental": (
        "cms",
        (),
        "CMS enforces the parity law for state and local government employer plans.",
    ),
    "medicaid_managed_care": (
        "state_medicaid",
        ("cms",),
        "Medicaid managed care plans are overseen by the state Medicaid agency, and the "
        "state's program by CMS.",
    ),
    "chip": (
        "state_medicaid",
        ("cms",),
        "CHIP managed care plans are overseen by the state agency, and the state's program by CMS.",
    ),
}
#: The parity regulation cited, by plan type.
_PARITY_RULE: Final[dict[str, str]] = {
    "erisa_self_funded": "29 CFR 2590.712",
    "erisa_insured": "29 CFR 2590.712 and 45 CFR 146.136",
    "individual": "45 CFR 146.136, applied to individual coverage by 45 CFR 147.160",
    "non_federal_governmental": "45 CFR 146.136",
    "medicaid_managed_care": "42 CFR part 438, subpart K",
    "chip": "42 CFR 457.496",
}
_DISCLOSURE: Final[dict[str, tuple[str, str]]] = {
    # plan type -> (criteria disclosure, reason disclosure)
    "erisa_self_funded": ("29 CFR 2590.712(d)(1)", "29 CFR 2590.712(d)(2)"),
    "erisa_insured": ("29 CFR 2590.712(d)(1)", "29 CFR 2590.712(d)(2)"),
    "individual": ("45 CFR 146.136(d)(1)", "45 CFR 146.136(d)(2)"),
    "non_federal_governmental": ("45 CFR 146.136(d)(1)", "45 CFR 146.136(d)(2)"),
    "medicaid_managed_care": ("42 CFR 438.915", "42 CFR 438.915"),
    "chip": ("42 CFR 457.496", "42 CFR 457.496"),
}


@dataclass(frozen=True)
class PatternComplaint:
    """A drafted pattern complaint about one payer, and the figures it states.

    Attributes
    ----------
    payer : str
        The payer as named in the data.
    plan_type, state : str
        The plan type (:data:`paritykit.vocab.PLAN_TYPES`) and state (two letters, or None).
    markdown : str
        The letter.
    figures : dict
        The payer-row figures the letter states, from the (suppressed) scorecard: claim
        lines, denied lines, the denial rate and interval, the other payers' figures, the rate
        ratio and interval, the test and p-values (the last two only in the report).
    procedures, reasons, events : pandas.DataFrame
        The payer's rows by procedure code, its denied lines by reason category, and its logged
        events (empty without a log).
    regulator : dict
        The office addressed (directory row as a dict); ``copies`` the offices copied.
    period : tuple of datetime.date
        First and last service date of the payer's claim lines.
    denial_period : tuple of datetime.date or None
        First and last denial notice date (denial_date, else remittance date).
    prepared_on : datetime.date
    alpha : float
    suppressed : bool
        Small-cell suppression was applied to the figures.
    """

    payer: str
    plan_type: str
    state: str | None
    markdown: str = field(repr=False)
    figures: dict[str, Any] = field(repr=False)
    procedures: pd.DataFrame = field(repr=False)
    reasons: pd.DataFrame = field(repr=False)
    events: pd.DataFrame = field(repr=False)
    regulator: dict[str, Any] = field(repr=False)
    copies: tuple[dict[str, Any], ...] = field(repr=False)
    period: tuple[dt.date, dt.date] | None
    denial_period: tuple[dt.date, dt.date] | None
    prepared_on: dt.date
    alpha: float = 0.05
    suppressed: bool = True
    scorecard: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The figures the letter states, one row each (``figure``, ``value``)."""
        return pd.DataFrame(list(self.figures.items()), columns=["figure", "value"])

    def summary(self) -> str:
        """Who the letter goes to and the headline figure."""
        f = self.figures
        rate = _pct(f[C.DENIAL_RATE])
        return (
            f"Pattern complaint about {self.payer} ({self.plan_type}"
            f"{', ' + self.state if self.state else ''}) to {self.regulator['name']}: "
            f"{_count(f[C.DENIED])} of {_count(f[C.CLAIM_LINES])} claim lines denied ({rate}) "
            f"against {_pct(f[C.OTHER_PAYERS_DENIAL_RATE])} for the other payers; "
            f"{len(self.events)} logged event(s)"
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary())}</p><pre>{html.escape(self.markdown)}</pre>"


# --- formatting ---------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _pct(value: Any) -> str:
    """A rate as the letter writes it: ``17.6%``; withheld values as ``suppressed``."""
    return "suppressed" if _missing(value) else f"{float(value):.1%}"


def _count(value: Any, raw: Any = None) -> str:
    """A count as the letter writes it; a withheld small count as ``fewer than 11``.

    ``raw`` is the count before suppression: a count of 11 or more withheld only because it
    would reveal a small one (complementary suppression) reads ``suppressed``.
    """
    if not _missing(value):
        return f"{int(value):,}"
    from paritykit.privacy import SMALL_CELL_THRESHOLD

    if raw is not None and not _missing(raw) and int(raw) >= SMALL_CELL_THRESHOLD:
        return "suppressed"
    return "fewer than 11"


def _cell(value: Any) -> str:
    """A log cell as text; missing as empty."""
    return "" if _missing(value) else str(value)


def _ratio(value: Any) -> str:
    return "suppressed" if _missing(value) else f"{float(value):.2f}"


def _us_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _p(value: Any) -> str:
    if _missing(value):
        return "suppressed"
    value = float(value)
    return "< 0.0001" if value < 0.0001 else f"{value:.4f}"


# --- regulator ------------------------------------------------------------------------------------


def _office(kind: str, state: str | None) -> dict[str, Any]:
    from paritykit.regulators import ebsa_office_for, find_regulators, regulator_directory

    if kind == "ebsa":
        if state is None:
            directory = regulator_directory()
            return _clean(directory[directory["kind"] == "ebsa_national"].iloc[0].to_dict())
        return _clean(ebsa_office_for(state).to_dict())
    if kind == "cms":
        directory = regulator_directory()
        return _clean(directory[directory["kind"] == "cms"].iloc[0].to_dict())
    if state is None:
        what = "insurance department" if kind == "state_insurance" else "Medicaid agency"
        return {
            "name": f"[the {what} of the state where the plan is issued: pass --state]",
            "kind": kind,
        }
    found = find_regulators(state, kind)
    return _clean(found.iloc[0].to_dict())


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: (None if _missing(v) else v) for k, v in row.items()}
    out["kind"] = str(out.get("kind"))
    return out


def _address_lines(office: dict[str, Any]) -> list[str]:
    lines = [str(office["name"])]
    street = office.get("street") or office.get("po_box")
    if street:
        lines.append(str(street))
    city = ", ".join(str(p) for p in (office.get("city"), office.get("state_code")) if p)
    if city:
        lines.append(f"{city} {office.get('zip') or ''}".strip())
    if len(lines) == 1:
        lines.append("[the regulator's postal address or online complaint form]")
    return lines


def _contact(office: dict[str, Any]) -> str:
    parts = [office.get("complaint_url"), office.get("phone"), office.get("email")]
    return "; ".join(str(p) for p in parts if p)


# --- content --------------------------------------------------------------------------------------


def _find_payer(card_payers: pd.DataFrame, payer: str) -> str:
    from paritykit.validate.problems import did_you_mean

    names = [str(p) for p in card_payers[C.PLAN_ID]]
    if payer in names:
        return payer
    folded = {n.casefold().strip(): n for n in names}
    if payer.casefold().strip() in folded:
        return folded[payer.casefold().strip()]
    raise ConfigurationError(
        f"payer {payer!r} is not in the claim lines{did_you_mean(payer, names)}; the payers "
        "are: " + ", ".join(names) + "."
    )


def _dates(series: pd.Series) -> tuple[dt.date, dt.date] | None:
    values = pd.to_datetime(series, errors="coerce").dropna()
    if values.empty:
        return None
    return values.min().date(), values.max().date()


def _questions(plan_type: str, categories: list[str]) -> list[str]:
    criteria, reason = _DISCLOSURE[plan_type]
    rule = _PARITY_RULE[plan_type]
    out = [
        "What criteria does the payer use to decide whether outpatient mental health and "
        "substance use disorder services are medically necessary, and will it give them to the "
        f"practice and the patients on request ({criteria})?",
        "What was the reason for each denial listed in the exhibits, stated so the practice "
        f"can respond to it ({reason})?",
        "Does the payer apply its prior authorization, medical-necessity review and "
        "documentation requirements to these mental health services more often, or more "
        "strictly, than to comparable medical/surgical outpatient office visits, as written and "
        f"in operation ({rule}, treatment limitations that are not numbers)?",
        "What were the payer's denial rates for medical/surgical outpatient office visits "
        "over the same period, the data that would show how its limitations work in operation?",
    ]
    if "medical_necessity" in categories:
        out.append(
            "Which level-of-care or clinical criteria (its own, or published ones) did the "
            "payer's reviewers apply to the sessions it found not medically necessary, and who "
            "reviewed them?"
        )
    if "authorization" in categories:
        out.append(
            "Which outpatient mental health services need prior authorization, and which "
            "comparable medical/surgical services do?"
        )
    if "missing_information" in categories:
        out.append(
            "What records did the payer ask for before denying claims for missing information, "
            "and does it ask for the same records for medical/surgical office visits?"
        )
    if plan_type in ("medicaid_managed_care", "chip"):
        out.append(
            "Has the plan, or the state for it, documented that its limitations on these "
            f"services comply with {rule}, and may the practice see that analysis?"
        )
    else:
        statute = (
            "29 U.S.C. 1185a(a)(8)"
            if plan_type == "erisa_self_funded"
            else "29 U.S.C. 1185a(a)(8); 42 U.S.C. 300gg-26(a)(8)"
            if plan_type == "erisa_insured"
            else "42 U.S.C. 300gg-26(a)(8)"
        )
        out.append(
            "Has the payer performed and documented the comparative analyses of these "
            f"limitations that the law requires ({statute}), and will it produce them?"
        )
    return out


def pattern_complaint(
    claims: Any,
    *,
    payer: str,
    log: Any = None,
    plan_type: str = "erisa_insured",
    state: str | None = None,
    prepared_on: dt.date | None = None,
    alpha: float = 0.05,
    suppress: bool = True,
    practice: str | None = None,
) -> PatternComplaint:
    """Draft a pattern complaint about one payer's denials, addressed to its regulator.

    Parameters
    ----------
    claims : pandas.DataFrame, Remittances or BillingExport
        The practice's claim lines for every payer (the other payers are the comparison).
    payer : str
        The payer complained about, as named in ``plan_id`` (case is ignored).
    log : path, DataFrame or AppealLog, optional
        The appeal log (:func:`paritykit.read_appeal_log`); its events for this payer (calls,
        appeals, decisions, with dates, representatives and reference numbers) are listed.
    plan_type : str, default "erisa_insured"
        One of :data:`paritykit.vocab.PLAN_TYPES`; decides the regulator (state insurance
        department, EBSA, CMS or the state Medicaid agency) and the rules cited. Church and
        FEHB plans are refused with whom to contact instead.
    state : str, optional
        Two-letter state code; with it the letter carries the office's address from the
        regulator directory, without it a placeholder.
    prepared_on : datetime.date, optional
        The letter's date (default today).
    alpha : float, default 0.05
        One minus the confidence level of the intervals, and the test's significance level.
    suppress : bool, default True
        Small-cell suppression of the figures (as in the payer scorecard).
    practice : str, optional
        The practice's name for the letter (else a placeholder).

    Returns
    -------
    PatternComplaint

    Examples
    --------
    >>> import datetime as dt
    >>> from paritykit import synthetic_remittances
    >>> lines = synthetic_remittances(claims=800, seed=4).truth
    >>> c = pattern_complaint(lines, payer="sample health insurance", state="OH",
    ...                       prepared_on=dt.date(2025, 1, 15))
    >>> c.regulator["name"], "evidence, not legal advice" in c.markdown
    ('Ohio Department of Insurance', True)
    """
    from paritykit.analysis.jurisdiction import NO_COMPLAINT_LETTER
    from paritykit.analysis.payers import ALL_PAYERS, payer_scorecard
    from paritykit.evidence.letters import render_template
    from paritykit.evidence.payer_workbook import suppress_scorecard
    from paritykit.privacy import SUPPRESSED
    from paritykit.vocab import normalize_plan_type

    plan_type = normalize_plan_type(plan_type)
    if plan_type in NO_COMPLAINT_LETTER:
        raise ConfigurationError(NO_COMPLAINT_LETTER[plan_type])
    if state is not None:
        from paritykit.regulators import _check_state

        state = _check_state(state)
    data = getattr(claims, "claims", claims)
    card = payer_scorecard(data, alpha=alpha)
    raw_table = card.to_frame()
    table = suppress_scorecard(raw_table) if suppress else raw_table.assign(**{SUPPRESSED: ""})
    payers = table[table[C.GROUPING] == "payer"]
    if len(payers) < 2:
        raise ConfigurationError(
            "a pattern complaint compares the payer with the practice's other payers; the "
            "claim lines name only one payer."
        )
    name = _find_payer(payers, payer)
    row = payers[payers[C.PLAN_ID] == name].iloc[0].to_dict()
    pooled = table[table[C.PLAN_ID] == ALL_PAYERS].iloc[0].to_dict()
    figures = {
        col: row.get(col)
        for col in (
            C.CLAIMS,
            C.CLAIM_LINES,
            C.DENIED,
            C.DENIAL_RATE,
            C.DENIAL_RATE_LOW,
            C.DENIAL_RATE_HIGH,
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
        )
    }
    figures["all_payers_denial_rate"] = pooled.get(C.DENIAL_RATE)
    figures["payers_compared"] = len(payers)
    mask = (table[C.GROUPING] == "payer_procedure") & (table[C.PLAN_ID] == name)
    procedures = table.loc[
        mask,
        [C.PROCEDURE_CODE, C.CLAIM_LINES, C.DENIED, C.DENIAL_RATE, C.OTHER_PAYERS_DENIAL_RATE,
         SUPPRESSED],
    ]  # fmt: skip
    procedures = procedures.assign(
        _raw_lines=raw_table.loc[mask, C.CLAIM_LINES].to_numpy(),
        _raw_denied=raw_table.loc[mask, C.DENIED].to_numpy(),
    ).reset_index(drop=True)
    from paritykit.analysis.payers import DENIAL_CATEGORY_COLUMNS

    reasons = []
    for col in DENIAL_CATEGORY_COLUMNS:
        value = row.get(col)
        raw = card.table.loc[card.table[C.PLAN_ID] == name, col].iloc[0]
        if raw and not _missing(raw):
            category = col.removeprefix(C.DENIED_PREFIX)
            reasons.append(
                {
                    C.CARC_CATEGORY: category,
                    "reason": CATEGORY_WORDS.get(category, category.replace("_", " ")),
                    C.DENIED: value,
                    "_raw": raw,
                }
            )
    reasons_frame = pd.DataFrame(reasons, columns=[C.CARC_CATEGORY, "reason", C.DENIED, "_raw"])
    mine = data[data[C.PLAN_ID].astype(str) == name]
    period = _dates(mine[C.SERVICE_DATE]) if C.SERVICE_DATE in mine.columns else None
    denied_lines = mine[mine[C.STATUS] == "denied"]
    notice_col = C.DENIAL_DATE if C.DENIAL_DATE in mine.columns else C.PAYMENT_DATE
    denial_period = _dates(denied_lines[notice_col]) if notice_col in mine.columns else None
    events = pd.DataFrame(columns=list(C.APPEAL_LOG_COLUMNS))
    if log is not None:
        from paritykit.load.appeal_log import read_appeal_log

        checked = read_appeal_log(log, claims=data)
        every = checked.events
        events = every[every[C.PLAN_ID].astype(str).str.casefold() == name.casefold()]
        events = events.sort_values([C.EVENT_DATE, C.CLAIM_ID], kind="stable").reset_index(
            drop=True
        )
    primary_kind, copy_kinds, basis = _ROUTES[plan_type]
    regulator = _office(primary_kind, state)
    copies = tuple(_office(k, state) for k in copy_kinds)
    prepared = prepared_on or dt.date.today()
    records = [
        {
            "date": f"{pd.Timestamp(r[C.EVENT_DATE]):%Y-%m-%d}",
            "event": EVENT_WORDS.get(r[C.EVENT], r[C.EVENT]),
            "claim": r[C.CLAIM_ID],
            "representative": _cell(r.get(C.REPRESENTATIVE)),
            "reference": _cell(r.get(C.REFERENCE_NUMBER)),
            "outcome": "" if _cell(r.get(C.OUTCOME)) == "pending" else _cell(r.get(C.OUTCOME)),
        }
        for r in events.to_dict("records")
    ]
    counts = events[C.EVENT].value_counts().to_dict() if len(events) else {}
    decided = events[events[C.EVENT] == "appeal_decided"] if len(events) else events
    categories = [r[C.CARC_CATEGORY] for r in reasons]
    markdown = render_template(
        LETTER_TEMPLATE,
        payer=name,
        practice=practice or "",
        date=_us_date(prepared),
        regulator_lines=_address_lines(regulator),
        regulator_contact=_contact(regulator),
        copies=[{"name": c["name"], "contact": _contact(c)} for c in copies],
        basis=basis,
        plan_type=plan_type,
        state=US_STATES.get(state, state) if state else "",
        rule=_PARITY_RULE[plan_type],
        period=(f"{_us_date(period[0])} to {_us_date(period[1])}" if period else "[the period]"),
        denial_period=(
            f"{_us_date(denial_period[0])} to {_us_date(denial_period[1])}" if denial_period else ""
        ),
        lines=_count(figures[C.CLAIM_LINES]),
        claims_n=_count(figures[C.CLAIMS]),
        denied=_count(figures[C.DENIED]),
        rate=_pct(figures[C.DENIAL_RATE]),
        low=_pct(figures[C.DENIAL_RATE_LOW]),
        high=_pct(figures[C.DENIAL_RATE_HIGH]),
        level=f"{1 - alpha:.0%}",
        other_lines=_count(figures[C.OTHER_PAYERS_CLAIM_LINES]),
        other_denied=_count(figures[C.OTHER_PAYERS_DENIED]),
        other_rate=_pct(figures[C.OTHER_PAYERS_DENIAL_RATE]),
        other_payers=len(payers) - 1,
        ratio=_ratio(figures[C.RATE_RATIO]),
        ratio_low=_ratio(figures[C.RATE_RATIO_LOW]),
        ratio_high=_ratio(figures[C.RATE_RATIO_HIGH]),
        flagged=bool(figures[C.FLAGGED]),
        higher=(not _missing(figures[C.RATE_RATIO]) and float(figures[C.RATE_RATIO]) > 1),
        reasons=[
            {"reason": r["reason"], "denied": _count(r[C.DENIED], r["_raw"])} for r in reasons
        ],
        procedures=[
            {
                "code": p[C.PROCEDURE_CODE],
                "lines": _count(p[C.CLAIM_LINES], p["_raw_lines"]),
                "denied": _count(p[C.DENIED], p["_raw_denied"]),
                "rate": _pct(p[C.DENIAL_RATE]),
                "other_rate": _pct(p[C.OTHER_PAYERS_DENIAL_RATE]),
            }
            for p in procedures.to_dict("records")
        ],
        events=records,
        calls=int(counts.get("call", 0)),
        appeals_filed=int(counts.get("appeal_filed", 0)),
        appeals_decided=len(decided),
        appeals_upheld=int(decided[C.OUTCOME].isin(["upheld", "partial"]).sum())
        if len(decided)
        else 0,
        has_log=log is not None,
        questions=_questions(plan_type, categories),
        report=f"{REPORT_STEM}.pdf",
        disclaimer=DISCLAIMER.format(version=__version__),
        suppressed=suppress,
    )
    return PatternComplaint(
        payer=name,
        plan_type=plan_type,
        state=state,
        markdown=markdown,
        figures=figures,
        procedures=procedures,
        reasons=reasons_frame,
        events=events,
        regulator=regulator,
        copies=copies,
        period=period,
        denial_period=denial_period,
        prepared_on=prepared,
        alpha=float(alpha),
        suppressed=suppress,
        scorecard=table,
    )


# --- writing --------------------------------------------------------------------------------------


def _chart_uri(complaint: PatternComplaint) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paritykit.evidence.payer_charts import plot_payer_denial_rates

    ax = plot_payer_denial_rates(complaint.scorecard)
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    plt.close(ax.figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_pattern_report(complaint: PatternComplaint) -> str:
    """The report of the pattern (the letter's exhibits) as one self-contained HTML page."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("paritykit", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    f = complaint.figures
    payers = complaint.scorecard[complaint.scorecard[C.GROUPING] == "payer"]
    return env.get_template(REPORT_TEMPLATE).render(
        c=complaint,
        f={
            "lines": _count(f[C.CLAIM_LINES]),
            "denied": _count(f[C.DENIED]),
            "rate": _pct(f[C.DENIAL_RATE]),
            "low": _pct(f[C.DENIAL_RATE_LOW]),
            "high": _pct(f[C.DENIAL_RATE_HIGH]),
            "other_lines": _count(f[C.OTHER_PAYERS_CLAIM_LINES]),
            "other_denied": _count(f[C.OTHER_PAYERS_DENIED]),
            "other_rate": _pct(f[C.OTHER_PAYERS_DENIAL_RATE]),
            "ratio": _ratio(f[C.RATE_RATIO]),
            "ratio_low": _ratio(f[C.RATE_RATIO_LOW]),
            "ratio_high": _ratio(f[C.RATE_RATIO_HIGH]),
            "p": _p(f[C.P_VALUE]),
            "p_adjusted": _p(f[C.P_ADJUSTED]),
            "test": f[C.TEST] or "not computed",
            "flagged": "yes" if f[C.FLAGGED] else "no",
            "level": f"{1 - complaint.alpha:.0%}",
            "alpha": f"{complaint.alpha:g}",
        },
        payers=[
            {
                "name": r[C.PLAN_ID],
                "lines": _count(r[C.CLAIM_LINES]),
                "denied": _count(r[C.DENIED]),
                "rate": _pct(r[C.DENIAL_RATE]),
                "interval": f"{_pct(r[C.DENIAL_RATE_LOW])} to {_pct(r[C.DENIAL_RATE_HIGH])}",
                "ratio": _ratio(r[C.RATE_RATIO]),
                "p_adjusted": _p(r[C.P_ADJUSTED]),
            }
            for r in payers.to_dict("records")
        ],
        reasons=[
            {"reason": r["reason"], "denied": _count(r[C.DENIED], r["_raw"])}
            for r in complaint.reasons.to_dict("records")
        ],
        procedures=[
            {
                "code": p[C.PROCEDURE_CODE],
                "lines": _count(p[C.CLAIM_LINES], p["_raw_lines"]),
                "denied": _count(p[C.DENIED], p["_raw_denied"]),
                "rate": _pct(p[C.DENIAL_RATE]),
                "other_rate": _pct(p[C.OTHER_PAYERS_DENIAL_RATE]),
            }
            for p in complaint.procedures.to_dict("records")
        ],
        events=[
            {
                "date": f"{pd.Timestamp(r[C.EVENT_DATE]):%Y-%m-%d}",
                "event": EVENT_WORDS.get(r[C.EVENT], r[C.EVENT]),
                "claim": r[C.CLAIM_ID],
                "representative": _cell(r.get(C.REPRESENTATIVE)),
                "reference": _cell(r.get(C.REFERENCE_NUMBER)),
                "outcome": _cell(r.get(C.OUTCOME)),
                "contents": ", ".join(
                    label
                    for col, label in (
                        (C.CLINICAL_DOCUMENTATION, "clinical documentation"),
                        (C.PROVIDER_LETTER, "provider letter"),
                        (C.PARITY_CITED, "parity argument"),
                    )
                    if not _missing(r.get(col)) and bool(r.get(col))
                ),
            }
            for r in complaint.events.to_dict("records")
        ],
        chart=_chart_uri(complaint),
        prepared=_us_date(complaint.prepared_on),
        disclaimer=DISCLAIMER.format(version=__version__),
        version=__version__,
    )


def write_pattern_complaint(
    complaint: PatternComplaint, out_dir: str | os.PathLike[str]
) -> list[Path]:
    """Write the letter (``pattern_complaint.md`` and ``.docx``) and ``pattern_report.pdf``.

    Every file is written to a staging folder first and moved into ``out_dir`` only when all
    were written (:func:`paritykit.safety.staged_output`): a failure leaves no partial set.

    Parameters
    ----------
    complaint : PatternComplaint
        From :func:`pattern_complaint`.
    out_dir : path-like
        The folder (created if missing).

    Returns
    -------
    list of pathlib.Path
        The Markdown letter, the DOCX letter and the report PDF.
    """
    import weasyprint

    from paritykit._atomic import atomic_path, atomic_write_text
    from paritykit.evidence.documents import markdown_to_docx
    from paritykit.safety import publish, staged_output

    out = Path(out_dir)
    with staged_output(out) as staging:
        md = atomic_write_text(staging / f"{COMPLAINT_STEM}.md", complaint.markdown)
        docx = markdown_to_docx(
            complaint.markdown,
            staging / f"{COMPLAINT_STEM}.docx",
            title=f"Pattern complaint: {complaint.payer}",
        )
        pdf = staging / f"{REPORT_STEM}.pdf"
        document = weasyprint.HTML(
            string=render_pattern_report(complaint), base_url=str(staging)
        ).render(pdf_tags=True)
        with atomic_path(pdf) as tmp:
            document.write_pdf(
                tmp,
                pdf_identifier=f"paritykit-pattern-{complaint.prepared_on.isoformat()}".encode(),
            )
        return publish(staging, out, [Path(md), Path(docx), pdf])
