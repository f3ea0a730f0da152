"""Classify claim lines: MH/SUD vs M/S, the six classifications, and which rule decided.

Order of rules (defaults from the bundled, versioned rule set; see :mod:`.rules`):

Side
    1. ``diagnosis``: a primary diagnosis, when present, decides (ICD-10-CM F01-F99 -> MH/SUD,
       any other well-formed code -> M/S), whatever the procedure.
    2. ``procedure``: otherwise a procedure code (CPT 90785-90899, HCPCS H0001-H2037 and
       selected T/S codes -> MH/SUD; any other code -> M/S).
    3. ``revenue_code``: otherwise a revenue code (psychiatric codes -> MH/SUD; others -> M/S).
    4. ``unmapped``: no usable code (or a malformed diagnosis).

Setting
    1. ``claim_type``: pharmacy -> ``prescription_drugs``.
    2. ``place_of_service``: POS code mapped in the rule set (23 -> emergency, 21/51/55/56/61
       -> inpatient, 11/02/10/53 -> office visits, 19/22/52/57/58 -> other outpatient).
    3. ``revenue_code``: revenue code 045x -> emergency.
    4. ``bill_type``: type of bill 11x -> inpatient, 13x -> other outpatient.
    5. ``unmapped``.

Network status then splits inpatient and outpatient into in/out of network (emergency and
prescription drugs have no split). ``classified_by`` reads ``"<side rule>+<setting rule>"``,
for example ``"diagnosis+place_of_service"``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Literal

import ibis
import ibis.expr.datatypes as dt
import pandas as pd

from paritykit import columns as C
from paritykit.classify.rules import RuleSet, default_rules, load_rules
from paritykit.errors import ConfigurationError, UnmappedCodeError
from paritykit.vocab import MHSUD, MS

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["CLASSIFIED_COLUMNS", "UNMAPPED", "as_claims_table", "classify_claims"]

Unmapped = Literal["raise", "flag"]
#: Columns :func:`classify_claims` adds.
CLASSIFIED_COLUMNS: tuple[str, ...] = (
    C.SIDE,
    C.CLASSIFICATION,
    C.SUB_CLASSIFICATION,
    C.CLASSIFIED_BY,
    C.RULESET_VERSION,
)
#: The rule name recorded when no rule could decide.
UNMAPPED = "unmapped"
#: Shape of a diagnosis code after normalization (letter, digit, then 1-5 letters/digits).
DIAGNOSIS_PATTERN = r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$"
_NULL = ibis.null(dt.string)


def as_claims_table(claims: Any, *, engine: Any = "duckdb") -> ir.Table:
    """Return a lazy table from a table, a :class:`ClaimsValidation`, or any scan source.

    A path or DataFrame is scanned with :func:`paritykit.scan_claims` and validated with
    ``errors="raise"`` first, so no line is dropped silently.
    """
    from paritykit.validate.claims import ClaimsValidation, validate_claims

    if isinstance(claims, ClaimsValidation):
        return claims.table
    if isinstance(claims, ibis.expr.types.Table):
        return claims
    from paritykit.load.claims import scan_claims

    name = os.fspath(claims) if isinstance(claims, (str, os.PathLike)) else "<DataFrame>"
    return validate_claims(scan_claims(claims, engine=engine), errors="raise", source=name).table


def _as_rules(rules: RuleSet | str | os.PathLike[str] | None) -> RuleSet:
    if rules is None:
        return default_rules()
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, (str, os.PathLike)):
        return load_rules(rules)
    raise ConfigurationError(
        f"rules is a {type(rules).__name__}; expected a RuleSet, a path to a rules YAML file, "
        "or None for the bundled defaults."
    )


def _in_ranges(value: ir.StringValue, ranges: tuple[tuple[str, str], ...]) -> ir.BooleanValue:
    cond = ibis.literal(False)
    for lo, hi in ranges:
        cond = cond | ((value.length() == len(lo)) & value.between(lo, hi))
    return cond


def _col(t: ir.Table, name: str) -> ir.StringValue:
    return t[name] if name in t.columns else _NULL


def _side(t: ir.Table, rules: RuleSet) -> tuple[ir.Value, ir.Value]:
    dx = t[C.DIAGNOSIS_CODE]
    proc = _col(t, C.PROCEDURE_CODE)
    rev = _col(t, C.REVENUE_CODE)
    dx_ok = dx.re_search(DIAGNOSIS_PATTERN)
    dx_mh = _in_ranges(dx.substr(0, 3), rules.diagnosis_ranges)
    proc_mh = _in_ranges(proc, rules.procedure_ranges)
    if rules.procedure_codes:
        proc_mh = proc_mh | proc.isin(rules.procedure_codes)
    rev_mh = _in_ranges(rev, rules.revenue_ranges)
    if rules.revenue_codes:
        rev_mh = rev_mh | rev.isin(rules.revenue_codes)
    side = ibis.cases(
        (dx.notnull() & dx_ok & dx_mh, ibis.literal(MHSUD)),
        (dx.notnull() & dx_ok, ibis.literal(MS)),
        (dx.notnull(), _NULL),
        (proc.notnull() & proc_mh, ibis.literal(MHSUD)),
        (proc.notnull(), ibis.literal(MS)),
        (rev.notnull() & rev_mh, ibis.literal(MHSUD)),
        (rev.notnull(), ibis.literal(MS)),
        else_=_NULL,
    )
    rule = ibis.cases(
        (dx.notnull() & dx_ok, ibis.literal("diagnosis")),
        (dx.notnull(), ibis.literal(UNMAPPED)),
        (proc.notnull(), ibis.literal("procedure")),
        (rev.notnull(), ibis.literal("revenue_code")),
        else_=ibis.literal(UNMAPPED),
    )
    return side, rule


def _mapped(value: ir.StringValue, mapping: dict[str, str]) -> ir.StringValue:
    if not mapping:
        return _NULL
    return value.substitute(mapping, else_=_NULL)


def _setting(t: ir.Table, rules: RuleSet) -> tuple[ir.Value, ir.Value]:
    pos = _col(t, C.PLACE_OF_SERVICE)
    rev = _col(t, C.REVENUE_CODE)
    bill = _col(t, C.BILL_TYPE)
    pos_setting = _mapped(pos, dict(rules.place_of_service))
    bill_setting = _mapped(bill.substr(0, 2), dict(rules.bill_type_prefixes))
    rev_er = ibis.literal(False)
    for prefix in rules.emergency_revenue_prefixes:
        rev_er = rev_er | rev.startswith(prefix)
    rev_er = rev_er.fill_null(False)
    pharmacy = (t[C.CLAIM_TYPE] == "pharmacy").fill_null(False)
    setting = ibis.cases(
        (pharmacy, ibis.literal("prescription_drugs")),
        (pos_setting.notnull(), pos_setting),
        (rev_er, ibis.literal("emergency")),
        (bill_setting.notnull(), bill_setting),
        else_=_NULL,
    )
    rule = ibis.cases(
        (pharmacy, ibis.literal("claim_type")),
        (pos_setting.notnull(), ibis.literal("place_of_service")),
        (rev_er, ibis.literal("revenue_code")),
        (bill_setting.notnull(), ibis.literal("bill_type")),
        else_=ibis.literal(UNMAPPED),
    )
    return setting, rule


def _classification(setting: ir.StringValue, network: ir.StringValue) -> tuple[Any, Any]:
    inn = network == "in"
    out = network == "out"
    outpatient = setting.isin(("office_visits", "all_other_outpatient"))
    classification = ibis.cases(
        (setting == "prescription_drugs", ibis.literal("prescription_drugs")),
        (setting == "emergency", ibis.literal("emergency")),
        ((setting == "inpatient") & inn, ibis.literal("inpatient_in_network")),
        ((setting == "inpatient") & out, ibis.literal("inpatient_out_of_network")),
        (outpatient & inn, ibis.literal("outpatient_in_network")),
        (outpatient & out, ibis.literal("outpatient_out_of_network")),
        else_=_NULL,
    )
    sub = ibis.cases(
        (outpatient & (inn | out), setting),
        else_=_NULL,
    )
    return classification, sub


def classify_claims(
    claims: Any,
    *,
    rules: RuleSet | str | os.PathLike[str] | None = None,
    unmapped: Unmapped = "raise",
) -> ir.Table:
    """Add ``side``, ``classification``, ``sub_classification`` and ``classified_by``.

    Parameters
    ----------
    claims : ibis Table, ClaimsValidation, path or DataFrame
        Claim lines in the claims contract (a path or DataFrame is scanned and validated with
        ``errors="raise"`` first).
    rules : RuleSet or path to a rules YAML file, optional
        Code sets to use; default the bundled rule set (:data:`paritykit.RULES_VERSION`). Its
        ``name@version`` goes into the ``ruleset_version`` column of every line.
    unmapped : {"raise", "flag"}
        A line no rule can place (malformed diagnosis, no code at all, an unknown place of
        service without a usable bill type, a missing network status for in/outpatient care):
        ``"raise"`` counts such lines in the engine and raises :class:`UnmappedCodeError` with
        examples; ``"flag"`` keeps them with null ``side``/``classification`` and ``unmapped``
        in ``classified_by``.

    Returns
    -------
    ibis Table
        The lazy input with the columns of :data:`CLASSIFIED_COLUMNS` added.

    Examples
    --------
    >>> import pandas as pd
    >>> from paritykit.load.claims import scan_claims
    >>> df = pd.DataFrame({"claim_id": ["c1", "c2"], "line_number": [1, 1],
    ...     "plan_id": ["p", "p"], "service_date": ["2024-01-05"] * 2,
    ...     "diagnosis_code": ["f32.9", "I10"], "procedure_code": ["90837", "90837"],
    ...     "place_of_service": ["11", "23"], "claim_type": ["professional"] * 2,
    ...     "network_status": ["out", "in"], "status": ["paid", "paid"],
    ...     "billed_amount": [100.0, 80.0], "allowed_amount": [60.0, 50.0]})
    >>> out = classify_claims(scan_claims(df)).to_pandas()
    >>> out[["side", "classification", "classified_by"]].values.tolist()
    [['mhsud', 'outpatient_out_of_network', 'diagnosis+place_of_service'], \
['ms', 'emergency', 'diagnosis+place_of_service']]
    """
    if unmapped not in ("raise", "flag"):
        raise ConfigurationError(f"unmapped={unmapped!r}; expected 'raise' or 'flag'.")
    rule_set = _as_rules(rules)
    t = as_claims_table(claims)
    side, side_rule = _side(t, rule_set)
    setting, setting_rule = _setting(t, rule_set)
    classification, sub = _classification(setting, t[C.NETWORK_STATUS])
    out = t.mutate(
        **{
            C.SIDE: side,
            C.CLASSIFICATION: classification,
            C.SUB_CLASSIFICATION: sub,
            C.CLASSIFIED_BY: side_rule.concat("+", setting_rule),
            C.RULESET_VERSION: ibis.literal(rule_set.label),
        }
    )
    if unmapped == "raise":
        _raise_unmapped(out, rule_set)
    return out


def _raise_unmapped(out: ir.Table, rules: RuleSet) -> None:
    bad = out[C.SIDE].isnull() | out[C.CLASSIFICATION].isnull()
    counts = out.aggregate(
        n=bad.cast("int64").sum(),
        total=out.count(),
    ).to_pandas()
    n = counts["n"].iloc[0]
    if pd.isna(n) or int(n) == 0:
        return
    shown_cols = [
        c
        for c in (
            C.CLAIM_ID,
            C.LINE_NUMBER,
            C.DIAGNOSIS_CODE,
            C.PROCEDURE_CODE,
            C.REVENUE_CODE,
            C.PLACE_OF_SERVICE,
            C.BILL_TYPE,
            C.CLAIM_TYPE,
            C.NETWORK_STATUS,
            C.CLASSIFIED_BY,
        )
        if c in out.columns
    ]
    examples = out.filter(bad).select(*shown_cols).limit(5).to_pandas()
    listed = "; ".join(
        ", ".join(f"{k}={v!r}" for k, v in rec.items() if v is not None and not pd.isna(v))
        for rec in examples.to_dict("records")
    )
    raise UnmappedCodeError(
        f"{int(n):,} of {int(counts['total'].iloc[0]):,} claim line(s) could not be classified "
        f"with rules {rules.label}, e.g. {listed}. Fix the codes, add the missing codes to a "
        "copy of the rule set and pass rules=..., or pass unmapped='flag' to keep these lines "
        "with a null side/classification."
    )
