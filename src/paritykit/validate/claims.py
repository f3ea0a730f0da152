"""The claims data contract, checked in the engine: counts of each problem plus example lines.

:func:`validate_claims` runs every line-level check in one aggregate query (DuckDB, Spark or any
Ibis backend) and brings back only counts and a few example lines per check. With
``errors="raise"`` (default) any problem raises :class:`~paritykit.errors.DataValidationError`;
with ``errors="exclude"`` the failing lines are dropped from the returned lazy table and the
:class:`ClaimsValidation` result records how many lines each check excluded and why, so the
evidence pack can show them. Nothing is dropped silently.

Policy on messy coded values (``"DENIED "``, ``"In-Network"``): :func:`paritykit.scan_claims`
trims, lower-cases and maps common spellings; this module counts the lines each such
normalization changed and records them as ``action="normalized"`` checks (kept, not excluded).
Values still unknown after normalization are problems.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import ibis
import pandas as pd

from paritykit import columns as C
from paritykit.errors import DataValidationError
from paritykit.load.claims import RAW_PREFIX
from paritykit.vocab import CLAIM_STATUSES, CLAIM_TYPES, NETWORK_STATUSES, PRIOR_AUTH_VALUES

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "CHECK_COLUMNS",
    "EXAMPLES_PER_CHECK",
    "EXAMPLE_COLUMNS",
    "MAX_LINE_AMOUNT",
    "SERVICE_YEARS",
    "ClaimsValidation",
    "icd10cm_codes",
    "icd10cm_release",
    "line_problems",
    "validate_claims",
]

ClaimsErrors = Literal["raise", "exclude"]

#: Columns of :attr:`ClaimsValidation.checks` (one row per check).
CHECK_COLUMNS: tuple[str, ...] = (C.CHECK, "column", "problem", "expected", C.LINES, C.ACTION)
#: Columns of :attr:`ClaimsValidation.examples` (a few example lines per failing check).
EXAMPLE_COLUMNS: tuple[str, ...] = (C.CHECK, C.CLAIM_ID, C.LINE_NUMBER, "column", "value")
#: Example lines fetched per failing check.
EXAMPLES_PER_CHECK = 3

_ICD_CODE = "_icd_code"
_ICD_OK = "_icd_ok"
_TOKEN_VOCAB = {
    C.CLAIM_TYPE: CLAIM_TYPES,
    C.NETWORK_STATUS: NETWORK_STATUSES,
    C.STATUS: CLAIM_STATUSES,
    C.PRIOR_AUTH: PRIOR_AUTH_VALUES,
}
_NUMBERS = (C.LINE_NUMBER, C.BILLED_AMOUNT, C.ALLOWED_AMOUNT, C.PAID_AMOUNT, C.DECISION_DAYS)
_NON_NEGATIVE = (C.BILLED_AMOUNT, C.ALLOWED_AMOUNT, C.PAID_AMOUNT, C.DECISION_DAYS)
_MONEY = (C.BILLED_AMOUNT, C.ALLOWED_AMOUNT, C.PAID_AMOUNT)
#: Largest plausible amount on one claim line, in dollars. A larger value is a unit or export
#: error (cents read as dollars, a number pasted into the wrong column, an overflowed cell).
MAX_LINE_AMOUNT = 1_000_000_000
#: Service dates outside these years are export errors (a two-digit year read as year 24).
SERVICE_YEARS = (1900, 2100)


# --- the ICD-10-CM code set ---------------------------------------------------------------


def _icd10cm_code_list() -> Path | None:
    """The code list file of ``simple-icd-10-cm``, found without importing the package.

    Importing ``simple_icd_10_cm`` parses the whole tabular XML (seconds); the list of codes
    and the release's name are in its data folder.
    """
    from importlib.util import find_spec

    spec = find_spec("simple_icd_10_cm")  # a top-level package: found, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    found = sorted(data.glob("code-list-*.txt")) if data.is_dir() else []
    return found[-1] if found else None


@lru_cache(maxsize=1)
def icd10cm_release() -> str:
    """Return the ICD-10-CM release bundled with ``simple-icd-10-cm``.

    Examples
    --------
    >>> icd10cm_release().startswith("ICD-10-CM ")
    True
    """
    from importlib.metadata import version

    path = _icd10cm_code_list()
    release = path.name[len("code-list-") : -len(".txt")] if path is not None else "unknown"
    return f"ICD-10-CM {release} (simple-icd-10-cm {version('simple-icd-10-cm')})"


@lru_cache(maxsize=1)
def icd10cm_codes() -> frozenset[str]:
    """Return every ICD-10-CM category, subcategory and code, undotted (no chapters/blocks).

    A claim's diagnosis is accepted when it is any of these (billable or not: exports often
    truncate codes to the category). Read from the code list of ``simple-icd-10-cm`` (one
    chapter number, block range or code per line): chapters (``"5"``) and block ranges
    (``"F30-F39"``) are left out. A category that is alone in its block (F99, B20, C50) is a
    code, and stays in.

    Examples
    --------
    >>> "F329" in icd10cm_codes() and "F32" in icd10cm_codes() and "F99" in icd10cm_codes()
    True
    >>> "F30-F39" in icd10cm_codes()
    False
    """
    path = _icd10cm_code_list()
    if path is None:  # pragma: no cover - a package layout without the list: ask the package
        import simple_icd_10_cm as cm

        names = cm.get_all_codes(with_dots=False)
    else:
        names = path.read_text(encoding="utf-8").split()
    return frozenset(c.replace(".", "") for c in names if c and not c.isdigit() and "-" not in c)


@lru_cache(maxsize=1)
def _icd_table() -> ir.Table:
    codes = sorted(icd10cm_codes())
    return ibis.memtable({_ICD_CODE: codes, _ICD_OK: [True] * len(codes)})


# --- the result ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ClaimsValidation:
    """What :func:`validate_claims` checked, found and excluded.

    Attributes
    ----------
    table : ibis Table
        The lazy claim lines that passed (with ``errors="exclude"``) or all lines (when no
        problem was found), without helper columns.
    checks : pandas.DataFrame
        One row per check run (:data:`CHECK_COLUMNS`): ``lines`` failing it and ``action``
        (``"none"``, ``"excluded"``, ``"raised"`` or ``"normalized"``). A line failing two checks
        counts in both.
    examples : pandas.DataFrame
        Up to :data:`EXAMPLES_PER_CHECK` example lines per failing check.
    total_lines, excluded_lines : int
        Lines scanned, and distinct lines excluded.
    errors : str
        The policy used.
    source : str
        The input's name, for messages and the evidence.
    icd10cm : str
        The ICD-10-CM release diagnosis codes were checked against.
    """

    table: Any
    checks: pd.DataFrame
    examples: pd.DataFrame
    total_lines: int
    excluded_lines: int
    errors: str
    source: str
    icd10cm: str

    @property
    def ok(self) -> bool:
        """True when no line failed a check (normalizations do not count)."""
        return self.excluded_lines == 0

    def exclusions(self) -> pd.DataFrame:
        """Return the checks that excluded lines, with counts and reasons."""
        frame = self.checks[self.checks[C.ACTION] == "excluded"]
        return frame.reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """Return the checks table (one row per check)."""
        return self.checks.copy()

    def summary(self) -> str:
        """Return a short text report."""
        lines = [
            f"Claims validation of {self.source}: {self.total_lines:,} lines, "
            f"{self.excluded_lines:,} excluded (errors={self.errors!r}); diagnoses checked "
            f"against {self.icd10cm}."
        ]
        for rec in self.checks[self.checks[C.LINES] > 0].itertuples(index=False):
            lines.append(
                f"  {rec.action:<10} {rec.lines:>12,}  {rec.column}: {rec.problem} "
                f"(expected {rec.expected})"
            )
        if len(lines) == 1:
            lines.append("  no problems found")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        head = html.escape(self.summary().splitlines()[0])
        return f"<p>{head}</p>" + self.checks.to_html(index=False)


# --- the checks ---------------------------------------------------------------------------


def _flag(expr: ir.BooleanValue) -> ir.BooleanValue:
    return expr.fill_null(False)


def _checks(t: ir.Table) -> list[tuple[str, str, str, str, Any, str]]:
    """Return (check, column, problem, expected, failing-line expression, kind) tuples."""
    cols = set(t.columns)
    out: list[tuple[str, str, str, str, Any, str]] = []

    def raw(col: str) -> Any:
        return t[RAW_PREFIX + col] if RAW_PREFIX + col in cols else t[col]

    for col in C.CLAIMS_REQUIRED:
        if col == C.DIAGNOSIS_CODE:
            continue
        out.append(
            (
                f"missing_{col}",
                col,
                "missing value",
                "a value on every line",
                raw(col).isnull(),
                "bad",
            )
        )
    if RAW_PREFIX + C.SERVICE_DATE in cols:
        out.append(
            (
                "not_a_date",
                C.SERVICE_DATE,
                "not a date",
                "a date such as 2024-03-31",
                _flag(raw(C.SERVICE_DATE).notnull() & t[C.SERVICE_DATE].isnull()),
                "bad",
            )
        )
    if C.SERVICE_DATE in cols:
        year = t[C.SERVICE_DATE].year()
        low, high = SERVICE_YEARS
        out.append(
            (
                "service_date_out_of_range",
                C.SERVICE_DATE,
                f"a year before {low} or after {high} (a two-digit year read as a four-digit one?)",
                f"a date from {low} to {high} with a four-digit year",
                _flag((year < low) | (year > high)),
                "bad",
            )
        )
    for col in _NUMBERS:
        if col not in cols:
            continue
        has_raw = RAW_PREFIX + col in cols
        failed = raw(col).notnull() & t[col].isnull() if has_raw else None
        if col == C.LINE_NUMBER:
            if failed is not None:
                out.append(
                    (
                        f"not_a_number_{col}",
                        col,
                        "not a whole number",
                        "a whole number from 1 up",
                        _flag(failed),
                        "bad",
                    )
                )
            continue
        too_large = None
        if failed is not None and col in _MONEY:
            as_float = raw(col).try_cast("float64")
            finite = as_float.notnull() & ~as_float.isnan() & ~as_float.isinf()
            # a number, but too large for the amount type (looked at only on failed lines)
            too_large = ibis.cases((failed, finite), else_=False)
        if failed is not None:
            out.append(
                (
                    f"not_a_number_{col}",
                    col,
                    "not a number",
                    "a number",
                    _flag(failed & ~too_large) if too_large is not None else _flag(failed),
                    "bad",
                )
            )
        if col in _MONEY:
            big = t[col].abs() > MAX_LINE_AMOUNT
            out.append(
                (
                    f"implausible_{col}",
                    col,
                    f"implausibly large (more than {MAX_LINE_AMOUNT:,} dollars on one line)",
                    f"an amount up to {MAX_LINE_AMOUNT:,} dollars",
                    _flag(too_large | big) if too_large is not None else _flag(big),
                    "bad",
                )
            )
    if C.LINE_NUMBER in cols:
        out.append(
            (
                f"not_positive_{C.LINE_NUMBER}",
                C.LINE_NUMBER,
                "not a positive line number",
                "a whole number from 1 up",
                _flag(t[C.LINE_NUMBER] < 1),
                "bad",
            )
        )
    for col, vocab in _TOKEN_VOCAB.items():
        if col not in cols:
            continue
        out.append(
            (
                f"unknown_{col}",
                col,
                "unknown value",
                "one of " + ", ".join(vocab),
                _flag(t[col].notnull() & ~t[col].isin(vocab)),
                "bad",
            )
        )
        if RAW_PREFIX + col in cols:
            out.append(
                (
                    f"normalized_{col}",
                    col,
                    "value trimmed, lower-cased or respelled (kept)",
                    "one of " + ", ".join(vocab) + " exactly",
                    _flag(raw(col).notnull() & (raw(col) != t[col])),
                    "note",
                )
            )
    out.append(
        (
            "invalid_diagnosis_code",
            C.DIAGNOSIS_CODE,
            "not an ICD-10-CM code",
            "an ICD-10-CM code (dot optional), e.g. F32.9",
            _flag(t[C.DIAGNOSIS_CODE].notnull() & t[_ICD_OK].isnull()),
            "bad",
        )
    )
    for col in _NON_NEGATIVE:
        if col in cols:
            out.append(
                (
                    f"negative_{col}",
                    col,
                    "negative value",
                    "zero or more",
                    _flag(t[col] < 0),
                    "bad",
                )
            )
    return out


def _user_columns(t: ir.Table) -> list[str]:
    return [c for c in t.columns if not c.startswith(RAW_PREFIX) and c not in (_ICD_OK, _ICD_CODE)]


def validate_claims(
    claims: ir.Table,
    *,
    errors: ClaimsErrors = "raise",
    source: str = "<claims>",
) -> ClaimsValidation:
    """Check claim lines against the claims contract, in the engine.

    Parameters
    ----------
    claims : ibis Table
        Lines from :func:`paritykit.scan_claims`.
    errors : {"raise", "exclude"}
        ``"raise"``: any failing line raises :class:`DataValidationError` (counts and examples
        in its ``problems`` table). ``"exclude"``: failing lines are dropped and counted.
    source : str
        The input's name, shown in messages and the result.

    Returns
    -------
    ClaimsValidation

    Examples
    --------
    >>> import pandas as pd
    >>> from paritykit.load.claims import scan_claims
    >>> df = pd.DataFrame({"claim_id": ["c1", "c2"], "line_number": [1, 1],
    ...     "plan_id": ["p", "p"], "service_date": ["2024-01-05", "2024-13-45"],
    ...     "diagnosis_code": ["F32.9", "I10"], "claim_type": ["professional"] * 2,
    ...     "network_status": ["in", "in"], "status": ["paid", "DENIED "],
    ...     "billed_amount": [100.0, 80.0], "allowed_amount": [60.0, 0.0]})
    >>> v = validate_claims(scan_claims(df), errors="exclude")
    >>> v.total_lines, v.excluded_lines
    (2, 1)
    >>> v.exclusions()[["check", "lines"]].values.tolist()
    [['not_a_date', 1]]
    """
    if errors not in ("raise", "exclude"):
        from paritykit.errors import ConfigurationError

        raise ConfigurationError(f"errors={errors!r}; expected 'raise' or 'exclude'.")
    icd = _icd_table()
    joined = claims.left_join(icd, claims[C.DIAGNOSIS_CODE] == icd[_ICD_CODE]).drop(_ICD_CODE)
    checks = _checks(joined)
    metrics: dict[str, Any] = {"_total": joined.count()}
    any_bad = ibis.literal(False)
    for i, (_, _, _, _, expr, kind) in enumerate(checks):
        metrics[f"_c{i}"] = expr.cast("int64").sum()
        if kind == "bad":
            any_bad = any_bad | expr
    metrics["_any"] = any_bad.cast("int64").sum()
    counts = joined.aggregate(**metrics).to_pandas().iloc[0]
    total = int(counts["_total"])
    excluded = int(counts["_any"]) if pd.notna(counts["_any"]) else 0

    rows: list[dict[str, Any]] = []
    examples: list[pd.DataFrame] = []
    for i, (name, col, problem, expected, expr, kind) in enumerate(checks):
        n = int(counts[f"_c{i}"]) if pd.notna(counts[f"_c{i}"]) else 0
        if n == 0:
            action = "none"
        elif kind == "note":
            action = "normalized"
        else:
            action = "excluded" if errors == "exclude" else "raised"
        rows.append(
            {
                C.CHECK: name,
                "column": col,
                "problem": problem,
                "expected": expected,
                C.LINES: n,
                C.ACTION: action,
            }
        )
        if n:
            shown = RAW_PREFIX + col if RAW_PREFIX + col in joined.columns else col
            ex = (
                joined.filter(expr)
                .select(
                    joined[C.CLAIM_ID],
                    joined[C.LINE_NUMBER].cast("string").name(C.LINE_NUMBER),
                    joined[shown].cast("string").name("value"),
                )
                .limit(EXAMPLES_PER_CHECK)
                .to_pandas()
            )
            ex.insert(0, C.CHECK, name)
            ex.insert(3, "column", col)
            examples.append(ex)
    check_frame = pd.DataFrame(rows, columns=list(CHECK_COLUMNS))
    check_frame[C.LINES] = check_frame[C.LINES].astype("int64")
    example_frame = (
        pd.concat(examples, ignore_index=True)
        if examples
        else pd.DataFrame(columns=list(EXAMPLE_COLUMNS))
    )

    if excluded and errors == "raise":
        _raise(check_frame, example_frame, total, excluded, source)
    if excluded:
        table = joined.filter(~any_bad).select(*_user_columns(joined))
    else:
        table = claims.select(*_user_columns(claims))
    return ClaimsValidation(
        table=table,
        checks=check_frame,
        examples=example_frame,
        total_lines=total,
        excluded_lines=excluded,
        errors=errors,
        source=source,
        icd10cm=icd10cm_release(),
    )


def line_problems(claims: ir.Table, key: str) -> pd.DataFrame:
    """Return, for every line failing a contract check, which checks it fails and its values.

    Meant for small inputs (billing exports) where each excluded line is listed with its own
    reason; :func:`validate_claims` gives counts and examples for inputs of any size.

    Parameters
    ----------
    claims : ibis Table
        Lines from :func:`paritykit.scan_claims`.
    key : str
        The column identifying a line in the result (for example one carrying the CSV line).

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``column``, ``value`` (as read) and ``problem``; one row per failing
        check of a failing line.

    Examples
    --------
    >>> import pandas as pd
    >>> from paritykit.load.claims import scan_claims
    >>> df = pd.DataFrame({"claim_id": ["c1", "c2"], "line_number": ["1", "1.5"],
    ...     "plan_id": ["p", "p"], "service_date": ["2024-01-05", "2024-01-06"],
    ...     "diagnosis_code": ["F32.9", "F32.9"], "claim_type": ["professional"] * 2,
    ...     "network_status": ["in", "in"], "status": ["paid", "paid"],
    ...     "billed_amount": ["100", "80"], "allowed_amount": ["60", "0"]})
    >>> line_problems(scan_claims(df), "claim_id").values.tolist()
    [['c2', 'line_number', '1.5', 'not a whole number']]
    """
    icd = _icd_table()
    joined = claims.left_join(icd, claims[C.DIAGNOSIS_CODE] == icd[_ICD_CODE]).drop(_ICD_CODE)
    checks = [c for c in _checks(joined) if c[5] == "bad"]
    cols = set(joined.columns)
    flags = {f"_f{i}": expr for i, (*_, expr, _kind) in enumerate(checks)}
    values = {
        f"_v{i}": joined[RAW_PREFIX + col if RAW_PREFIX + col in cols else col].cast("string")
        for i, (_, col, *_rest) in enumerate(checks)
    }
    any_bad = ibis.literal(False)
    for expr in flags.values():
        any_bad = any_bad | expr
    frame = (
        joined.filter(any_bad)
        .select(joined[key].cast("string").name(key), **flags, **values)
        .to_pandas()
    )
    rows = []
    for rec in frame.to_dict("records"):
        for i, (_, col, problem, _expected, _expr, _kind) in enumerate(checks):
            if rec[f"_f{i}"]:
                rows.append({key: rec[key], "column": col, "value": rec[f"_v{i}"],
                             "problem": problem})  # fmt: skip
    return pd.DataFrame(rows, columns=[key, "column", "value", "problem"])


def _raise(
    checks: pd.DataFrame, examples: pd.DataFrame, total: int, excluded: int, source: str
) -> None:
    failing = checks[(checks[C.LINES] > 0) & (checks[C.ACTION] == "raised")]
    parts = []
    problems = []
    for rec in failing.itertuples(index=False):
        ex = examples[examples[C.CHECK] == rec.check]
        shown = ", ".join(
            f"{v!r} (claim {c} line {n})"
            for v, c, n in zip(ex["value"], ex[C.CLAIM_ID], ex[C.LINE_NUMBER], strict=True)
        )
        parts.append(
            f"'{rec.column}' {rec.problem} on {rec.lines:,} line(s), e.g. {shown}; expected "
            f"{rec.expected}"
        )
        for v in ex["value"]:
            problems.append(
                {
                    "file": source,
                    "row": None,
                    "column": rec.column,
                    "value": v,
                    "problem": f"{rec.problem} ({rec.lines:,} line(s) in all)",
                    "expected": rec.expected,
                }
            )
    raise DataValidationError(
        f"claims {source}: {excluded:,} of {total:,} line(s) break the claims contract: "
        + "; ".join(parts)
        + ". Fix the data, or pass errors='exclude' (on the command line: --errors exclude) "
        "to drop these lines (they are counted and reported).",
        pd.DataFrame(problems),
    )
