"""Check an appeal log against its contract and against the remittances it describes.

One row of the log is one event about a denied claim (a call to the payer, an appeal filed, the
plan's decision, an external review, a resubmission, a complaint). A row with a problem is
excluded and listed with its file, spreadsheet row, column, value and what to do; the other
rows are kept. Nothing is dropped silently.

Checks, each giving one message per problem:

- required cells (claim id, payer, event, date) present; the event one of
  :data:`paritykit.vocab.APPEAL_EVENTS`, the outcome one of
  :data:`paritykit.vocab.APPEAL_OUTCOMES`; a decision (``appeal_decided``,
  ``external_review_decided``) has an outcome other than ``pending``, other events none;
- dates are dates (ISO ``2024-03-01`` or US ``03/01/2024``, years 1900-2100); yes/no cells are
  yes or no;
- a row that repeats an earlier row is a duplicate;
- with the remittances: the claim id is in them and was denied there, the payer is the claim's
  payer, and no event is dated before the claim's denial notice date;
- order: a decision follows its request (an ``appeal_decided`` needs an ``appeal_filed`` on or
  before its date; an ``external_review_requested`` needs an upheld or partial
  ``appeal_decided`` on or before it; an ``external_review_decided`` needs an
  ``external_review_requested`` on or before it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit.errors import PROBLEM_COLUMNS
from paritykit.load.tables import RawTable
from paritykit.validate.common import check_columns
from paritykit.validate.problems import ProblemLog, did_you_mean

__all__ = [
    "APPEAL_LOG_CONTRACT_NAME",
    "HEADER_ALIASES",
    "AppealLog",
    "validate_appeal_log",
]

APPEAL_LOG_CONTRACT_NAME: Final = "appeal log"
#: Other header spellings accepted for contract columns (after normalizing the header).
HEADER_ALIASES: Final[dict[str, str]] = {
    "payer": C.PLAN_ID,
    "payer_name": C.PLAN_ID,
    "claim": C.CLAIM_ID,
    "claim_number": C.CLAIM_ID,
    "event_date": C.EVENT_DATE,
    "representative_name": C.REPRESENTATIVE,
    "rep": C.REPRESENTATIVE,
    "reference": C.REFERENCE_NUMBER,
    "ref_number": C.REFERENCE_NUMBER,
    "call_reference": C.REFERENCE_NUMBER,
    "note": C.NOTES,
}
_YEARS: Final = (1900, 2100)
_DATE_FORMATS: Final = ("%Y-%m-%d", "%m/%d/%Y")


@dataclass(frozen=True)
class AppealLog:
    """The events of an appeal log that passed every check, and the rows set aside.

    Attributes
    ----------
    events : pandas.DataFrame
        One row per kept event: :data:`paritykit.columns.APPEAL_LOG_COLUMNS` plus
        ``source_row`` (the spreadsheet row). ``date`` is a datetime; the yes/no columns are
        nullable booleans (missing where the cell was empty); sorted by claim, date and the
        usual order of events.
    excluded : pandas.DataFrame
        One row per problem (:data:`paritykit.errors.PROBLEM_COLUMNS`): the rows named here
        are not in ``events``.
    file : str
        The log's name as given.
    notes : tuple of str
        What the reader decided (sheet read, encoding).
    """

    events: pd.DataFrame = field(repr=False)
    excluded: pd.DataFrame = field(repr=False)
    file: str
    notes: tuple[str, ...] = ()

    @property
    def excluded_rows(self) -> tuple[int, ...]:
        """The spreadsheet rows left out (each with at least one problem)."""
        rows = pd.to_numeric(self.excluded["row"], errors="coerce").dropna().astype(int)
        return tuple(sorted(set(rows)))

    def to_frame(self) -> pd.DataFrame:
        """The kept events (a copy)."""
        return self.events.copy()

    def problem_lines(self) -> list[str]:
        """Each problem as one line: ``file, row N, column 'c' = value: problem; what to do``."""
        out = []
        for rec in self.excluded.to_dict("records"):
            where = [str(rec["file"])]
            if rec["row"] is not None and not pd.isna(rec["row"]):
                where.append(f"row {int(rec['row'])}")
            if isinstance(rec["column"], str) and rec["column"]:
                cell = f"column '{rec['column']}'"
                if rec["value"] is not None and not (
                    isinstance(rec["value"], float) and pd.isna(rec["value"])
                ):
                    cell += f" = {rec['value']!r}"
                where.append(cell)
            text = ", ".join(where) + f": {rec['problem']}"
            if rec["expected"]:
                text += f"; {rec['expected']}"
            out.append(text)
        return out

    def summary(self) -> str:
        """Events kept and rows excluded, with every problem."""
        lines = [
            f"appeal log {self.file}: {len(self.events)} event(s) kept for "
            f"{self.events[C.CLAIM_ID].nunique() if len(self.events) else 0} claim(s); "
            f"{len(self.excluded_rows)} row(s) excluded ({len(self.excluded)} problem(s))"
        ]
        lines += [f"  {line}" for line in self.problem_lines()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(self.summary()) + "</pre>"


def _text(value: Any) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> pd.Timestamp | None:
    if isinstance(value, dt.date):  # a date cell of a workbook
        stamp = pd.Timestamp(value)
    else:
        text = _text(value)
        stamp = None
        for fmt in _DATE_FORMATS:
            try:
                stamp = pd.to_datetime(text[:10] if fmt == "%Y-%m-%d" else text, format=fmt)
                break
            except (ValueError, TypeError):
                continue
        if stamp is None:
            return None
    if not _YEARS[0] <= stamp.year <= _YEARS[1]:
        return None
    return stamp.normalize()


def _yes_no(value: Any) -> bool | str | None:
    """True, False, None (empty) or the string "bad"."""
    token = vocab.normalize_token(_text(value))
    if token == "":
        return None
    if token in vocab.YES_VALUES:
        return True
    if token in vocab.NO_VALUES:
        return False
    return "bad"


def _denials(claims: Any) -> tuple[dict[str, str], dict[str, pd.Timestamp], set[str]]:
    """Per claim id: its payer, its first denial notice date, and the ids with a denied line."""
    data = getattr(claims, "claims", claims)
    ids = data[C.CLAIM_ID].astype(str).str.strip()
    payer = dict(zip(ids, data[C.PLAN_ID].astype(str), strict=True))
    denied = data[C.STATUS].astype(str) == "denied" if C.STATUS in data.columns else ids == ids
    notice = pd.Series(pd.NaT, index=data.index, dtype="datetime64[ns]")
    for col in (C.DENIAL_DATE, C.PAYMENT_DATE):
        if col in data.columns:
            values = pd.to_datetime(data[col], errors="coerce").astype("datetime64[ns]")
            notice = notice.where(notice.notna(), values)
    first = notice[denied].groupby(ids[denied]).min().dropna()
    return payer, {k: pd.Timestamp(v) for k, v in first.items()}, set(ids[denied])


def _same_payer(a: str, b: str) -> bool:
    return vocab.normalize_token(a) == vocab.normalize_token(b)


_EVENT_ORDER: Final[dict[str, int]] = {e: i for i, e in enumerate(vocab.APPEAL_EVENTS)}


def validate_appeal_log(raw: RawTable, *, claims: Any = None) -> AppealLog:
    """Check a raw appeal log; keep the good rows and list every problem of the others.

    Parameters
    ----------
    raw : RawTable
        From :func:`paritykit.load.tables.read_raw_table`.
    claims : pandas.DataFrame, Remittances or BillingExport, optional
        The claim lines the log is about; without them the claim ids, payers and dates are not
        checked against the denials.

    Returns
    -------
    AppealLog

    Raises
    ------
    DataValidationError
        When a required column is missing (no row can be read); row problems never raise.
    """
    frame = raw.frame.rename(
        columns={k: v for k, v in HEADER_ALIASES.items() if v not in raw.frame.columns}
    )
    raw = RawTable(frame, raw.file, raw.headers, raw.header_row, raw.blank_rows, raw.sheet)
    log = ProblemLog(raw.file, APPEAL_LOG_CONTRACT_NAME)
    check_columns(
        raw,
        log,
        columns=C.APPEAL_LOG_COLUMNS,
        required=C.APPEAL_LOG_REQUIRED,
        contract=APPEAL_LOG_CONTRACT_NAME,
    )
    missing = [c for c in C.APPEAL_LOG_REQUIRED if c not in frame.columns]
    if missing:
        log.raise_if_any()
    problems = ProblemLog(raw.file, APPEAL_LOG_CONTRACT_NAME)
    # misspelt optional columns: said in the notes; the rows are read without them
    column_notes = tuple(
        f"{rec['problem']}; expected {rec['expected']}" for rec in log.to_frame().to_dict("records")
    )
    for col in C.APPEAL_LOG_COLUMNS:
        if col not in frame.columns:
            frame[col] = None
    known = _denials(claims) if claims is not None else None
    bad: set[int] = set()
    kept: list[dict[str, Any]] = []

    def add(row: int, problem: str, column: str | None, value: Any, expected: str) -> None:
        problems.add(problem, row=row, column=column, value=value, expected=expected)
        bad.add(row)

    for rec in frame.to_dict("records"):
        row = int(rec[C.SOURCE_ROW])
        out: dict[str, Any] = {C.SOURCE_ROW: row}
        for col in (C.CLAIM_ID, C.PLAN_ID, C.EVENT, C.EVENT_DATE):
            if not _text(rec[col]):
                add(row, "required cell is empty", col, None, f"fill in the {col}")
        out[C.CLAIM_ID] = _text(rec[C.CLAIM_ID])
        out[C.PLAN_ID] = _text(rec[C.PLAN_ID])
        event = vocab.normalize_token(_text(rec[C.EVENT]))
        if event and event not in vocab.APPEAL_EVENTS:
            add(
                row,
                f"unknown event{did_you_mean(event, vocab.APPEAL_EVENTS)}",
                C.EVENT,
                rec[C.EVENT],
                "use one of " + ", ".join(vocab.APPEAL_EVENTS),
            )
        out[C.EVENT] = event
        stamp = _date(rec[C.EVENT_DATE]) if _text(rec[C.EVENT_DATE]) else None
        if _text(rec[C.EVENT_DATE]) and stamp is None:
            add(
                row,
                "not a date (or a year outside 1900-2100)",
                C.EVENT_DATE,
                rec[C.EVENT_DATE],
                "write the date as 2024-03-01 or 03/01/2024",
            )
        out[C.EVENT_DATE] = stamp
        outcome_text = vocab.normalize_token(_text(rec[C.OUTCOME]))
        outcome = vocab.APPEAL_OUTCOME_ALIASES.get(outcome_text, outcome_text) or None
        if outcome and outcome not in vocab.APPEAL_OUTCOMES:
            add(
                row,
                f"unknown outcome{did_you_mean(outcome, vocab.APPEAL_OUTCOMES)}",
                C.OUTCOME,
                rec[C.OUTCOME],
                "use one of " + ", ".join(vocab.APPEAL_OUTCOMES),
            )
        elif event in vocab.DECISION_EVENTS and outcome in (None, "pending"):
            add(
                row,
                f"an {event} row needs the decision's outcome",
                C.OUTCOME,
                rec[C.OUTCOME],
                f"write overturned, upheld or partial (a decision not yet made is no {event} row)",
            )
        elif (
            event in vocab.APPEAL_EVENTS
            and event not in vocab.DECISION_EVENTS
            and outcome
            in (
                "overturned",
                "upheld",
                "partial",
            )
        ):
            add(
                row,
                f"an outcome belongs on a decision row, not on {event}",
                C.OUTCOME,
                rec[C.OUTCOME],
                "record the decision as its own appeal_decided or external_review_decided "
                "row, or leave the outcome empty (or pending)",
            )
        out[C.OUTCOME] = outcome
        for col in C.APPEAL_CONTENTS:
            flag = _yes_no(rec[col])
            if flag == "bad":
                add(row, "not yes or no", col, rec[col], "write yes or no, or leave it empty")
                flag = None
            out[col] = flag
        for col in (C.REPRESENTATIVE, C.REFERENCE_NUMBER, C.NOTES):
            out[col] = _text(rec[col]) or None
        if known is not None and out[C.CLAIM_ID] and row not in bad:
            payers, notices, denied = known
            claim = out[C.CLAIM_ID]
            if claim not in payers:
                add(
                    row,
                    "unknown claim id: not in the remittances read",
                    C.CLAIM_ID,
                    claim,
                    "check the claim number against the remittance (CLP01), or add the "
                    "remittance that holds it",
                )
            elif claim not in denied:
                add(
                    row,
                    "the remittances show no denial for this claim",
                    C.CLAIM_ID,
                    claim,
                    "log only denied claims; check the claim number",
                )
            else:
                if out[C.PLAN_ID] and not _same_payer(out[C.PLAN_ID], payers[claim]):
                    add(
                        row,
                        f"payer differs from the remittances' payer {payers[claim]!r}",
                        C.PLAN_ID,
                        out[C.PLAN_ID],
                        f"write {payers[claim]!r} (as on the remittance) or check the claim id",
                    )
                notice = notices.get(claim)
                if stamp is not None and notice is not None and stamp < notice:
                    add(
                        row,
                        f"date is before the claim's denial ({notice:%Y-%m-%d})",
                        C.EVENT_DATE,
                        f"{stamp:%Y-%m-%d}",
                        "check the date: every logged event follows the denial",
                    )
        kept.append(out)

    table = pd.DataFrame(kept, columns=[*C.APPEAL_LOG_COLUMNS, C.SOURCE_ROW])
    # duplicates among otherwise good rows
    good = table[~table[C.SOURCE_ROW].isin(bad)]
    key = good[list(C.APPEAL_LOG_COLUMNS)].astype(str)
    first: dict[tuple[str, ...], int] = {}
    for idx, values in zip(good.index, key.itertuples(index=False, name=None), strict=True):
        row = int(good.at[idx, C.SOURCE_ROW])
        if values in first:
            add(
                row,
                f"duplicate: repeats row {first[values]}",
                None,
                None,
                "delete the repeated row (each event once)",
            )
        else:
            first[values] = row
    # order of events, per claim, among the rows still good
    good = table[~table[C.SOURCE_ROW].isin(bad)].copy()
    good["_order"] = good[C.EVENT].map(_EVENT_ORDER)
    good = good.sort_values([C.CLAIM_ID, C.EVENT_DATE, "_order", C.SOURCE_ROW], kind="stable")
    for _claim, events in good.groupby(C.CLAIM_ID, sort=False):
        seen: dict[str, list[tuple[pd.Timestamp, str | None]]] = {}
        for rec in events.to_dict("records"):
            event, day = rec[C.EVENT], rec[C.EVENT_DATE]
            need = {
                "appeal_decided": (("appeal_filed",), None),
                "external_review_requested": (("appeal_decided",), ("upheld", "partial")),
                "external_review_decided": (("external_review_requested",), None),
            }.get(event)
            if need is not None:
                earlier = [o for e in need[0] for d, o in seen.get(e, []) if d <= day]
                if need[1] is not None:
                    earlier = [o for o in earlier if o in need[1]]
                if not earlier:
                    before = " or ".join(need[0])
                    qualifier = " upheld or partial" if need[1] else ""
                    add(
                        int(rec[C.SOURCE_ROW]),
                        f"event out of order: {event} on {day:%Y-%m-%d} with no{qualifier} "
                        f"{before} on or before that date for this claim",
                        C.EVENT,
                        event,
                        f"add the {before} row, or check the dates",
                    )
                    continue
            seen.setdefault(event, []).append((day, rec[C.OUTCOME]))
    events_out = table[~table[C.SOURCE_ROW].isin(bad)].copy()
    events_out[C.EVENT_DATE] = pd.to_datetime(events_out[C.EVENT_DATE]).astype("datetime64[ns]")
    for col in C.APPEAL_CONTENTS:
        events_out[col] = events_out[col].astype("boolean")
    events_out["_order"] = events_out[C.EVENT].map(_EVENT_ORDER)
    events_out = (
        events_out.sort_values([C.CLAIM_ID, C.EVENT_DATE, "_order", C.SOURCE_ROW], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    events_out[C.SOURCE_ROW] = events_out[C.SOURCE_ROW].astype("int64")
    events_out.attrs["paritykit_contract"] = APPEAL_LOG_CONTRACT_NAME
    excluded = problems.to_frame() if len(problems) else pd.DataFrame(columns=PROBLEM_COLUMNS)
    return AppealLog(
        events=events_out, excluded=excluded, file=raw.file, notes=(*raw.notes, *column_notes)
    )
