"""Synthetic claim lines with known, user-specified disparities, generated inside DuckDB.

Every value is drawn from a hash of (row, seed, purpose) computed in SQL, so the output is the
same for the same seed whatever the thread count, and 100M lines stream to Parquet without
passing through Python. A JSON sidecar beside the Parquet states the true parameters (base
rates, code mixes and every disparity), so analyses can be checked against the truth.

Model (per claim; claims have 2 lines, the last may have 1): plan uniform over ``plans``;
side MH/SUD with probability ``mhsud_share``; setting pharmacy / emergency / inpatient /
office visit / other outpatient; out of network with a side-specific probability; real
ICD-10-CM diagnoses and CPT/HCPCS codes by side and setting; half of inpatient and emergency
claims are institutional (type of bill and revenue codes instead of a place of service). Per
line: denied with probability ``denial_rate`` (times a disparity's ratio in its cell), a CARC
reason from a fixed mix, prior authorization for inpatient and other outpatient care (denied
exactly when the denial reason is 197), amounts in dollars and cents.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from paritykit._atomic import atomic_path, atomic_write_text
from paritykit.errors import ConfigurationError
from paritykit.vocab import CLASSIFICATIONS

__all__ = [
    "GENERATOR_VERSION",
    "ClaimsDisparity",
    "SyntheticClaims",
    "parse_disparity",
    "synthesize_claims",
]

#: Version of the generator's model, recorded in the sidecar.
GENERATOR_VERSION = "1"

DisparityMeasure = Literal["denial_rate", "allowed_amount"]

MS_DIAGNOSES = (
    "I10", "E11.9", "J06.9", "M54.50", "Z00.00", "K21.9", "E78.5", "J45.909",
    "N39.0", "M17.11", "R10.9", "S93.401A", "I25.10", "J18.9", "K35.80",
)  # fmt: skip
MHSUD_DIAGNOSES = (
    "F32.9", "F41.1", "F33.1", "F43.10", "F10.20", "F11.20", "F90.0", "F31.9",
    "F41.9", "F20.9", "F43.23", "F12.20",
)  # fmt: skip
#: (side, setting) -> procedure codes (CPT/HCPCS).
PROCEDURES: dict[tuple[str, str], tuple[str, ...]] = {
    ("ms", "office"): ("99213", "99214", "99203", "99212"),
    ("mhsud", "office"): ("90834", "90837", "90791", "90832"),
    ("ms", "other"): ("93000", "80053", "71046", "36415", "97110"),
    ("mhsud", "other"): ("H0015", "H0035", "90853", "90847", "S9480"),
    ("ms", "inpatient"): ("99222", "99223", "99232"),
    ("mhsud", "inpatient"): ("99222", "99232", "90792"),
    ("ms", "emergency"): ("99283", "99284", "99285"),
    ("mhsud", "emergency"): ("99283", "99284", "99285"),
}
#: (side, setting) -> place of service codes for professional claims.
PLACES: dict[tuple[str, str], tuple[str, ...]] = {
    ("ms", "office"): ("11", "11", "11", "02"),
    ("mhsud", "office"): ("11", "02", "10", "53"),
    ("ms", "other"): ("22", "19"),
    ("mhsud", "other"): ("52", "57", "22"),
    ("ms", "inpatient"): ("21",),
    ("mhsud", "inpatient"): ("51", "55", "21"),
    ("ms", "emergency"): ("23",),
    ("mhsud", "emergency"): ("23",),
}
SETTING_SHARES: dict[str, float] = {
    "pharmacy": 0.12,
    "emergency": 0.05,
    "inpatient": 0.06,
    "office": 0.55,
    "other": 0.22,
}
DENIAL_REASON_MIX: dict[str, float] = {"50": 0.35, "197": 0.20, "16": 0.25, "96": 0.10, "29": 0.10}
BILLED_BASE: dict[str, float] = {
    "pharmacy": 80.0,
    "emergency": 1200.0,
    "inpatient": 6000.0,
    "office": 150.0,
    "other": 400.0,
}


@dataclass(frozen=True)
class ClaimsDisparity:
    """A disparity planted in synthetic claims: MH/SUD ``measure`` = ``ratio`` x M/S.

    Parameters
    ----------
    measure : {"denial_rate", "allowed_amount"}
        ``denial_rate``: the MH/SUD line denial probability is ``ratio`` times the base rate.
        ``allowed_amount``: MH/SUD allowed amounts are ``ratio`` times what M/S would get.
    ratio : float
        Multiplier (> 0).
    plan : int, optional
        Plan number (1-based; plan ids are ``plan_<n>``); all plans when ``None``.
    classification : str, optional
        One of the six classifications; all when ``None``.

    Examples
    --------
    >>> d = ClaimsDisparity("denial_rate", 1.6, plan=3, classification="outpatient_in_network")
    >>> d.ratio, d.plan
    (1.6, 3)
    """

    measure: DisparityMeasure
    ratio: float
    plan: int | None = None
    classification: str | None = None

    def __post_init__(self) -> None:
        if self.measure not in ("denial_rate", "allowed_amount"):
            raise ConfigurationError(
                f"disparity measure {self.measure!r}; expected 'denial_rate' or 'allowed_amount'."
            )
        if not (isinstance(self.ratio, (int, float)) and self.ratio > 0):
            raise ConfigurationError(f"disparity ratio {self.ratio!r}; expected a number > 0.")
        if self.classification is not None and self.classification not in CLASSIFICATIONS:
            raise ConfigurationError(
                f"disparity classification {self.classification!r}; expected one of "
                f"{list(CLASSIFICATIONS)}."
            )
        if self.plan is not None and (not isinstance(self.plan, int) or self.plan < 1):
            raise ConfigurationError(f"disparity plan {self.plan!r}; expected a plan number >= 1.")


def parse_disparity(text: str) -> ClaimsDisparity:
    """Parse ``"plan=3,classification=outpatient_in_network,measure=denial_rate,ratio=1.6"``.

    Examples
    --------
    >>> parse_disparity("measure=denial_rate, ratio=1.6, plan=3").plan
    3
    """
    fields: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise ConfigurationError(
                f"disparity {text!r}: part {part!r} is not key=value; expected e.g. "
                "'plan=3,classification=outpatient_in_network,measure=denial_rate,ratio=1.6'."
            )
        fields[key.strip().lower()] = value.strip()
    unknown = set(fields) - {"plan", "classification", "measure", "ratio"}
    if unknown or "ratio" not in fields:
        raise ConfigurationError(
            f"disparity {text!r}: expected keys plan, classification, measure, ratio (ratio "
            f"required); got {sorted(fields)}."
        )
    try:
        ratio = float(fields["ratio"])
        plan = int(fields["plan"].removeprefix("plan_")) if "plan" in fields else None
    except ValueError as exc:
        raise ConfigurationError(f"disparity {text!r}: {exc}") from exc
    return ClaimsDisparity(
        measure=fields.get("measure", "denial_rate"),  # type: ignore[arg-type]
        ratio=ratio,
        plan=plan,
        classification=fields.get("classification"),
    )


@dataclass(frozen=True)
class SyntheticClaims:
    """What :func:`synthesize_claims` wrote, and the true parameters behind it."""

    path: Path
    sidecar: Path
    rows: int
    plans: int
    seed: int
    disparities: tuple[ClaimsDisparity, ...]
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Return the planted disparities, one row each."""
        return pd.DataFrame(
            [asdict(d) for d in self.disparities],
            columns=["measure", "ratio", "plan", "classification"],
        )

    def summary(self) -> str:
        """Return a short text description."""
        planted = "; ".join(
            f"{d.measure} x{d.ratio} (plan {d.plan or 'all'}, {d.classification or 'all'})"
            for d in self.disparities
        )
        return (
            f"{self.rows:,} synthetic claim lines, {self.plans} plans, seed {self.seed} -> "
            f"{self.path} (true parameters in {self.sidecar}); disparities: {planted or 'none'}"
        )

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary())}</p>" + self.to_frame().to_html(index=False)


def _u(key: str, seed: int, purpose: int) -> str:
    """SQL for a uniform [0, 1) number from a hash of (key, seed, purpose)."""
    return f"((hash({key}, {seed}, {purpose}) % 1000000007)::DOUBLE / 1000000007.0)"


def _pick(values: Sequence[str], u: str) -> str:
    items = ", ".join(f"'{v}'" for v in values)
    return f"[{items}][1 + floor({u} * {len(values)})::INTEGER]"


def _by_side_setting(table: dict[tuple[str, str], tuple[str, ...]], u: str) -> str:
    whens = " ".join(
        f"WHEN side = '{side}' AND setting = '{setting}' THEN {_pick(values, u)}"
        for (side, setting), values in table.items()
    )
    return f"CASE {whens} ELSE NULL END"


def _cumulative_case(shares: dict[str, float], u: str) -> str:
    acc = 0.0
    whens = []
    items = list(shares.items())
    for name, share in items[:-1]:
        acc += share
        whens.append(f"WHEN {u} < {acc!r} THEN '{name}'")
    return f"CASE {' '.join(whens)} ELSE '{items[-1][0]}' END"


def _disparity_case(
    disparities: Sequence[ClaimsDisparity], measure: str, default: str = "1.0"
) -> str:
    whens = []
    for d in disparities:
        if d.measure != measure:
            continue
        cond = ["side = 'mhsud'"]
        if d.plan is not None:
            cond.append(f"plan_no = {d.plan}")
        if d.classification is not None:
            cond.append(f"cls = '{d.classification}'")
        whens.append(f"WHEN {' AND '.join(cond)} THEN {float(d.ratio)!r}")
    return f"CASE {' '.join(whens)} ELSE {default} END" if whens else default


def _plan_id_expr(plan_ids: Sequence[str] | None) -> str:
    if not plan_ids:
        return "'plan_' || plan_no"
    whens = " ".join(
        f"WHEN {n} THEN '{pid.replace(chr(39), chr(39) * 2)}'"
        for n, pid in enumerate(plan_ids, start=1)
    )
    return f"CASE plan_no {whens} END"


def _sql(
    rows: int,
    plans: int,
    seed: int,
    disparities: Sequence[ClaimsDisparity],
    p: dict[str, Any],
) -> str:
    c, i = "c", "i"
    return f"""
WITH base AS (
  SELECT range AS i, range // 2 AS c, (range % 2 + 1)::INTEGER AS line_number
  FROM range({rows})
), a AS (
  SELECT *,
    1 + floor({_u(c, seed, 1)} * {plans})::INTEGER AS plan_no,
    CASE WHEN {_u(c, seed, 2)} < {p["mhsud_share"]!r} THEN 'mhsud' ELSE 'ms' END AS side,
    {_cumulative_case(SETTING_SHARES, _u(c, seed, 3))} AS setting,
    {_u(c, seed, 4)} AS u_net,
    {_u(c, seed, 9)} < 0.5 AS institutional
  FROM base
), b AS (
  SELECT *,
    CASE WHEN setting = 'pharmacy' THEN 'pharmacy'
         WHEN setting IN ('inpatient', 'emergency') AND institutional THEN 'institutional'
         ELSE 'professional' END AS claim_type,
    CASE WHEN u_net < (CASE WHEN side = 'mhsud' THEN {p["out_of_network_share"]["mhsud"]!r}
                           ELSE {p["out_of_network_share"]["ms"]!r} END)
         THEN 'out' ELSE 'in' END AS network_status
  FROM a
), d AS (
  SELECT *,
    CASE WHEN setting = 'pharmacy' THEN 'prescription_drugs'
         WHEN setting = 'emergency' THEN 'emergency'
         WHEN setting = 'inpatient' THEN 'inpatient_' || network_status || '_network'
         ELSE 'outpatient_' || network_status || '_network' END AS cls
  FROM b
), e AS (
  SELECT *,
    least(0.95, {p["denial_rate"]!r} * {_disparity_case(disparities, "denial_rate")})
      AS p_deny,
    {p["allowed_to_billed"]!r} * {_disparity_case(disparities, "allowed_amount")}
      AS allowed_factor,
    {_u(i, seed, 12)} < least(0.95, {p["denial_rate"]!r}
      * {_disparity_case(disparities, "denial_rate")}) AS is_denied,
    {_cumulative_case(DENIAL_REASON_MIX, _u(i, seed, 13))} AS reason
  FROM d
), f AS (
  SELECT *,
    round((CASE setting {" ".join(f"WHEN '{k}' THEN {v!r}" for k, v in BILLED_BASE.items())}
           END) * (0.5 + {_u(i, seed, 14)}), 2) AS billed
  FROM e
)
SELECT
  'C' || lpad(c::VARCHAR, 10, '0') AS claim_id,
  line_number,
  {_plan_id_expr(p.get("plan_ids"))} AS plan_id,
  'M' || lpad((floor({_u(c, seed, 8)} * {max(rows // 6, 1)}))::BIGINT::VARCHAR, 9, '0')
    AS member_id,
  DATE '{p["start_date"]}' + floor({_u(c, seed, 6)} * 366)::INTEGER AS service_date,
  CASE WHEN side = 'mhsud' THEN {_pick(MHSUD_DIAGNOSES, _u(c, seed, 5))}
       ELSE {_pick(MS_DIAGNOSES, _u(c, seed, 5))} END AS diagnosis_code,
  CASE WHEN setting = 'pharmacy' THEN NULL
       ELSE {_by_side_setting(PROCEDURES, _u(i, seed, 11))} END AS procedure_code,
  CASE WHEN claim_type <> 'institutional' THEN NULL
       WHEN setting = 'emergency' THEN '0450'
       WHEN side = 'mhsud' THEN {_pick(("0114", "0124"), _u(c, seed, 10))}
       ELSE {_pick(("0110", "0120"), _u(c, seed, 10))} END AS revenue_code,
  CASE WHEN claim_type <> 'professional' THEN NULL
       ELSE {_by_side_setting(PLACES, _u(c, seed, 7))} END AS place_of_service,
  CASE WHEN claim_type <> 'institutional' THEN NULL
       WHEN setting = 'inpatient' THEN '111' ELSE '131' END AS bill_type,
  claim_type,
  network_status,
  CASE WHEN is_denied THEN 'denied' ELSE 'paid' END AS status,
  CASE WHEN is_denied THEN reason ELSE NULL END AS denial_reason,
  CASE WHEN setting NOT IN ('inpatient', 'other') THEN 'not_required'
       WHEN is_denied AND reason = '197' THEN 'denied' ELSE 'approved' END AS prior_auth,
  billed::DECIMAL(12, 2) AS billed_amount,
  (CASE WHEN is_denied THEN 0 ELSE round(billed * allowed_factor, 2) END)::DECIMAL(12, 2)
    AS allowed_amount,
  (CASE WHEN is_denied THEN 0 ELSE round(round(billed * allowed_factor, 2)
     * {p["paid_to_allowed"]!r}, 2) END)::DECIMAL(12, 2) AS paid_amount,
  CASE WHEN setting IN ('inpatient', 'other')
       THEN floor({_u(i, seed, 15)} * 15)::INTEGER ELSE NULL END AS decision_days
FROM f
"""


def synthesize_claims(
    path: str | os.PathLike[str],
    *,
    rows: int = 100_000,
    plans: int = 5,
    seed: int = 0,
    disparities: Sequence[ClaimsDisparity] = (),
    mhsud_share: float = 0.2,
    denial_rate: float = 0.10,
    threads: int | None = None,
    plan_ids: Sequence[str] | None = None,
) -> SyntheticClaims:
    """Write synthetic claim lines to Parquet (in DuckDB) and their true parameters to JSON.

    Parameters
    ----------
    path : path
        Target Parquet file; the sidecar goes beside it with suffix ``.json``.
    rows, plans, seed : int
        Claim lines, plans (``plan_1`` ... ``plan_P``) and the seed (same seed, same file).
    disparities : sequence of ClaimsDisparity
        Planted MH/SUD vs M/S differences; the first one matching a line applies.
    mhsud_share, denial_rate : float
        Share of claims that are MH/SUD, and the base line denial probability.
    threads : int, optional
        DuckDB threads (default: DuckDB's choice).
    plan_ids : sequence of str, optional
        Names for the plans instead of ``plan_1`` ... ``plan_P`` (one per plan, in order;
        disparities still name plans by number). The sample data uses the sample benefit
        plans' ids so claims and benefits line up.

    Returns
    -------
    SyntheticClaims

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "claims.parquet"
    >>> res = synthesize_claims(out, rows=1000, plans=3, seed=1,
    ...     disparities=[ClaimsDisparity("denial_rate", 1.6, plan=3,
    ...                                  classification="outpatient_in_network")])
    >>> res.rows, res.sidecar.name
    (1000, 'claims.json')
    """
    import duckdb

    if not isinstance(rows, int) or rows < 1:
        raise ConfigurationError(f"rows={rows!r}; expected a whole number >= 1.")
    if not isinstance(plans, int) or plans < 1:
        raise ConfigurationError(f"plans={plans!r}; expected a whole number >= 1.")
    if not 0 <= mhsud_share <= 1 or not 0 <= denial_rate <= 0.95:
        raise ConfigurationError(
            f"mhsud_share={mhsud_share!r}, denial_rate={denial_rate!r}; expected shares in "
            "[0, 1] (denial rate at most 0.95)."
        )
    if plan_ids is not None and (len(plan_ids) != plans or len(set(plan_ids)) != plans):
        raise ConfigurationError(
            f"plan_ids={list(plan_ids)!r}; expected {plans} distinct names, one per plan."
        )
    for d in disparities:
        if d.plan is not None and d.plan > plans:
            raise ConfigurationError(
                f"disparity for plan {d.plan}, but only {plans} plans are generated."
            )
    params: dict[str, Any] = {
        "generator": "paritykit.synth.claims",
        "generator_version": GENERATOR_VERSION,
        "rows": rows,
        "plans": plans,
        "plan_ids": list(plan_ids) if plan_ids else [f"plan_{n}" for n in range(1, plans + 1)],
        "seed": seed,
        "lines_per_claim": 2,
        "mhsud_share": mhsud_share,
        "setting_shares": SETTING_SHARES,
        "institutional_share_inpatient_emergency": 0.5,
        "out_of_network_share": {"ms": 0.08, "mhsud": 0.20},
        "denial_rate": denial_rate,
        "denial_reason_mix": DENIAL_REASON_MIX,
        "allowed_to_billed": 0.6,
        "paid_to_allowed": 0.8,
        "billed_base": BILLED_BASE,
        "start_date": "2024-01-01",
        "disparities": [asdict(d) for d in disparities],
        "notes": (
            "A disparity multiplies the MH/SUD line denial probability (capped at 0.95) or the "
            "MH/SUD allowed amount in its plan and classification; M/S lines keep the base. "
            "Denied lines have allowed and paid amounts of 0. prior_auth is 'denied' exactly when "
            "a denied line in inpatient or other outpatient care has CARC 197. Out-of-network "
            "shares differ by side by design (stated above)."
        ),
        "diagnoses": {"ms": MS_DIAGNOSES, "mhsud": MHSUD_DIAGNOSES},
        "procedures": {f"{k[0]}/{k[1]}": v for k, v in PROCEDURES.items()},
    }
    sql = _sql(rows, plans, seed, disparities, params)
    target = Path(path)
    sidecar = target.with_suffix(".json")
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        with atomic_path(target) as tmp:
            con.execute(
                f"COPY ({sql}) TO '{tmp.as_posix()}' "
                "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)"
            )
    finally:
        con.close()
    atomic_write_text(sidecar, json.dumps(params, indent=2, default=list) + "\n")
    return SyntheticClaims(
        path=target,
        sidecar=sidecar,
        rows=rows,
        plans=plans,
        seed=seed,
        disparities=tuple(disparities),
        parameters=params,
    )
