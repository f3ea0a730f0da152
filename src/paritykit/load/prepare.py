"""Prepare claims once: normalized, typed, validated Parquet that later scans read as it is.

:func:`prepare_claims` scans a claims source (CSV or Parquet, any column map), validates it like
:func:`paritykit.validate_claims` (with ``errors="raise"`` any failing line stops it; with
``errors="exclude"`` failing lines are left out, counted and listed), classifies them, and writes
the lines in the claims contract with their classification to one Parquet file. The file's
key-value metadata carries a marker (:data:`paritykit.load.claims.PREPARED_KEY`, JSON): the
paritykit version, the normalization fingerprint, the rules version, the rule set that
classified the lines and its fingerprint, the row count, the columns, and the validation result
(checks, examples and a fingerprint of the checks).

:func:`paritykit.scan_claims` reads a file whose marker it can trust without normalizing it again,
and :func:`recorded_validation` returns the recorded validation instead of a new scan. A marker
that does not match (another paritykit normalization, another ICD-10-CM release or set of
checks, a different row count or column types, a file rewritten by another tool) is ignored:
the file is normalized and validated again. :func:`paritykit.classify_claims` reads the stored
classification when it is asked for the rule set that wrote it, and classifies again otherwise.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from paritykit.errors import ConfigurationError, InputFileError

if TYPE_CHECKING:
    from collections.abc import Mapping

    import ibis.expr.types as ir
    import pandas as pd
    from ibis.backends import BaseBackend

    from paritykit.classify.rules import RuleSet
    from paritykit.load.claims import ColumnMap
    from paritykit.validate.claims import ClaimsValidation

__all__ = ["MARKER_FORMAT", "PreparedClaims", "prepare_claims", "recorded_validation"]

#: Version of the marker's layout.
MARKER_FORMAT = 1
_VALIDATION_FINGERPRINT: str | None = None


def validation_fingerprint() -> str:
    """Return a fingerprint of the contract checks and the ICD-10-CM release they use.

    A recorded validation is reused only when this matches.

    Examples
    --------
    >>> validation_fingerprint().startswith("sha256:")
    True
    """
    global _VALIDATION_FINGERPRINT
    if _VALIDATION_FINGERPRINT is None:
        from paritykit._fingerprint import fingerprint
        from paritykit.validate import claims as V

        parts = {
            "max_line_amount": V.MAX_LINE_AMOUNT,
            "service_years": list(V.SERVICE_YEARS),
            "icd10cm": icd10cm_release(),
        }
        code = (V._checks, V.validate_claims, V.icd10cm_codes)
        _VALIDATION_FINGERPRINT = fingerprint(parts, code)
    return _VALIDATION_FINGERPRINT


def icd10cm_release() -> str:
    """Return :func:`paritykit.validate.claims.icd10cm_release` (the code set is not loaded).

    Examples
    --------
    >>> from paritykit.validate.claims import icd10cm_release as loaded
    >>> icd10cm_release() == loaded()
    True
    """
    from paritykit.validate.claims import icd10cm_release as release

    return release()


@dataclass(frozen=True, eq=False)
class PreparedClaims:
    """What :func:`prepare_claims` wrote.

    Attributes
    ----------
    path : pathlib.Path
        The prepared Parquet file.
    rows : int
        Lines written (lines scanned minus lines excluded).
    validation : ClaimsValidation
        The validation of the source (checks, examples, exclusions), also recorded in the file.
    marker : dict
        The marker written into the file's key-value metadata.
    """

    path: Path
    rows: int
    validation: ClaimsValidation
    marker: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        """Return the validation checks (one row per check)."""
        return self.validation.to_frame()

    def exclusions(self) -> pd.DataFrame:
        """Return the checks that excluded lines, with counts and reasons."""
        return self.validation.exclusions()

    def summary(self) -> str:
        """Return a short text report."""
        return f"Prepared {self.path}: {self.rows:,} lines written.\n" + self.validation.summary()

    def __str__(self) -> str:
        return self.summary()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict("records"):
        out.append({k: (None if _missing(v) else _plain(v)) for k, v in rec.items()})
    return out


def _missing(value: Any) -> bool:
    try:
        return bool(value != value) or value is None  # NaN, NA
    except (TypeError, ValueError):
        return value is None


def _plain(value: Any) -> Any:
    if isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _marker(
    validation: ClaimsValidation,
    columns: list[str],
    rows: int,
    classification: dict[str, Any],
) -> dict[str, Any]:
    from paritykit._version import __version__
    from paritykit.classify.rules import RULES_VERSION
    from paritykit.load.claims import normalization_fingerprint

    return {
        "format": MARKER_FORMAT,
        "paritykit": __version__,
        "normalization": normalization_fingerprint(),
        "rules_version": RULES_VERSION,
        "classification": classification,
        "rows": rows,
        "columns": columns,
        "source": validation.source,
        "validation": {
            "fingerprint": validation_fingerprint(),
            "icd10cm": validation.icd10cm,
            "errors": validation.errors,
            "total_lines": validation.total_lines,
            "excluded_lines": validation.excluded_lines,
            "checks": _records(validation.checks),
            "examples": _records(validation.examples),
        },
    }


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _write(table: ir.Table, con: BaseBackend, target: Path, marker: dict[str, Any]) -> None:
    from paritykit._atomic import atomic_path
    from paritykit.load.claims import PREPARED_KEY

    text = json.dumps(marker, sort_keys=True, default=str)
    with atomic_path(target) as tmp:
        if con.name == "duckdb":
            raw = con.con  # type: ignore[attr-defined]
            con._run_pre_execute_hooks(table)  # type: ignore[attr-defined]
            query = con.compile(table)  # type: ignore[attr-defined]
            # line order carries no meaning; keeping it would buffer the whole file in memory
            (keep,) = raw.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
            raw.execute("SET preserve_insertion_order = false")
            try:
                raw.execute(
                    f"COPY ({query}) TO {_sql_text(str(tmp))} (FORMAT parquet, COMPRESSION zstd, "
                    f"ROW_GROUP_SIZE 250000, "
                    f"KV_METADATA {{{_sql_text(PREPARED_KEY)}: {_sql_text(text)}}})"
                )
            finally:
                raw.execute(f"SET preserve_insertion_order = {'true' if keep else 'false'}")
            return
        import pyarrow.parquet as pq

        batches = table.to_pyarrow_batches()
        schema = batches.schema.with_metadata({PREPARED_KEY: text})
        with pq.ParquetWriter(tmp, schema) as writer:
            for batch in batches:
                writer.write_batch(batch)


def prepare_claims(
    source: str | os.PathLike[str] | pd.DataFrame | ir.Table,
    out: str | os.PathLike[str],
    *,
    columns: ColumnMap | Mapping[str, str] | str | os.PathLike[str] | None = None,
    errors: Literal["raise", "exclude"] = "raise",
    engine: Any = "duckdb",
    rules: RuleSet | str | os.PathLike[str] | None = None,
) -> PreparedClaims:
    """Normalize, type, validate and classify claim lines once, and write them to marked Parquet.

    The file holds the contract columns and the classification of every line
    (:data:`paritykit.load.claims.STORED_CLASSIFICATION`) under ``rules``; the marker records
    the rule set and its :func:`paritykit.classify.claims.classification_fingerprint`, so
    :func:`paritykit.classify_claims` with the same rules reads the stored columns instead of
    classifying again (any other rule set classifies the lines again). Lines no rule can
    classify are written with a null side and classification, as ``unmapped="flag"`` keeps
    them; the commands that read the file report them as usual.

    Parameters
    ----------
    source : path, folder, glob, pandas.DataFrame or ibis Table
        Anything :func:`paritykit.scan_claims` reads.
    out : path
        The Parquet file to write (``.parquet``); written atomically.
    columns : ColumnMap, mapping or path, optional
        Contract column -> header in the source.
    errors : {"raise", "exclude"}
        As in :func:`paritykit.validate_claims`: stop on lines that break the contract, or
        leave them out of the file (counted, with examples, in the result and the marker).
    engine : {"duckdb", "pyspark"} or Ibis connection
        Where the scan runs.
    rules : RuleSet or path to a rules YAML file, optional
        The rule set that classifies the stored lines (default: the bundled one).

    Returns
    -------
    PreparedClaims

    Raises
    ------
    DataValidationError
        With ``errors="raise"``, when lines break the contract (nothing is written).

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> df = pd.DataFrame({"claim_id": ["c1", "c2"], "line_number": [1, 1],
    ...     "plan_id": ["p", "p"], "service_date": ["2024-01-05", "2024-13-45"],
    ...     "diagnosis_code": ["f32.9", "I10"], "claim_type": ["professional"] * 2,
    ...     "network_status": ["In-Network", "in"], "status": ["paid", "DENIED "],
    ...     "billed_amount": [100.0, 80.0], "allowed_amount": [60.0, 0.0]})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "claims.parquet"
    >>> res = prepare_claims(df, out, errors="exclude")
    >>> res.rows, res.validation.excluded_lines
    (1, 1)
    >>> from paritykit.load.claims import prepared_marker, scan_claims
    >>> prepared_marker(scan_claims(out))["rows"]
    1
    """
    import ibis

    from paritykit.classify.claims import _as_rules, classification_fingerprint, classify_claims
    from paritykit.load.claims import PREPARED_TYPES, STORED_CLASSIFICATION, scan_claims
    from paritykit.validate.claims import validate_claims

    target = Path(out)
    if target.suffix.lower() not in (".parquet", ".pq", ".parq"):
        raise ConfigurationError(
            f"prepared claims go to a Parquet file; {target} does not end in .parquet."
        )
    if target.is_dir():
        raise InputFileError(f"{target} is a folder; expected the path of a Parquet file.")
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
    elif isinstance(source, ibis.expr.types.Table):
        name = "<ibis table>"
    else:
        name = "<DataFrame>"
    scanned = scan_claims(source, engine=engine, columns=columns)
    validation = validate_claims(scanned, errors=errors, source=name)
    table = validation.table
    typed = table.select(
        **{c: table[c].cast(PREPARED_TYPES[c]) for c in table.columns if c in PREPARED_TYPES}
    )
    rule_set = _as_rules(rules)
    classified = classify_claims(typed, rules=rule_set, unmapped="flag")
    written = classified.select(*typed.columns, *STORED_CLASSIFICATION)
    rows = validation.total_lines - validation.excluded_lines
    classification = {
        "rules": rule_set.label,
        "fingerprint": classification_fingerprint(rule_set),
        "columns": list(STORED_CLASSIFICATION),
    }
    marker = _marker(validation, list(written.columns), rows, classification)
    _write(written, written._find_backend(), target, marker)
    return PreparedClaims(path=target, rows=rows, validation=validation, marker=marker)


def recorded_validation(table: ir.Table) -> ClaimsValidation | None:
    """Return the validation recorded in a prepared file, or ``None`` when it cannot be reused.

    ``table`` must be the table :func:`paritykit.scan_claims` returned for one prepared file
    whose marker it trusted; the recorded checks must come from the same contract checks and
    ICD-10-CM release as this version's (:func:`validation_fingerprint`). Otherwise run
    :func:`paritykit.validate_claims` as usual.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from paritykit.load.claims import scan_claims
    >>> df = pd.DataFrame({"claim_id": ["c1"], "line_number": [1], "plan_id": ["p"],
    ...     "service_date": ["2024-01-05"], "diagnosis_code": ["F32.9"],
    ...     "claim_type": ["professional"], "network_status": ["in"], "status": ["paid"],
    ...     "billed_amount": [100.0], "allowed_amount": [60.0]})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "claims.parquet"
    >>> _ = prepare_claims(df, out)
    >>> recorded_validation(scan_claims(out)).total_lines
    1
    >>> recorded_validation(scan_claims(df)) is None
    True
    """
    from paritykit.load.claims import prepared_marker

    marker = prepared_marker(table)
    if not marker or not isinstance(marker.get("validation"), dict):
        return None
    recorded = marker["validation"]
    if recorded.get("fingerprint") != validation_fingerprint():
        return None
    import pandas as pd

    from paritykit.validate.claims import (
        CHECK_COLUMNS,
        EXAMPLE_COLUMNS,
        ClaimsValidation,
    )

    try:
        checks = pd.DataFrame(recorded["checks"], columns=list(CHECK_COLUMNS))
        checks["lines"] = checks["lines"].astype("int64")
        examples = pd.DataFrame(recorded["examples"], columns=list(EXAMPLE_COLUMNS))
        total = int(recorded["total_lines"])
        excluded = int(recorded["excluded_lines"])
    except (KeyError, TypeError, ValueError):
        return None
    if total - excluded != int(marker["rows"]):
        return None
    return ClaimsValidation(
        table=table,
        checks=checks,
        examples=examples,
        total_lines=total,
        excluded_lines=excluded,
        errors=str(recorded.get("errors")),
        source=str(marker.get("source")),
        icd10cm=str(recorded.get("icd10cm")),
    )
