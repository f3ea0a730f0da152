"""Synthetic behavioral-health X12 835 remittances (no real patient, payer or provider data).

:func:`synthetic_remittances` draws a practice's year of remittance events (psychotherapy and
intensive-outpatient codes 90791, 90834, 90837, 90847, H0015 billed to several payers, with
denials, patient responsibility, contractual write-offs and reversals); :func:`write_835` writes
events as balanced 835 files with any separators; :func:`write_practice_year` writes a whole year
into several files with varied separators and layouts. The events carry the truth that
:func:`paritykit.read_835` must recover.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from os import PathLike
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd

from paritykit import columns as C
from paritykit._atomic import atomic_path
from paritykit.errors import ConfigurationError

__all__ = [
    "DEFAULT_PAYERS",
    "EVENT_COLUMNS",
    "SyntheticPayer",
    "SyntheticRemittances",
    "example_835_text",
    "synthetic_remittances",
    "write_835",
    "write_practice_year",
]

#: Columns of the event table the writer reads (one row per service line of one remittance).
EVENT_COLUMNS: Final[tuple[str, ...]] = (
    C.CLAIM_ID,
    C.LINE_NUMBER,
    C.PLAN_ID,
    C.PAYER_ID,
    C.MEMBER_ID,
    C.SERVICE_DATE,
    C.PROCEDURE_CODE,
    C.PROCEDURE_MODIFIERS,
    C.PLACE_OF_SERVICE,
    C.STATUS,
    C.DENIAL_REASON,
    C.DENIAL_GROUP_CODE,
    C.BILLED_AMOUNT,
    C.ALLOWED_AMOUNT,
    C.PAID_AMOUNT,
    C.PATIENT_RESPONSIBILITY_AMOUNT,
    C.CARC,
    C.CLAIM_STATUS_CODE,
    C.PAYER_CLAIM_CONTROL_NUMBER,
    C.PAYMENT_DATE,
    C.PAYMENT_NUMBER,
)

#: (billed charge, base allowed amount) per code; H0015 is per day.
_FEES: Final[dict[str, tuple[Decimal, Decimal]]] = {
    "90791": (Decimal("250.00"), Decimal("180.00")),
    "90834": (Decimal("150.00"), Decimal("100.00")),
    "90837": (Decimal("200.00"), Decimal("140.00")),
    "90847": (Decimal("170.00"), Decimal("115.00")),
    "H0015": (Decimal("220.00"), Decimal("160.00")),
}
_CODE_MIX: Final = (("90837", 0.4), ("90834", 0.3), ("90791", 0.1), ("90847", 0.1), ("H0015", 0.1))
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class SyntheticPayer:
    """One synthetic payer's behavior.

    Attributes
    ----------
    name, payer_id : str
        As written in N1*PR.
    fee_multiplier : float
        Allowed amount relative to the base fee schedule.
    denial_rate : float
        Probability that a claim is denied in full.
    denial_mix : tuple of (group, carc, weight)
        The reasons drawn for denied claims.
    copay : str
        Copay per visit (PR-3), as a decimal string; "0" for none.
    coinsurance : float
        Share of the allowed amount left to the patient (PR-2) after the copay.
    """

    name: str
    payer_id: str
    fee_multiplier: float
    denial_rate: float
    denial_mix: tuple[tuple[str, str, float], ...]
    copay: str = "0"
    coinsurance: float = 0.0


#: Four payers that differ in fees, denial rates and reasons (for parity comparisons).
DEFAULT_PAYERS: Final[tuple[SyntheticPayer, ...]] = (
    SyntheticPayer(
        "EXAMPLE BLUE PLAN",
        "EX001",
        1.00,
        0.06,
        (("CO", "16", 0.5), ("CO", "29", 0.2), ("OA", "18", 0.3)),
        copay="20.00",
    ),
    SyntheticPayer(
        "SAMPLE HEALTH INSURANCE",
        "SH002",
        0.85,
        0.18,
        (("CO", "50", 0.6), ("CO", "197", 0.3), ("CO", "16", 0.1)),
        copay="30.00",
    ),
    SyntheticPayer(
        "DEMO BEHAVIORAL CARE",
        "DB003",
        0.75,
        0.12,
        (("CO", "197", 0.5), ("CO", "151", 0.3), ("CO", "50", 0.2)),
        coinsurance=0.2,
    ),
    SyntheticPayer(
        "TEST MUTUAL",
        "TM004",
        1.10,
        0.04,
        (("CO", "16", 0.4), ("CO", "27", 0.3), ("CO", "A1", 0.3)),
        copay="15.00",
    ),
)


@dataclass(frozen=True)
class SyntheticRemittances:
    """A synthetic practice year of remittances and the truth a reader must recover.

    Attributes
    ----------
    events : pandas.DataFrame
        Every remittance line written, in :data:`EVENT_COLUMNS` (reversals and the payments
        they cancel included).
    truth : pandas.DataFrame
        The claim lines a correct reader returns: the events minus reversals and the payments
        they cancel.
    seed : int
    payers : tuple of SyntheticPayer
    """

    events: pd.DataFrame = field(repr=False)
    truth: pd.DataFrame = field(repr=False)
    seed: int
    payers: tuple[SyntheticPayer, ...] = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The truth table (a copy)."""
        return self.truth.copy()

    def summary(self) -> str:
        """Lines, claims, denials and reversals per payer, as text."""
        t = self.truth
        by = t.groupby(C.PLAN_ID).agg(
            lines=(C.CLAIM_ID, "size"),
            claims=(C.CLAIM_ID, "nunique"),
            denied=(C.STATUS, lambda s: int((s == "denied").sum())),
        )
        n_rev = int((self.events[C.CLAIM_STATUS_CODE] == "22").sum())
        return (
            f"synthetic remittances (seed {self.seed}): {len(t)} lines, "
            f"{t[C.CLAIM_ID].nunique()} claims, {n_rev} reversal lines\n{by.to_string()}"
        )

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.summary()) + "</pre>"


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)


def synthetic_remittances(
    *,
    claims: int = 2000,
    payers: Sequence[SyntheticPayer] = DEFAULT_PAYERS,
    year: int = 2024,
    seed: int = 0,
    reversal_rate: float = 0.02,
    deductible_rate: float = 0.05,
) -> SyntheticRemittances:
    """Draw a practice year of behavioral-health remittance events.

    Parameters
    ----------
    claims : int
        Number of claims (H0015 claims carry 2-5 day lines; other codes one line).
    payers : sequence of SyntheticPayer
        Payers to spread the claims over (uniformly).
    year : int
        Service year.
    seed : int
        Random seed; the same seed gives the same events.
    reversal_rate : float
        Share of paid claims later reversed (CLP02 = 22) and paid again under a new payer
        control number at a 5% higher amount.
    deductible_rate : float
        Share of paid lines whose allowed amount goes entirely to the deductible (PR-1, paid 0).

    Returns
    -------
    SyntheticRemittances

    Examples
    --------
    >>> s = synthetic_remittances(claims=20, seed=1)
    >>> sorted(s.truth["procedure_code"].unique())[:2]
    ['90791', '90834']
    """
    if claims < 1:
        raise ConfigurationError(f"claims must be at least 1; got {claims}.")
    if not payers:
        raise ConfigurationError("payers must name at least one SyntheticPayer.")
    for name, rate in (("reversal_rate", reversal_rate), ("deductible_rate", deductible_rate)):
        if not 0 <= rate <= 1:
            raise ConfigurationError(f"{name} must be between 0 and 1; got {rate}.")
    rng = np.random.default_rng(seed)
    codes = [c for c, _ in _CODE_MIX]
    weights = np.array([w for _, w in _CODE_MIX])
    start = date(year, 1, 1)
    days_in_year = (date(year + 1, 1, 1) - start).days
    events: list[dict[str, object]] = []
    truth_keys: list[tuple[str, str]] = []  # (claim_id, control number) kept in the truth
    for i in range(claims):
        payer = payers[int(rng.integers(len(payers)))]
        claim_id = f"PK{year % 100:02d}{i + 1:06d}"
        member = f"M{int(rng.integers(1, max(2, claims // 4))):06d}"
        code = codes[int(rng.choice(len(codes), p=weights / weights.sum()))]
        first = start + timedelta(days=int(rng.integers(days_in_year - 7)))
        n_lines = int(rng.integers(2, 6)) if code == "H0015" else 1
        dates = [first + timedelta(days=k) for k in range(n_lines)]
        tele = code != "H0015" and rng.random() < 0.3
        pos = "10" if tele else "11"
        modifiers = "95" if tele else ("HF" if code == "H0015" else None)
        denied_claim = rng.random() < payer.denial_rate
        billed, base = _FEES[code]
        allowed = _money(base * Decimal(str(payer.fee_multiplier)))
        denial = None
        if denied_claim:
            mix = payer.denial_mix
            w = np.array([m[2] for m in mix])
            denial = mix[int(rng.choice(len(mix), p=w / w.sum()))]
        partial = (not denied_claim) and n_lines > 1 and rng.random() < 0.15
        pay_date = dates[-1] + timedelta(days=int(rng.integers(10, 46)))
        control = f"{payer.payer_id}{i + 1:08d}"
        lines = []
        for k, d in enumerate(dates, start=1):
            line = {
                C.CLAIM_ID: claim_id,
                C.LINE_NUMBER: k,
                C.PLAN_ID: payer.name,
                C.PAYER_ID: payer.payer_id,
                C.MEMBER_ID: member,
                C.SERVICE_DATE: d,
                C.PROCEDURE_CODE: code,
                C.PROCEDURE_MODIFIERS: modifiers,
                C.PLACE_OF_SERVICE: pos,
                C.BILLED_AMOUNT: billed,
            }
            if denial is not None or (partial and k == n_lines):
                group, carc = (denial[0], denial[1]) if denial else ("CO", "151")
                line.update(
                    {
                        C.STATUS: "denied",
                        C.DENIAL_REASON: carc,
                        C.DENIAL_GROUP_CODE: group,
                        C.ALLOWED_AMOUNT: None,
                        C.PAID_AMOUNT: Decimal("0.00"),
                        C.PATIENT_RESPONSIBILITY_AMOUNT: Decimal("0.00"),
                        C.CARC: None,
                    }
                )
            else:
                if rng.random() < deductible_rate:
                    pr, pr_carc = allowed, "1"
                elif payer.coinsurance > 0:
                    pr, pr_carc = _money(allowed * Decimal(str(payer.coinsurance))), "2"
                else:
                    pr, pr_carc = min(Decimal(payer.copay), allowed), "3"
                line.update(
                    {
                        C.STATUS: "paid",
                        C.DENIAL_REASON: None,
                        C.DENIAL_GROUP_CODE: None,
                        C.ALLOWED_AMOUNT: allowed,
                        C.PAID_AMOUNT: allowed - pr,
                        C.PATIENT_RESPONSIBILITY_AMOUNT: pr,
                        C.CARC: pr_carc if pr > 0 else None,
                    }
                )
            lines.append(line)
        status_code = "4" if denied_claim else "1"
        trace = f"{payer.payer_id}-{pay_date:%Y%m%d}"
        for line in lines:
            line.update(
                {
                    C.CLAIM_STATUS_CODE: status_code,
                    C.PAYER_CLAIM_CONTROL_NUMBER: control,
                    C.PAYMENT_DATE: pay_date,
                    C.PAYMENT_NUMBER: trace,
                }
            )
        events += lines
        reversed_ = (not denied_claim) and rng.random() < reversal_rate
        if not reversed_:
            truth_keys.append((claim_id, control))
            continue
        later = pay_date + timedelta(days=int(rng.integers(14, 40)))
        later_trace = f"{payer.payer_id}-{later:%Y%m%d}"
        new_control = control + "R"
        for line in lines:
            rev = dict(line)
            for col in (
                C.BILLED_AMOUNT,
                C.ALLOWED_AMOUNT,
                C.PAID_AMOUNT,
                C.PATIENT_RESPONSIBILITY_AMOUNT,
            ):
                if rev[col] is not None:
                    rev[col] = -rev[col]
            rev.update(
                {C.CLAIM_STATUS_CODE: "22", C.PAYMENT_DATE: later, C.PAYMENT_NUMBER: later_trace}
            )
            events.append(rev)
        for line in lines:
            new = dict(line)
            if new[C.STATUS] == "paid":
                new_allowed = _money(new[C.ALLOWED_AMOUNT] * Decimal("1.05"))
                new[C.ALLOWED_AMOUNT] = new_allowed
                new[C.PAID_AMOUNT] = new_allowed - new[C.PATIENT_RESPONSIBILITY_AMOUNT]
            new.update(
                {
                    C.CLAIM_STATUS_CODE: "1",
                    C.PAYER_CLAIM_CONTROL_NUMBER: new_control,
                    C.PAYMENT_DATE: later,
                    C.PAYMENT_NUMBER: later_trace,
                }
            )
            events.append(new)
        truth_keys.append((claim_id, new_control))
    frame = pd.DataFrame(events, columns=list(EVENT_COLUMNS))
    keys = pd.MultiIndex.from_tuples(truth_keys)
    in_truth = pd.MultiIndex.from_frame(frame[[C.CLAIM_ID, C.PAYER_CLAIM_CONTROL_NUMBER]]).isin(
        keys
    ) & (frame[C.CLAIM_STATUS_CODE] != "22")
    truth = (
        frame.loc[in_truth]
        .drop(columns=[C.CARC, C.PATIENT_RESPONSIBILITY_AMOUNT])
        .reset_index(drop=True)
    )
    for col in (C.BILLED_AMOUNT, C.ALLOWED_AMOUNT, C.PAID_AMOUNT):
        truth[col] = truth[col].map(lambda v: None if v is None else float(v)).astype("float64")
    for col in (C.SERVICE_DATE, C.PAYMENT_DATE):
        truth[col] = pd.to_datetime(truth[col]).astype("datetime64[ns]")
    truth[C.CLAIM_TYPE] = "professional"
    for col in truth.columns:
        if truth[col].dtype == object:
            truth[col] = truth[col].astype("str")
    return SyntheticRemittances(events=frame, truth=truth, seed=seed, payers=tuple(payers))


# --------------------------------------------------------------------------------------------
# Writer
# --------------------------------------------------------------------------------------------
def _fmt(value: Decimal | float | None) -> str:
    if value is None:
        return ""
    return f"{Decimal(str(value)).quantize(_CENT)}"


def _d(value: object) -> str:
    return pd.Timestamp(value).strftime("%Y%m%d")  # type: ignore[arg-type]


def _transaction(
    group: pd.DataFrame, st_control: str, element: str, component: str
) -> list[list[str]]:
    """Segments (as element lists) of one ST/SE transaction set for one payer and payment."""
    first = group.iloc[0]
    segs: list[list[str]] = [["ST", "835", st_control]]
    claims = list(
        group.groupby([C.CLAIM_ID, C.CLAIM_STATUS_CODE, C.PAYER_CLAIM_CONTROL_NUMBER], sort=False)
    )
    total = sum(
        (Decimal(str(v)) for v in group[C.PAID_AMOUNT]),
        Decimal(0),
    )
    segs.append(
        [
            "BPR",
            "I" if total > 0 else "H",
            _fmt(total),
            "C",
            "ACH" if total > 0 else "NON",
            "CCP",
            "01",
            "999999999",
            "DA",
            "123456789",
            "1999999999",
            "",
            "01",
            "888888888",
            "DA",
            "987654321",
            _d(first[C.PAYMENT_DATE]),
        ]
    )
    segs.append(["TRN", "1", str(first[C.PAYMENT_NUMBER]), "1999999999"])
    segs.append(["DTM", "405", _d(first[C.PAYMENT_DATE])])
    segs.append(["N1", "PR", str(first[C.PLAN_ID]), "XV", str(first[C.PAYER_ID])])
    segs.append(["N3", "1 EXAMPLE WAY"])
    segs.append(["N4", "ANYTOWN", "CA", "90000"])
    segs.append(["N1", "PE", "SYNTHETIC THERAPY PRACTICE", "XX", "1999999999"])
    segs.append(["LX", "1"])
    for _claim_id, lines in claims:
        head = lines.iloc[0]
        charge = sum((Decimal(str(v)) for v in lines[C.BILLED_AMOUNT]), Decimal(0))
        paid = sum((Decimal(str(v)) for v in lines[C.PAID_AMOUNT]), Decimal(0))
        pr = sum((Decimal(str(v)) for v in lines[C.PATIENT_RESPONSIBILITY_AMOUNT]), Decimal(0))
        segs.append(
            [
                "CLP",
                str(head[C.CLAIM_ID]),
                str(head[C.CLAIM_STATUS_CODE]),
                _fmt(charge),
                _fmt(paid),
                _fmt(pr),
                "12",
                str(head[C.PAYER_CLAIM_CONTROL_NUMBER]),
                str(head[C.PLACE_OF_SERVICE]),
                "1",
            ]
        )
        segs.append(
            ["NM1", "QC", "1", "SYNTHETIC", "PATIENT", "", "", "", "MI", str(head[C.MEMBER_ID])]
        )
        segs.append(["DTM", "232", _d(lines[C.SERVICE_DATE].min())])
        segs.append(["DTM", "233", _d(lines[C.SERVICE_DATE].max())])
        for _, ln in lines.iterrows():
            proc = ["HC", str(ln[C.PROCEDURE_CODE])]
            if isinstance(ln[C.PROCEDURE_MODIFIERS], str) and ln[C.PROCEDURE_MODIFIERS]:
                proc += ln[C.PROCEDURE_MODIFIERS].split(",")
            billed = Decimal(str(ln[C.BILLED_AMOUNT]))
            lpaid = Decimal(str(ln[C.PAID_AMOUNT]))
            segs.append(["SVC", component.join(proc), _fmt(billed), _fmt(lpaid), "", "1"])
            segs.append(["DTM", "472", _d(ln[C.SERVICE_DATE])])
            if ln[C.STATUS] == "denied":
                segs.append(
                    ["CAS", str(ln[C.DENIAL_GROUP_CODE]), str(ln[C.DENIAL_REASON]), _fmt(billed)]
                )
            else:
                allowed = Decimal(str(ln[C.ALLOWED_AMOUNT]))
                lpr = Decimal(str(ln[C.PATIENT_RESPONSIBILITY_AMOUNT]))
                if billed - allowed != 0:
                    segs.append(["CAS", "CO", "45", _fmt(billed - allowed)])
                if lpr != 0:
                    segs.append(["CAS", "PR", str(ln[C.CARC]), _fmt(lpr)])
            segs.append(["REF", "6R", f"{ln[C.CLAIM_ID]}-{int(ln[C.LINE_NUMBER])}"])
            if ln[C.STATUS] != "denied":
                segs.append(["AMT", "B6", _fmt(ln[C.ALLOWED_AMOUNT])])
    segs.append(["SE", str(len(segs) + 1), st_control])
    return segs


def _isa(control: int, element: str, component: str, repetition: str, when: date) -> list[str]:
    return [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "EXAMPLEPAYER".ljust(15),
        "ZZ",
        "SYNTHPRACTICE".ljust(15),
        when.strftime("%y%m%d"),
        "1200",
        repetition,
        "00501",
        f"{control:09d}",
        "0",
        "T",
        component,
    ]


def write_835(
    events: pd.DataFrame,
    path: str | PathLike[str],
    *,
    element_separator: str = "*",
    component_separator: str = ":",
    segment_terminator: str = "~",
    repetition_separator: str = "^",
    line_breaks: bool = True,
    interchanges: Literal["one", "per_payment"] = "one",
    control_start: int = 1,
) -> Path:
    """Write remittance events as one balanced X12 835 file.

    One transaction set (ST/SE) per payer and payment (trace number); all in one interchange,
    or one interchange (ISA/IEA) per payment with ``interchanges="per_payment"``.

    Parameters
    ----------
    events : pandas.DataFrame
        Rows in :data:`EVENT_COLUMNS`, such as :attr:`SyntheticRemittances.events`.
    path : path
        The file to write (atomically).
    element_separator, component_separator, segment_terminator, repetition_separator : str
        The four delimiters, each one character and all different.
    line_breaks : bool
        Put a line break after every segment terminator.
    interchanges : {"one", "per_payment"}
    control_start : int
        First interchange control number.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> s = synthetic_remittances(claims=5, seed=3)
    >>> p = write_835(s.events, pathlib.Path(tempfile.mkdtemp()) / "a.835", element_separator="|")
    >>> p.read_text()[:4]
    'ISA|'
    """
    seps = (element_separator, component_separator, segment_terminator, repetition_separator)
    if any(len(s) != 1 or s.isalnum() or s == " " for s in seps) or len(set(seps)) != 4:
        raise ConfigurationError(
            f"separators must be four different single punctuation characters; got {seps!r}."
        )
    if interchanges not in ("one", "per_payment"):
        raise ConfigurationError(
            f"interchanges must be 'one' or 'per_payment'; got {interchanges!r}."
        )
    missing = [c for c in EVENT_COLUMNS if c not in events.columns]
    if missing:
        raise ConfigurationError(f"events lack columns {missing}; expected {list(EVENT_COLUMNS)}.")
    text = _render_835(
        events,
        seps,
        line_breaks=line_breaks,
        interchanges=interchanges,
        control_start=control_start,
    )
    target = Path(path)
    with atomic_path(target) as tmp:
        Path(tmp).write_text(text, encoding="ascii")
    return target


def _render_835(
    events: pd.DataFrame,
    seps: tuple[str, str, str, str],
    *,
    line_breaks: bool,
    interchanges: str,
    control_start: int,
) -> str:
    element_separator, component_separator, segment_terminator, repetition_separator = seps
    ordered = events.sort_values([C.PAYMENT_DATE, C.PAYMENT_NUMBER], kind="stable")
    payments = list(ordered.groupby([C.PAYMENT_DATE, C.PAYMENT_NUMBER], sort=False))
    end = segment_terminator + ("\n" if line_breaks else "")

    def render(segs: list[list[str]]) -> str:
        return "".join(element_separator.join(s) + end for s in segs)

    chunks: list[str] = []
    blocks = [payments] if interchanges == "one" else [[p] for p in payments]
    for n, block in enumerate(blocks):
        control = control_start + n
        when = pd.Timestamp(block[0][0][0]).date() if block else date(2000, 1, 1)
        segs = [_isa(control, element_separator, component_separator, repetition_separator, when)]
        segs.append(
            [
                "GS",
                "HP",
                "EXAMPLEPAYER",
                "SYNTHPRACTICE",
                when.strftime("%Y%m%d"),
                "1200",
                str(control),
                "X",
                "005010X221A1",
            ]
        )
        for k, (_key, group) in enumerate(block, start=1):
            segs += _transaction(group, f"{k:04d}", element_separator, component_separator)
        segs.append(["GE", str(len(block)), str(control)])
        segs.append(["IEA", "1", f"{control:09d}"])
        chunks.append(render(segs))
    return "".join(chunks)


#: Delimiters used per payer by :func:`write_practice_year` (element, component, segment, rep).
_SEPARATOR_SETS: Final = (
    ("*", ":", "~", "^"),
    ("|", ">", "\\", "^"),
    ("*", "^", "'", "{"),
    ("+", ":", "~", "}"),
)


def write_practice_year(remits: SyntheticRemittances, folder: str | PathLike[str]) -> list[Path]:
    """Write a synthetic year as one 835 file per payer and quarter, in varied layouts.

    Payers take turns through four delimiter sets, with and without line breaks, and every
    other payer gets one interchange per payment (many ISA/IEA in one file).

    Returns
    -------
    list of pathlib.Path
        The files written, sorted.

    Examples
    --------
    >>> import tempfile
    >>> s = synthetic_remittances(claims=30, seed=2)
    >>> len(write_practice_year(s, tempfile.mkdtemp())) > 1
    True
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    events = remits.events
    quarter = pd.to_datetime(events[C.PAYMENT_DATE]).dt.to_period("Q").astype(str)
    written: list[Path] = []
    control = 1
    for i, payer in enumerate(remits.payers):
        element, component, terminator, repetition = _SEPARATOR_SETS[i % len(_SEPARATOR_SETS)]
        mine = events[C.PLAN_ID] == payer.name
        for q in sorted(quarter[mine].unique()):
            part = events[mine & (quarter == q)]
            path = out / f"{payer.payer_id}_{q}.835"
            write_835(
                part,
                path,
                element_separator=element,
                component_separator=component,
                segment_terminator=terminator,
                repetition_separator=repetition,
                line_breaks=i % 2 == 0,
                interchanges="per_payment" if i % 2 else "one",
                control_start=control,
            )
            control += part[C.PAYMENT_NUMBER].nunique()
            written.append(path)
    return sorted(written)


def example_835_text() -> str:
    """A tiny 835 as text: two 90837 claims to one payer, one paid and one denied (CO-50).

    Examples
    --------
    >>> example_835_text()[:3]
    'ISA'
    """
    rows = []
    for claim_id, denied in (("C0001", False), ("C0002", True)):
        rows.append(
            {
                C.CLAIM_ID: claim_id,
                C.LINE_NUMBER: 1,
                C.PLAN_ID: "EXAMPLE BLUE PLAN",
                C.PAYER_ID: "EX001",
                C.MEMBER_ID: "M000001",
                C.SERVICE_DATE: date(2024, 3, 4),
                C.PROCEDURE_CODE: "90837",
                C.PROCEDURE_MODIFIERS: None,
                C.PLACE_OF_SERVICE: "11",
                C.STATUS: "denied" if denied else "paid",
                C.DENIAL_REASON: "50" if denied else None,
                C.DENIAL_GROUP_CODE: "CO" if denied else None,
                C.BILLED_AMOUNT: Decimal("200.00"),
                C.ALLOWED_AMOUNT: None if denied else Decimal("140.00"),
                C.PAID_AMOUNT: Decimal("0.00") if denied else Decimal("120.00"),
                C.PATIENT_RESPONSIBILITY_AMOUNT: Decimal("0.00") if denied else Decimal("20.00"),
                C.CARC: None if denied else "3",
                C.CLAIM_STATUS_CODE: "4" if denied else "1",
                C.PAYER_CLAIM_CONTROL_NUMBER: f"EX{claim_id}",
                C.PAYMENT_DATE: date(2024, 3, 25),
                C.PAYMENT_NUMBER: "EX001-20240325",
            }
        )
    events = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    return _render_835(
        events, ("*", ":", "~", "^"), line_breaks=True, interchanges="one", control_start=1
    )
