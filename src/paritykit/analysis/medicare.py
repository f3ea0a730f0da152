"""Payment against Medicare: what each payer pays a practice per service, as a share of the
Medicare Physician Fee Schedule amount for the practice's locality.

Regulators and the Departments' MHPAEA Self-Compliance Tool compare reimbursement rates with
Medicare's. :func:`medicare_fee_schedule` prices the shipped codes (behavioral-health and
office E/M codes, CMS CY 2025 figures, see ``paritykit/data/MEDICARE_SOURCES.md``) for one
locality with CMS's non-facility formula; :func:`paritykit.load.fee_schedule.read_fee_schedule`
reads a user's own fee schedule instead. :func:`paid_vs_medicare` then gives, for each payer and
procedure code, the median paid and allowed amounts of the payer's paid lines and their ratio
to the Medicare amount, in percent. Codes the fee schedule does not price (HCPCS H-codes are not
on the PFS) keep their rows, with their line counts and a note, and are listed in
:attr:`PaidVsMedicare.unpriced`.

Computation only: nothing is drawn or written. Suppression of small counts is
:func:`suppress_paid_vs_medicare`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import Any, Final

import numpy as np
import pandas as pd

from paritykit import columns as C
from paritykit.errors import PROBLEM_COLUMNS, ConfigurationError, DataValidationError
from paritykit.privacy import (
    SMALL_CELL_THRESHOLD,
    SUPPRESSED,
    Relation,
    group_total_relations,
    is_small_count,
    suppress_small_cells,
)

__all__ = [
    "MEDICARE_COLUMNS",
    "PRICED_STATUS_CODES",
    "SHIPPED_YEARS",
    "Locality",
    "MedicareFeeSchedule",
    "PaidVsMedicare",
    "find_locality",
    "gpci_localities",
    "medicare_fee_schedule",
    "nonfacility_amount",
    "paid_vs_medicare",
    "pfs_rvus",
    "suppress_paid_vs_medicare",
]

#: Calendar years whose CMS figures paritykit ships.
SHIPPED_YEARS: Final[tuple[int, ...]] = (2025,)
#: PFS status codes with payable RVUs: active, restricted coverage, and T (paid when no other
#: service is billed that day). Other codes (bundled, non-covered, not valid for Medicare,
#: carrier priced, ...) have no national amount.
PRICED_STATUS_CODES: Final[tuple[str, ...]] = ("A", "R", "T")
#: Modifiers that select their own PFS row (professional and technical component, reduced
#: service); any other modifier (95, GT, HO, ...) is priced as the code without modifier.
PRICING_MODIFIERS: Final[tuple[str, ...]] = ("26", "TC", "53")
#: Columns of :meth:`PaidVsMedicare.to_frame`, in order.
MEDICARE_COLUMNS: Final[tuple[str, ...]] = (
    C.PAYER,
    C.PROCEDURE_CODE,
    C.MODIFIER,
    C.N_LINES,
    C.MEDIAN_PAID,
    C.MEDIAN_ALLOWED,
    C.MEDICARE_AMOUNT,
    C.PAID_PCT_OF_MEDICARE,
    C.ALLOWED_PCT_OF_MEDICARE,
    C.LOCALITY,
    C.FEE_SCHEDULE_YEAR,
    C.FEE_SCHEDULE_SOURCE,
    C.NOTE,
)
#: Columns of :attr:`MedicareFeeSchedule.amounts`.
AMOUNT_COLUMNS: Final[tuple[str, ...]] = (
    C.PROCEDURE_CODE,
    C.MODIFIER,
    C.MEDICARE_AMOUNT,
    "status_code",
)
_LOCALITY_RE = re.compile(r"^\s*([A-Za-z]{2})\s*[-_ ]?\s*(\d{1,2})\s*$")
_MAC_RE = re.compile(r"^\s*(\d{5})\s*[-_ ]?\s*(\d{2})\s*$")
_CENT = Decimal("0.01")
NOTE_NOT_PRICED = "no Medicare amount: the code is not in the fee schedule"
NOTE_NO_PAID_LINES = "no paid lines with an amount"


@dataclass(frozen=True)
class Locality:
    """One Medicare PFS payment locality and its GPCIs.

    Attributes
    ----------
    mac, state, locality, name : str
        The Medicare Administrative Contractor number, the state, the locality number and the
        locality name, as CMS writes them.
    work_gpci, pe_gpci, mp_gpci : float
        Geographic practice cost indices for work, practice expense and malpractice.
    year : int
    """

    mac: str
    state: str
    locality: str
    name: str
    work_gpci: float
    pe_gpci: float
    mp_gpci: float
    year: int

    @property
    def code(self) -> str:
        """``STATE-LOCALITY``, such as ``TX-18``: how ``--locality`` names it."""
        return f"{self.state}-{self.locality}"

    def label(self) -> str:
        """``TX-18 HOUSTON (MAC 04412)``."""
        return f"{self.code} {self.name.rstrip('*').strip()} (MAC {self.mac})"


@dataclass(frozen=True)
class MedicareFeeSchedule:
    """The Medicare amount of each procedure code (and pricing modifier) for one locality.

    Attributes
    ----------
    amounts : pandas.DataFrame
        :data:`AMOUNT_COLUMNS`: ``procedure_code``, ``modifier`` (blank for the code's main
        row), ``medicare_amount`` (dollars; missing when the status code has no payable
        amount) and ``status_code`` (blank for a user's fee schedule).
    year : int
    locality : str
        ``STATE-LOCALITY`` for the CMS figures; for a user's file its ``locality`` value, or
        ``""`` when the file names none.
    source : str
        Where the amounts come from, for every output row.
    problems : pandas.DataFrame
        Rows of a user's file that were excluded (file, row, column, value, problem,
        expected); empty for the CMS figures.
    notes : tuple of str
        What was decided while reading (rows of other localities set aside, ...).
    """

    amounts: pd.DataFrame = field(repr=False)
    year: int
    locality: str
    source: str
    problems: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(PROBLEM_COLUMNS)), repr=False
    )
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The amounts with the year, locality and source on every row (a copy)."""
        return self.amounts.assign(
            **{
                C.LOCALITY: self.locality,
                C.FEE_SCHEDULE_YEAR: self.year,
                C.FEE_SCHEDULE_SOURCE: self.source,
            }
        )

    def amount(self, code: str, modifier: str = "") -> float | None:
        """The Medicare amount of ``code`` (with a pricing ``modifier``), or None."""
        hit = self.amounts[
            (self.amounts[C.PROCEDURE_CODE] == code) & (self.amounts[C.MODIFIER] == modifier)
        ]
        if hit.empty or pd.isna(hit[C.MEDICARE_AMOUNT].iloc[0]):
            return None
        return float(hit[C.MEDICARE_AMOUNT].iloc[0])


def _data_text(name: str) -> str:
    return (resources.files("paritykit") / "data" / name).read_text("utf-8")


def _check_year(year: int) -> None:
    if year not in SHIPPED_YEARS:
        shipped = ", ".join(map(str, SHIPPED_YEARS))
        raise ConfigurationError(
            f"paritykit ships Medicare PFS figures for {shipped} only, not {year}; pass that "
            "year's fee schedule with --fee-schedule (see docs/practices.md, 'Paid against "
            "Medicare')."
        )


@cache
def _rvus(year: int) -> pd.DataFrame:
    from io import StringIO

    text = _data_text(f"medicare_pfs_rvu_{year}.csv")
    return pd.read_csv(
        StringIO(text),
        dtype={"procedure_code": str, "modifier": str, "status_code": str},
        keep_default_na=False,
        na_values={"work_rvu": [""], "nonfacility_pe_rvu": [""], "mp_rvu": [""]},
    )


@cache
def _gpcis(year: int) -> pd.DataFrame:
    from io import StringIO

    text = _data_text(f"medicare_pfs_gpci_{year}.csv")
    return pd.read_csv(
        StringIO(text),
        dtype={"mac": str, "state": str, "locality": str, "locality_name": str},
        keep_default_na=False,
    )


def pfs_rvus(year: int = 2025) -> pd.DataFrame:
    """The shipped PFS relative value units: one row per code and modifier (no descriptions).

    Parameters
    ----------
    year : int
        One of :data:`SHIPPED_YEARS`.

    Returns
    -------
    pandas.DataFrame
        ``procedure_code``, ``modifier``, ``status_code``, ``work_rvu``,
        ``nonfacility_pe_rvu``, ``nonfacility_na_indicator``, ``facility_pe_rvu``,
        ``facility_na_indicator``, ``mp_rvu``, ``conversion_factor``, as in CMS's file.

    Examples
    --------
    >>> r = pfs_rvus(2025).set_index("procedure_code")
    >>> r.loc["90837", ["work_rvu", "nonfacility_pe_rvu", "mp_rvu"]].tolist()
    [3.63, 1.06, 0.08]
    """
    _check_year(year)
    return _rvus(year).copy()


def gpci_localities(year: int = 2025) -> pd.DataFrame:
    """Every Medicare PFS locality of ``year`` with its GPCIs.

    Returns
    -------
    pandas.DataFrame
        ``code`` (``STATE-LOCALITY``), ``mac``, ``state``, ``locality``, ``locality_name``,
        ``work_gpci``, ``pe_gpci``, ``mp_gpci``.

    Examples
    --------
    >>> g = gpci_localities(2025)
    >>> len(g), g.loc[g["code"] == "TX-18", "locality_name"].item()
    (109, 'HOUSTON')
    """
    _check_year(year)
    g = _gpcis(year).copy()
    g.insert(0, "code", g["state"] + "-" + g["locality"])
    return g


def find_locality(code: str, year: int = 2025) -> Locality:
    """The locality named by ``code``: ``STATE-LOCALITY`` (``TX-18``, ``tx18``) or the MAC and
    locality numbers (``04412-18``).

    Raises
    ------
    ConfigurationError
        When no locality matches; the message lists the state's localities.

    Examples
    --------
    >>> find_locality("ny-01").name
    'MANHATTAN'
    >>> find_locality("04412-18").code
    'TX-18'
    """
    g = gpci_localities(year)
    text = str(code)
    hit = pd.DataFrame()
    state = ""
    if m := _LOCALITY_RE.match(text):
        state, number = m.group(1).upper(), m.group(2).zfill(2)
        hit = g[(g["state"] == state) & (g["locality"] == number)]
    elif m := _MAC_RE.match(text):
        hit = g[(g["mac"] == m.group(1)) & (g["locality"] == m.group(2))]
    if len(hit) != 1:
        options = g[g["state"] == state] if state else g.iloc[0:0]
        listed = "; ".join(f"{r.code} {r.locality_name}" for r in options.itertuples())
        raise ConfigurationError(
            f"--locality {code!r}: no {year} Medicare locality has that code. Give the state and "
            "the locality number, such as TX-18 (Houston) or NY-01 (Manhattan)"
            + (f"; {state} has: {listed}" if listed else "")
            + ". The list is in paritykit/data/medicare_pfs_gpci_"
            f"{year}.csv and docs/practices.md."
        )
        raise AssertionError  # pragma: no cover
    r = hit.iloc[0]
    return Locality(
        mac=r["mac"],
        state=r["state"],
        locality=r["locality"],
        name=r["locality_name"],
        work_gpci=float(r["work_gpci"]),
        pe_gpci=float(r["pe_gpci"]),
        mp_gpci=float(r["mp_gpci"]),
        year=year,
    )


def nonfacility_amount(
    work_rvu: float,
    pe_rvu: float,
    mp_rvu: float,
    work_gpci: float,
    pe_gpci: float,
    mp_gpci: float,
    conversion_factor: float,
) -> float:
    """CMS's PFS payment amount, rounded to cents.

    ``[(work RVU x work GPCI) + (PE RVU x PE GPCI) + (MP RVU x MP GPCI)] x conversion factor``
    (the non-facility amount with the non-facility PE RVU, as here; the facility amount with the
    facility PE RVU). Computed in decimal arithmetic, half-cents rounded up.

    Examples
    --------
    >>> nonfacility_amount(3.63, 1.06, 0.08, 1.0, 1.0, 1.0, 32.3465)  # 4.77 x 32.3465
    154.29
    """
    total = (
        Decimal(str(work_rvu)) * Decimal(str(work_gpci))
        + Decimal(str(pe_rvu)) * Decimal(str(pe_gpci))
        + Decimal(str(mp_rvu)) * Decimal(str(mp_gpci))
    ) * Decimal(str(conversion_factor))
    return float(total.quantize(_CENT, rounding=ROUND_HALF_UP))


def medicare_fee_schedule(locality: str | Locality, year: int = 2025) -> MedicareFeeSchedule:
    """Price the shipped codes for one locality with CMS's non-facility formula.

    Parameters
    ----------
    locality : str or Locality
        ``STATE-LOCALITY`` such as ``TX-18``, or MAC and locality such as ``04412-18``
        (:func:`find_locality`).
    year : int
        One of :data:`SHIPPED_YEARS`.

    Returns
    -------
    MedicareFeeSchedule
        Codes whose status code is not in :data:`PRICED_STATUS_CODES` get a missing amount.

    Examples
    --------
    >>> fs = medicare_fee_schedule("TX-18")
    >>> fs.amount("90837"), fs.source
    (157.1, 'CMS Medicare PFS 2025 (RVU25A), non-facility, locality TX-18 HOUSTON (MAC 04412)')
    """
    loc = locality if isinstance(locality, Locality) else find_locality(locality, year)
    rvus = pfs_rvus(loc.year)
    amounts = [
        nonfacility_amount(
            r.work_rvu,
            r.nonfacility_pe_rvu,
            r.mp_rvu,
            loc.work_gpci,
            loc.pe_gpci,
            loc.mp_gpci,
            r.conversion_factor,
        )
        if r.status_code in PRICED_STATUS_CODES and r.nonfacility_na_indicator != "NA"
        else np.nan
        for r in rvus.itertuples()
    ]
    frame = pd.DataFrame(
        {
            C.PROCEDURE_CODE: rvus["procedure_code"],
            C.MODIFIER: rvus["modifier"],
            C.MEDICARE_AMOUNT: amounts,
            "status_code": rvus["status_code"],
        }
    )
    return MedicareFeeSchedule(
        amounts=frame,
        year=loc.year,
        locality=loc.code,
        source=f"CMS Medicare PFS {loc.year} (RVU{loc.year % 100:02d}A), non-facility, "
        f"locality {loc.label()}",
    )


@dataclass(frozen=True)
class PaidVsMedicare:
    """Median paid and allowed amounts per payer and code against the Medicare amount.

    Attributes
    ----------
    table : pandas.DataFrame
        :data:`MEDICARE_COLUMNS`, one row per payer x procedure code (x pricing modifier).
    schedule : MedicareFeeSchedule
    lines : int
        Claim lines read.
    paid_lines : int
        Lines used: status ``paid`` with a paid amount.
    """

    table: pd.DataFrame = field(repr=False)
    schedule: MedicareFeeSchedule = field(repr=False)
    lines: int
    paid_lines: int
    #: Calendar years of the service dates of the lines used (empty when not known).
    service_years: tuple[int, ...] = ()

    @property
    def other_years(self) -> tuple[int, ...]:
        """Service years that differ from the fee schedule's year."""
        return tuple(y for y in self.service_years if y != self.schedule.year)

    @property
    def unpriced(self) -> pd.DataFrame:
        """Codes with paid lines but no Medicare amount, with their line counts."""
        rows = self.table[self.table[C.MEDICARE_AMOUNT].isna()]
        return (
            rows.groupby([C.PROCEDURE_CODE, C.MODIFIER], sort=True)[C.N_LINES].sum().reset_index()
        )

    def to_frame(self) -> pd.DataFrame:
        """The tidy table (a copy)."""
        return self.table.copy()

    def summary(self) -> str:
        """One line per payer: how many codes were compared and the median of their ratios."""
        s = self.schedule
        out = [
            f"Paid vs Medicare: {self.paid_lines} paid lines of {self.lines}; {s.source}"
            + (f" (year {s.year})" if str(s.year) not in s.source else "")
        ]
        priced = self.table[self.table[C.MEDICARE_AMOUNT].notna()]
        for payer, rows in priced.groupby(C.PAYER, sort=True):
            pct = rows[C.ALLOWED_PCT_OF_MEDICARE].dropna()
            med = pct.median() if len(pct) else None
            text = f"allowed {med:.0f}% of Medicare (median over codes)" if med is not None else ""
            out.append(f"  {payer!s:<28} {len(rows)} code(s) compared {text}".rstrip())
        if self.other_years:
            out.append(
                f"  Services of {', '.join(map(str, self.other_years))} compared with the "
                f"{s.year} fee schedule: pass that year's with --fee-schedule for a same-year "
                "comparison"
            )
        unpriced = self.unpriced
        if len(unpriced):
            codes = ", ".join(
                f"{r.procedure_code} ({r.n_lines} lines)" for r in unpriced.itertuples()
            )
            out.append(f"  Not in the fee schedule, not compared: {codes}")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        head = html.escape(self.summary().splitlines()[0])
        return f"<p>{head}</p>" + self.table.to_html(index=False)


def _modifier_tokens(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [t.strip().upper() for t in re.split(r"[,:;\s]+", str(value)) if t.strip()]


def paid_vs_medicare(claims: pd.DataFrame | Any, schedule: MedicareFeeSchedule) -> PaidVsMedicare:
    """For each payer and procedure code: median paid and allowed amount against Medicare.

    Parameters
    ----------
    claims : pandas.DataFrame, Remittances or BillingExport
        Claim lines with ``plan_id`` (the payer), ``status``, ``procedure_code`` and
        ``paid_amount``; ``allowed_amount``, ``procedure_modifiers`` and ``units`` are used
        when present.
    schedule : MedicareFeeSchedule
        From :func:`medicare_fee_schedule` or
        :func:`paritykit.load.fee_schedule.read_fee_schedule`.

    Returns
    -------
    PaidVsMedicare

    Notes
    -----
    - Lines: status ``paid`` with a paid amount, the lines of the scorecard's "paid per
      session" (a line paid 0 because the deductible applied counts, at 0). Amounts are per
      unit when ``units`` is above 1 (the Medicare amount is per unit).
    - A modifier 26, TC or 53 picks the fee schedule's row for it when there is one; other
      modifiers (telehealth 95, HO, ...) are priced as the code without modifier.
    - ``paid_pct_of_medicare`` = 100 x median paid / Medicare amount;
      ``allowed_pct_of_medicare`` likewise with the median allowed amount. The allowed
      amount is the like-for-like comparison: the Medicare amount includes the patient's
      share, as the allowed amount does.
    - A code the schedule does not price keeps its row (counts, medians, no percentages) with
      a note, and is listed in :attr:`PaidVsMedicare.unpriced`.

    Examples
    --------
    >>> lines = pd.DataFrame({"plan_id": ["A", "A", "A"], "status": ["paid"] * 3,
    ...                       "procedure_code": ["90837"] * 3,
    ...                       "paid_amount": [100.0, 120.0, 110.0],
    ...                       "allowed_amount": [140.0, 150.0, 145.0]})
    >>> row = paid_vs_medicare(lines, medicare_fee_schedule("TX-18")).table.iloc[0]
    >>> [float(row[c]) for c in ("median_allowed", "medicare_amount")]
    [145.0, 157.1]
    >>> round(float(row["allowed_pct_of_medicare"]), 1)
    92.3
    """
    data = getattr(claims, "claims", claims)
    if not isinstance(data, pd.DataFrame):
        raise ConfigurationError(
            "paid_vs_medicare takes claim lines as a pandas DataFrame (or the result of read_835 "
            f"or read_billing_export); got {type(claims).__name__}."
        )
    needed = (C.PLAN_ID, C.STATUS, C.PROCEDURE_CODE, C.PAID_AMOUNT)
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise DataValidationError(
            f"the claim lines lack column(s) {missing}; paid_vs_medicare needs {list(needed)}.",
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
    paid = pd.to_numeric(data[C.PAID_AMOUNT], errors="coerce")
    use = (data[C.STATUS] == "paid") & paid.notna()
    lines = data[use]
    units = (
        pd.to_numeric(lines[C.UNITS], errors="coerce")
        if C.UNITS in lines.columns
        else pd.Series(1.0, index=lines.index)
    )
    units = units.where(units > 0, 1.0).fillna(1.0)
    allowed = (
        pd.to_numeric(lines[C.ALLOWED_AMOUNT], errors="coerce")
        if C.ALLOWED_AMOUNT in lines.columns
        else pd.Series(np.nan, index=lines.index)
    )
    codes = lines[C.PROCEDURE_CODE].astype(object).where(lines[C.PROCEDURE_CODE].notna(), "")
    codes = codes.astype(str).str.strip().str.upper()
    amounts = schedule.amounts
    by_code: dict[str, set[str]] = {}
    for code, mod in zip(amounts[C.PROCEDURE_CODE], amounts[C.MODIFIER], strict=True):
        by_code.setdefault(code, set()).add(mod)
    mods = (
        lines[C.PROCEDURE_MODIFIERS].map(_modifier_tokens)
        if C.PROCEDURE_MODIFIERS in lines.columns
        else pd.Series([[]] * len(lines), index=lines.index)
    )
    pricing = [
        next((t for t in tokens if t in PRICING_MODIFIERS and t in by_code.get(code, ())), "")
        for code, tokens in zip(codes, mods, strict=True)
    ]
    work = pd.DataFrame(
        {
            C.PAYER: lines[C.PLAN_ID].astype(str).to_numpy(),
            C.PROCEDURE_CODE: codes.to_numpy(),
            C.MODIFIER: pricing,
            "_paid": (paid[use] / units).to_numpy(),
            "_allowed": (allowed / units).to_numpy(),
        }
    )
    keys = [C.PAYER, C.PROCEDURE_CODE, C.MODIFIER]
    grouped = work.groupby(keys, sort=True)
    out = grouped.agg(
        **{
            C.N_LINES: ("_paid", "size"),
            C.MEDIAN_PAID: ("_paid", "median"),
            C.MEDIAN_ALLOWED: ("_allowed", "median"),
        }
    ).reset_index()
    priced = amounts[[C.PROCEDURE_CODE, C.MODIFIER, C.MEDICARE_AMOUNT]]
    out = out.merge(priced, on=[C.PROCEDURE_CODE, C.MODIFIER], how="left")
    medicare = out[C.MEDICARE_AMOUNT].astype("float64")
    out[C.MEDICARE_AMOUNT] = medicare
    out[C.PAID_PCT_OF_MEDICARE] = 100 * out[C.MEDIAN_PAID] / medicare
    out[C.ALLOWED_PCT_OF_MEDICARE] = 100 * out[C.MEDIAN_ALLOWED] / medicare
    out[C.LOCALITY] = schedule.locality
    out[C.FEE_SCHEDULE_YEAR] = schedule.year
    out[C.FEE_SCHEDULE_SOURCE] = schedule.source
    status = dict(
        zip(
            zip(amounts[C.PROCEDURE_CODE], amounts[C.MODIFIER], strict=True),
            amounts["status_code"],
            strict=True,
        )
    )
    notes = []
    for r in out.itertuples(index=False):
        key = (getattr(r, C.PROCEDURE_CODE), getattr(r, C.MODIFIER))
        if key not in status:
            notes.append(NOTE_NOT_PRICED)
        elif pd.isna(getattr(r, C.MEDICARE_AMOUNT)):
            notes.append(f"no Medicare amount: PFS status code {status[key]}")
        elif status[key] == "R":
            notes.append("Medicare covers this code only in restricted cases (status R)")
        else:
            notes.append("")
    out[C.NOTE] = notes
    out = out[list(MEDICARE_COLUMNS)]
    years: tuple[int, ...] = ()
    if C.SERVICE_DATE in lines.columns:
        served = pd.to_datetime(lines[C.SERVICE_DATE], errors="coerce").dt.year.dropna()
        years = tuple(sorted(int(y) for y in served.unique()))
    return PaidVsMedicare(
        table=out.reset_index(drop=True),
        schedule=schedule,
        lines=len(data),
        paid_lines=int(use.sum()),
        service_years=years,
    )


def medicare_relations(table: pd.DataFrame) -> list[Relation]:
    """The sums a reader can form: each payer's rows add up to the payer's paid lines, each
    code's rows to the code's paid lines (both can be known from the scorecard)."""
    relations = group_total_relations(table, [C.N_LINES], by=[C.PAYER])
    relations += group_total_relations(table, [C.N_LINES], by=[C.PROCEDURE_CODE])
    # a group of one row: its count is the total itself, protected where the total is shown
    return [r for r in relations if len(r) > 1]


def suppress_paid_vs_medicare(
    table: pd.DataFrame, *, threshold: int = SMALL_CELL_THRESHOLD
) -> pd.DataFrame:
    """Blank line counts from 1 to ``threshold - 1`` and the medians and percentages computed
    from them, then further counts (only the counts) until none can be worked out from the
    payer and code totals.

    The Medicare amount, a public figure, is always shown.

    Examples
    --------
    >>> t = pd.DataFrame({"payer": ["A", "B"], "procedure_code": ["90837", "90837"],
    ...                   "n_lines": [40, 4], "median_paid": [100.0, 90.0]})
    >>> suppress_paid_vs_medicare(t)["suppressed"].tolist()
    ['n_lines', 'n_lines, median_paid']
    >>> suppress_paid_vs_medicare(t)["median_paid"].isna().tolist()
    [False, True]
    """
    dependents = {
        C.N_LINES: [
            C.MEDIAN_PAID,
            C.MEDIAN_ALLOWED,
            C.PAID_PCT_OF_MEDICARE,
            C.ALLOWED_PCT_OF_MEDICARE,
        ]
    }
    # small counts hide their medians and percentages; counts hidden only so that a small one
    # cannot be worked out from a total hide nothing else (a median of 11 or more lines
    # reveals no count)
    out = suppress_small_cells(
        table, counts=[C.N_LINES], dependents=dependents, threshold=threshold
    )
    try:
        counts = suppress_small_cells(
            table, counts=[C.N_LINES], threshold=threshold, relations=medicare_relations(table)
        )
    except ValueError:  # no complement protects a cell: hide every count of its groups
        small = is_small_count(table[C.N_LINES], threshold)
        wide = table[C.PAYER].isin(table.loc[small, C.PAYER]) | table[C.PROCEDURE_CODE].isin(
            table.loc[small, C.PROCEDURE_CODE]
        )
        counts = table.assign(**{C.N_LINES: table[C.N_LINES].where(~wide, np.nan)})
    extra = counts[C.N_LINES].isna() & out[C.N_LINES].notna()
    if extra.any():
        out[C.N_LINES] = out[C.N_LINES].astype("float64")
        out.loc[extra, C.N_LINES] = np.nan
        out.loc[extra, SUPPRESSED] = [
            ", ".join(p for p in (str(v or ""), C.N_LINES) if p) for v in out.loc[extra, SUPPRESSED]
        ]
    return out
