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
    3. ``revenue_code``: revenue code 045x -> emergency; a level-of-care revenue code:
       0905/0906 intensive outpatient and 0912/0913 partial hospitalization -> other
       outpatient, 1001/1002 residential treatment -> inpatient.
    4. ``bill_type``: type of bill 11x -> inpatient, 13x -> other outpatient, 86x (residential
       facility) -> inpatient.
    5. ``procedure``: a level-of-care HCPCS code: H0017/H0018/H0019 residential -> inpatient,
       H0015/S9480 intensive outpatient and H0035/S0201 partial hospitalization -> other
       outpatient.
    6. ``unmapped``.

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
from paritykit.load.claims import STORED_CLASSIFICATION, substring
from paritykit.vocab import MHSUD, MS

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "CLASSIFIED_COLUMNS",
    "UNMAPPED",
    "as_claims_table",
    "classification_fingerprint",
    "classify_claims",
    "raise_if_unmapped",
]

Unmapped = Literal["raise", "flag"]
#: Columns :func:`classify_claims` adds.
CLASSIFIED_COLUMNS: tuple[str, ...] = (*STORED_CLASSIFICATION, C.RULESET_VERSION)
#: The rule name recorded when no rule could decide.
UNMAPPED = "unmapped"
#: Shape of a diagnosis code after normalization (letter, digit, then 1-5 letters/digits).
DIAGNOSIS_PATTERN = r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$"
_NULL = ibis.null(dt.string)
_SIDE_RULE, _SETTING, _SETTING_RULE = "_side_rule", "_setting", "_setting_rule"
_DX, _PROC, _REV, _POS, _BILL = (
    "_dx_side",
    "_proc_side",
    "_rev_side",
    "_pos_setting",
    "_bill_setting",
)
_REV_ER, _PHARMACY = "_rev_emergency", "_pharmacy"
_REV_SETTING, _PROC_SETTING = "_rev_setting", "_proc_setting"
_FACTS = (_DX, _PROC, _REV, _POS, _BILL, _REV_ER, _PHARMACY, _REV_SETTING, _PROC_SETTING)


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
    from paritykit.load.prepare import recorded_validation

    name = os.fspath(claims) if isinstance(claims, (str, os.PathLike)) else "<DataFrame>"
    scanned = scan_claims(claims, engine=engine)
    if recorded_validation(scanned) is not None:  # a prepared file: validated when written
        return scanned
    return validate_claims(scanned, errors="raise", source=name).table


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


def _kind(value: ir.StringValue, is_mh: ir.BooleanValue) -> ir.StringValue:
    return ibis.cases((value.isnull(), _NULL), (is_mh, ibis.literal(MHSUD)), else_=ibis.literal(MS))


def _helpers(t: ir.Table, rules: RuleSet) -> dict[str, ir.Value]:
    """Per-line facts each computed once: what each code says about side and setting."""
    dx = t[C.DIAGNOSIS_CODE]
    proc = _col(t, C.PROCEDURE_CODE)
    rev = _col(t, C.REVENUE_CODE)
    pos = _col(t, C.PLACE_OF_SERVICE)
    bill = _col(t, C.BILL_TYPE)
    # the shape of DIAGNOSIS_PATTERN, with comparisons instead of a regular expression
    dx_ok = (
        dx.length().between(3, 7)
        & substring(dx, 1, 1).between("A", "Z")
        & substring(dx, 2, 1).between("0", "9")
        & (dx.upper() == dx)
    )
    dx_mh = _in_ranges(substring(dx, 1, 3), rules.diagnosis_ranges)
    proc_mh = _in_ranges(proc, rules.procedure_ranges)
    if rules.procedure_codes:
        proc_mh = proc_mh | proc.isin(rules.procedure_codes)
    rev_mh = _in_ranges(rev, rules.revenue_ranges)
    if rules.revenue_codes:
        rev_mh = rev_mh | rev.isin(rules.revenue_codes)
    rev_er = ibis.literal(False)
    for prefix in rules.emergency_revenue_prefixes:
        rev_er = rev_er | rev.startswith(prefix)
    return {
        _DX: ibis.cases(
            (dx.isnull(), _NULL),
            (dx_ok & dx_mh, ibis.literal(MHSUD)),
            (dx_ok, ibis.literal(MS)),
            else_=ibis.literal(UNMAPPED),
        ),
        _PROC: _kind(proc, proc_mh),
        _REV: _kind(rev, rev_mh),
        _POS: _mapped(pos, dict(rules.place_of_service)),
        _BILL: _mapped(substring(bill, 1, 2), dict(rules.bill_type_prefixes)),
        _REV_ER: rev_er.fill_null(False),
        _REV_SETTING: _mapped(rev, dict(rules.revenue_settings)),
        _PROC_SETTING: _mapped(proc, dict(rules.procedure_settings)),
        _PHARMACY: (t[C.CLAIM_TYPE] == "pharmacy").fill_null(False),
    }


def _side(t: ir.Table) -> tuple[ir.Value, ir.Value]:
    dx, proc, rev = t[_DX], t[_PROC], t[_REV]
    side = ibis.cases(
        (dx == UNMAPPED, _NULL),
        (dx.notnull(), dx),
        (proc.notnull(), proc),
        else_=rev,
    )
    rule = ibis.cases(
        (dx == UNMAPPED, ibis.literal(UNMAPPED)),
        (dx.notnull(), ibis.literal("diagnosis")),
        (proc.notnull(), ibis.literal("procedure")),
        (rev.notnull(), ibis.literal("revenue_code")),
        else_=ibis.literal(UNMAPPED),
    )
    return side, rule


def _mapped(value: ir.StringValue, mapping: dict[str, str]) -> ir.StringValue:
    """Look ``value`` up in ``mapping`` with one IN-list per target (cheaper than a long CASE)."""
    if not mapping:
        return _NULL
    targets: dict[str, list[str]] = {}
    for key, target in mapping.items():
        targets.setdefault(target, []).append(key)
    return ibis.cases(
        *((value.isin(keys), ibis.literal(target)) for target, keys in targets.items()),
        else_=_NULL,
    )


def _setting(t: ir.Table) -> tuple[ir.Value, ir.Value]:
    pharmacy, pos, rev_er, bill = t[_PHARMACY], t[_POS], t[_REV_ER], t[_BILL]
    rev, proc = t[_REV_SETTING], t[_PROC_SETTING]
    setting = ibis.cases(
        (pharmacy, ibis.literal("prescription_drugs")),
        (pos.notnull(), pos),
        (rev_er, ibis.literal("emergency")),
        (rev.notnull(), rev),
        (bill.notnull(), bill),
        else_=proc,
    )
    rule = ibis.cases(
        (pharmacy, ibis.literal("claim_type")),
        (pos.notnull(), ibis.literal("place_of_service")),
        (rev_er | rev.notnull(), ibis.literal("revenue_code")),
        (bill.notnull(), ibis.literal("bill_type")),
        (proc.notnull(), ibis.literal("procedure")),
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


_CLASSIFICATION_FINGERPRINTS: dict[int, tuple[RuleSet, str]] = {}


def classification_fingerprint(rules: RuleSet | str | os.PathLike[str] | None = None) -> str:
    """Return a fingerprint of what decides a line's classification under ``rules``.

    A hash of the rule set's name, version and code sets (not its CARC denial groups, which
    do not classify) and of the source text of this module's classification code. A prepared
    file records the fingerprint of the rule set that classified it; :func:`classify_claims`
    reuses the stored classification only when the fingerprints match.

    Examples
    --------
    >>> classification_fingerprint().startswith("sha256:")
    True
    >>> import dataclasses
    >>> other = dataclasses.replace(default_rules(), place_of_service={"11": "office_visits"})
    >>> classification_fingerprint(other) == classification_fingerprint()
    False
    """
    from paritykit._fingerprint import fingerprint

    rule_set = _as_rules(rules)
    cached = _CLASSIFICATION_FINGERPRINTS.get(id(rule_set))
    if cached is not None and cached[0] is rule_set:
        return cached[1]
    parts = {
        "label": rule_set.label,
        "diagnosis_ranges": rule_set.diagnosis_ranges,
        "procedure_ranges": rule_set.procedure_ranges,
        "procedure_codes": rule_set.procedure_codes,
        "revenue_ranges": rule_set.revenue_ranges,
        "revenue_codes": rule_set.revenue_codes,
        "place_of_service": sorted(dict(rule_set.place_of_service).items()),
        "revenue_settings": sorted(dict(rule_set.revenue_settings).items()),
        "bill_type_prefixes": sorted(dict(rule_set.bill_type_prefixes).items()),
        "procedure_settings": sorted(dict(rule_set.procedure_settings).items()),
        "emergency_revenue_prefixes": rule_set.emergency_revenue_prefixes,
    }
    code = (_in_ranges, _kind, _helpers, _side, _mapped, _setting, _classification)
    found = fingerprint(parts, code)
    _CLASSIFICATION_FINGERPRINTS[id(rule_set)] = (rule_set, found)
    return found


def _reuse_stored(t: ir.Table, rules: RuleSet) -> ir.Table | None:
    """The stored classification of a prepared file, when ``rules`` made it; else ``None``."""
    from paritykit.load.claims import stored_classification

    found = stored_classification(t)
    if found is None:
        return None
    full, info = found
    if info.get("fingerprint") != classification_fingerprint(rules):
        return None
    return full.select(
        *t.columns,
        *STORED_CLASSIFICATION,
        **{C.RULESET_VERSION: ibis.literal(rules.label)},
    )


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
    stored = _reuse_stored(t, rule_set)
    if stored is not None:  # a prepared file, classified by these rules when it was written
        if unmapped == "raise":
            raise_if_unmapped(stored, rule_set)
        return stored
    # three projections, so the engine computes each fact once per line, not once per use
    facts = t.mutate(**_helpers(t, rule_set))
    side, side_rule = _side(facts)
    setting, setting_rule = _setting(facts)
    step = facts.mutate(
        **{C.SIDE: side, _SIDE_RULE: side_rule, _SETTING: setting, _SETTING_RULE: setting_rule}
    ).drop(*_FACTS)
    classification, sub = _classification(step[_SETTING], step[C.NETWORK_STATUS])
    out = step.mutate(
        **{
            C.CLASSIFICATION: classification,
            C.SUB_CLASSIFICATION: sub,
            C.CLASSIFIED_BY: step[_SIDE_RULE].concat("+", step[_SETTING_RULE]),
            C.RULESET_VERSION: ibis.literal(rule_set.label),
        }
    ).drop(_SIDE_RULE, _SETTING, _SETTING_RULE)
    if unmapped == "raise":
        raise_if_unmapped(out, rule_set)
    return out


def raise_if_unmapped(out: ir.Table, rules: RuleSet) -> None:
    """Raise :class:`UnmappedCodeError` (counts and examples) if any line is unclassified."""
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
