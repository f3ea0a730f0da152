"""Compare insurers' denial records from a CMS Transparency in Coverage public use file.

:func:`issuer_denials` takes the issuers and plans read by :func:`paritykit.read_tc_puf` and
returns, per issuer: in-network and out-of-network claim denial rates with Wilson intervals,
internal appeals filed and overturned, and the behavioral-health share of medical-necessity
denials; state and national pooled figures; each issuer compared with the rest of its state
and the rest of the nation (rate ratio with interval, p-value, Holm and Benjamini-Hochberg
adjustment across issuers); and the issuer's rank within its state.

Exclusions follow KFF's method when ``filters="kff"`` (see :data:`KFF_RULES`) and are always
listed with their reasons and the figures that led to them in ``exclusions``; nothing is
dropped silently. On the real PY2026 file the ``kff`` filter reproduces KFF's published 2024
edition exactly: 157 insurers, 451 million in-network claims received, 85 million (19%)
denied, 262,982 internal appeals filed.

The file counts **claims**, not people, and claims from one person or provider are not
independent. Intervals and p-values below treat claims as independent binomial trials, so they
are narrower than the real uncertainty; with millions of claims almost every difference is
"significant". Read the size of the rate ratio first.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from paritykit import columns as C
from paritykit.errors import ConfigurationError
from paritykit.load.tc_puf import NOT_IN_RELEASE, TcPuf

__all__ = [
    "KFF_MIN_CLAIMS",
    "KFF_MIN_ENROLLMENT",
    "KFF_RULES",
    "IssuerDenials",
    "issuer_denials",
    "issuer_relations",
    "suppress_issuer_denials",
]

Filters = Literal["kff", "none"]
Network = Literal["in_network", "out_of_network", "total"]

#: KFF drops issuers with fewer claims received than this (in-network claims where split).
KFF_MIN_CLAIMS: Final = 1000
#: The enrollment threshold of KFF's older methods text ("Enrollment Data" below 1,000). The
#: files since plan year 2024 report enrollment per plan, mostly masked, and KFF's 2024 edition
#: applies no enrollment test (its totals include issuers whose plans all report fewer than
#: 1,000 enrollees), so ``issuer_denials`` applies one only when ``min_enrollment`` is given.
KFF_MIN_ENROLLMENT: Final = 1000

#: Exclusion reasons, in the order they are checked, and what each means. Rules marked
#: ``always`` apply under ``filters="none"`` too, because no rate can be computed;
#: ``enrollment_below_minimum`` applies only when ``min_enrollment`` is given.
KFF_RULES: Final[dict[str, str]] = {
    "dental_only": "dental-only issuer (SADP_Only = Yes); KFF counts medical issuers only",
    "no_medical_plans": "no medical (QHP) plan of this issuer in the file",
    "no_individual_medical_plans": (
        "medical plans on the small-business (SHOP) sheet only; KFF counts individual-market "
        "(non-group) HealthCare.gov issuers"
    ),
    "claims_received_missing": "claims received missing or marked (always)",
    "claims_denied_missing": "claims denied missing or marked (always)",
    "claims_received_below_1000": "fewer than 1,000 claims received",
    "enrollment_below_minimum": "fewer enrollees than min_enrollment (only when it is given)",
    "denials_exceed_claims": "more claims denied than received: invalid data (always)",
}
_ALWAYS: Final = ("claims_received_missing", "claims_denied_missing", "denials_exceed_claims")

_NETWORK_COLUMNS: Final[dict[str, tuple[str, str]]] = {
    "in_network": (C.CLAIMS_RECEIVED_IN_NETWORK, C.CLAIMS_DENIED_IN_NETWORK),
    "out_of_network": (C.CLAIMS_RECEIVED_OUT_OF_NETWORK, C.CLAIMS_DENIED_OUT_OF_NETWORK),
    "total": (C.CLAIMS_RECEIVED_TOTAL, C.CLAIMS_DENIED_TOTAL),
}
_KEY: Final = [C.STATE, C.ISSUER_ID]

RATES_COLUMNS: Final[tuple[str, ...]] = (
    C.STATE,
    C.ISSUER_ID,
    C.ISSUER_NAME,
    C.NETWORK,
    C.CLAIMS_RECEIVED,
    C.CLAIMS_DENIED,
    C.DENIAL_RATE,
    C.CI_LOW,
    C.CI_HIGH,
    C.RANK_IN_STATE,
    C.ISSUERS_IN_STATE,
    C.NOTE,
)
ISSUER_COLUMNS: Final[tuple[str, ...]] = (
    C.STATE,
    C.ISSUER_ID,
    C.ISSUER_NAME,
    C.ENROLLMENT,
    C.INTERNAL_APPEALS_FILED,
    C.INTERNAL_APPEALS_OVERTURNED,
    C.OVERTURN_RATE,
    C.OVERTURN_CI_LOW,
    C.OVERTURN_CI_HIGH,
    C.APPEAL_RATE,
    C.EXTERNAL_APPEALS_FILED,
    C.EXTERNAL_APPEALS_OVERTURNED,
    C.MN_DENIALS_BH,
    C.MN_DENIALS_OTHER,
    C.BH_SHARE,
    C.BH_SHARE_CI_LOW,
    C.BH_SHARE_CI_HIGH,
    C.PLANS_REPORTING_MN,
    C.PLANS_NOT_REPORTING_MN,
    C.NOTE,
)
POOLED_COLUMNS: Final[tuple[str, ...]] = (
    C.SCOPE,
    C.STATE,
    C.NETWORK,
    C.ISSUERS_POOLED,
    C.CLAIMS_RECEIVED,
    C.CLAIMS_DENIED,
    C.DENIAL_RATE,
    C.CI_LOW,
    C.CI_HIGH,
)
POOLED_APPEALS_COLUMNS: Final[tuple[str, ...]] = (
    C.SCOPE,
    C.STATE,
    C.ISSUERS_POOLED,
    C.INTERNAL_APPEALS_FILED,
    C.APPEALS_FILED_WITH_OVERTURNED,
    C.INTERNAL_APPEALS_OVERTURNED,
    C.OVERTURN_RATE,
    C.OVERTURN_CI_LOW,
    C.OVERTURN_CI_HIGH,
    C.MN_DENIALS_BH,
    C.MN_DENIALS_OTHER,
    C.BH_SHARE,
    C.BH_SHARE_CI_LOW,
    C.BH_SHARE_CI_HIGH,
)
COMPARISON_COLUMNS: Final[tuple[str, ...]] = (
    C.STATE,
    C.ISSUER_ID,
    C.ISSUER_NAME,
    C.NETWORK,
    C.REFERENCE,
    C.CLAIMS_RECEIVED,
    C.CLAIMS_DENIED,
    C.DENIAL_RATE,
    C.REFERENCE_CLAIMS_RECEIVED,
    C.REFERENCE_CLAIMS_DENIED,
    C.REFERENCE_RATE,
    C.RATE_RATIO,
    C.RATE_RATIO_CI_LOW,
    C.RATE_RATIO_CI_HIGH,
    C.P_VALUE,
    C.P_HOLM,
    C.P_BH,
    C.FLAGGED,
    C.NOTE,
)
EXCLUSION_COLUMNS: Final[tuple[str, ...]] = (
    C.STATE,
    C.ISSUER_ID,
    C.ISSUER_NAME,
    C.EXCLUSION_REASON,
    C.EXCLUSION_REASONS_ALL,
    C.DETAIL,
)


@dataclass(frozen=True)
class IssuerDenials:
    """Issuer denial rates, appeals and comparisons from a TC-PUF file.

    Attributes
    ----------
    rates : pandas.DataFrame
        One row per included issuer and network (``in_network``, ``out_of_network``; ``total``
        for releases without the split): claims received and denied, ``denial_rate`` with its
        Wilson interval, ``rank_in_state`` (1 = highest denial rate among the state's issuers
        with a rate for that network) and ``issuers_in_state``.
    issuers : pandas.DataFrame
        One row per included issuer: enrollment, internal appeals filed and overturned with
        the overturn rate (Wilson interval), ``appeal_rate`` (internal appeals filed per claim
        denied in the headline network, KFF's convention), external appeals, and the
        behavioral-health share of medical-necessity denials summed over its medical plans that
        report both medical-necessity reasons (Wilson interval).
    pooled : pandas.DataFrame
        Denial rates pooled over included issuers, per state and nationally (``scope``).
    pooled_appeals : pandas.DataFrame
        Appeals and behavioral-health share pooled per state and nationally:
        ``internal_appeals_filed`` sums every issuer that reports the number (KFF's total);
        the overturn rate is ``internal_appeals_overturned`` over
        ``internal_appeals_filed_with_overturned``, the appeals of issuers that report both.
    comparisons : pandas.DataFrame
        Each issuer against the rest of its state and the rest of the nation (the reference
        pool leaves the issuer out): rate ratio with a log-scale (Katz) interval, two-sided
        two-proportion z-test p-value, Holm (``p_holm``) and Benjamini-Hochberg (``p_bh``)
        adjustment across issuers within each network and reference, ``flagged`` when
        ``p_holm < alpha``.
    exclusions : pandas.DataFrame
        Every issuer left out, with its first ``reason`` (a key of :data:`KFF_RULES`), all
        reasons that apply, and a plain-language ``detail`` with the figures that led to it
        (the marker, the count, or "enrollment reported for 7 of 7 plans").
    filters, alpha, networks, layout, plan_year, source, stats_backend
        Settings and provenance.
    """

    rates: pd.DataFrame
    issuers: pd.DataFrame
    pooled: pd.DataFrame
    pooled_appeals: pd.DataFrame
    comparisons: pd.DataFrame
    exclusions: pd.DataFrame
    filters: str
    alpha: float
    networks: tuple[str, ...]
    layout: str
    plan_year: int | None
    source: str
    stats_backend: str

    def to_frame(self) -> pd.DataFrame:
        """Return the per-issuer denial rates (``rates``, a copy)."""
        return self.rates.copy()

    def national(self, network: str | None = None) -> pd.Series:
        """Return the national pooled row for ``network`` (default: the headline network)."""
        network = network or self.networks[0]
        rows = self.pooled[
            (self.pooled[C.SCOPE] == "national") & (self.pooled[C.NETWORK] == network)
        ]
        if rows.empty:
            raise ConfigurationError(
                f"network {network!r} is not in this result; expected one of {self.networks}."
            )
        return rows.iloc[0]

    def summary(self) -> str:
        """Return a short plain-text summary."""
        head = self.networks[0]
        nat = self.national(head)
        reasons = self.exclusions[C.EXCLUSION_REASON].value_counts()
        excl = ", ".join(f"{k}: {v}" for k, v in reasons.items()) or "none"
        year = f"plan year {self.plan_year}" if self.plan_year else "unknown plan year"
        return (
            f"TC-PUF issuer denials ({self.source}, {year}; filters={self.filters}).\n"
            f"Issuers included: {len(self.issuers)}; excluded: {len(self.exclusions)} "
            f"({excl}).\n"
            f"National {head.replace('_', '-')} denial rate: {nat[C.DENIAL_RATE]:.4f} "
            f"({nat[C.CLAIMS_DENIED]:,.0f} of {nat[C.CLAIMS_RECEIVED]:,.0f} claims; "
            f"{int(nat[C.ISSUERS_POOLED])} issuers).\n"
            "Self-reported, unaudited figures; claims are not independent, so intervals are "
            "too narrow. Differences are warning signs, not proof of a parity violation."
        )

    def __repr__(self) -> str:
        return f"<IssuerDenials {self.summary().splitlines()[0]}>"

    def _repr_html_(self) -> str:
        text = "<br>".join(html.escape(line) for line in self.summary().splitlines())
        return f"<p>{text}</p>{self.rates.head(20).to_html(index=False)}"


# --- statistics helpers ----------------------------------------------------------------------
def _stats_backend() -> str:
    """Name the library that computed intervals and tests (recorded for provenance)."""
    return "statsmodels (proportion_confint wilson, multipletests); scipy normal z-test"


def _wilson(count: pd.Series, nobs: pd.Series, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval; NaN where nobs is missing or zero."""
    from statsmodels.stats.proportion import proportion_confint

    k = count.to_numpy(dtype="float64")
    n = nobs.to_numpy(dtype="float64")
    ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0) & (k <= n)
    low = np.full(k.shape, np.nan)
    high = np.full(k.shape, np.nan)
    if ok.any():
        lo, hi = proportion_confint(k[ok], n[ok], alpha=alpha, method="wilson")
        low[ok] = lo
        high[ok] = hi
    return low, high


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    num = num.astype("float64")
    den = den.astype("float64")
    return (num / den).where(den > 0)


def _compare(
    d1: np.ndarray, n1: np.ndarray, d2: np.ndarray, n2: np.ndarray, alpha: float
) -> tuple[np.ndarray, ...]:
    """Rate ratio with Katz log interval and pooled two-proportion z-test p-value."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = d1 / n1
        p2 = d2 / n2
        rr = p1 / p2
        se = np.sqrt(1 / d1 - 1 / n1 + 1 / d2 - 1 / n2)
        z = sps.norm.ppf(1 - alpha / 2)
        low = np.exp(np.log(rr) - z * se)
        high = np.exp(np.log(rr) + z * se)
        pooled = (d1 + d2) / (n1 + n2)
        se0 = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        stat = (p1 - p2) / se0
        p = 2 * sps.norm.sf(np.abs(stat))
    ok = (d1 > 0) & (d2 > 0) & (n1 > 0) & (n2 > 0)
    low = np.where(ok, low, np.nan)
    high = np.where(ok, high, np.nan)
    rr = np.where((n1 > 0) & (n2 > 0) & (d2 > 0), rr, np.nan)
    p = np.where((n1 > 0) & (n2 > 0) & (se0 > 0), p, np.nan)
    return rr, low, high, p


def _adjust(p: pd.Series, method: str) -> pd.Series:
    from statsmodels.stats.multitest import multipletests

    out = pd.Series(np.nan, index=p.index, dtype="float64")
    ok = p.notna()
    if ok.any():
        out[ok] = multipletests(p[ok].to_numpy(), method=method)[1]
    return out


# --- main function ---------------------------------------------------------------------------
def issuer_denials(
    puf: TcPuf,
    *,
    filters: Filters = "kff",
    alpha: float = 0.05,
    min_enrollment: int | None = None,
) -> IssuerDenials:
    """Denial rates, appeals and comparisons per issuer from a TC-PUF file.

    Parameters
    ----------
    puf : TcPuf
        As returned by :func:`paritykit.read_tc_puf`.
    filters : {"kff", "none"}
        ``"kff"`` applies KFF's exclusions (:data:`KFF_RULES`) as they reproduce its published
        totals: individual-market medical issuers only (drop dental-only issuers and issuers
        whose medical plans are all on the SHOP sheet); drop issuers with claims received or
        denied missing or marked, with fewer than 1,000 claims received, or with more denials
        than claims. Where the release splits claims by network the criteria use in-network
        claims, as KFF does. ``"none"`` keeps every issuer whose headline rate can be computed
        (dental-only and SHOP-only issuers included). Either way every exclusion is listed
        with its reason and the figures behind it.
    alpha : float
        1 - confidence level of intervals, and the threshold for ``flagged`` (Holm-adjusted).
    min_enrollment : int, optional
        Also drop issuers whose enrollment is known to be below this (for example
        :data:`KFF_MIN_ENROLLMENT`, the test of KFF's older methods). Enrollment is known only
        when every medical plan of the issuer reports a number; a masked plan is unknown, not
        small, so an issuer with masked plans is kept (and its ``note`` says how many plans
        report enrollment) unless the plans that do report already reach the minimum.

    Returns
    -------
    IssuerDenials

    Examples
    --------
    >>> import pandas as pd
    >>> from paritykit.load.tc_puf import TcPuf, ISSUER_COUNT_COLUMNS, PLAN_COUNT_COLUMNS
    >>> def issuer(state, iid, received, denied):
    ...     row = {"state": state, "issuer_id": iid, "issuer_name": iid,
    ...            "dental_only": False, "has_medical_plans": True, "enrollment": 5000.0}
    ...     for c in ISSUER_COUNT_COLUMNS:
    ...         row[c] = 100.0; row[c + "_marker"] = None
    ...     row.update(claims_received_in_network=received, claims_denied_in_network=denied)
    ...     return row
    >>> issuers = pd.DataFrame([issuer("OH", "1", 10000.0, 1500.0),
    ...                         issuer("OH", "2", 20000.0, 2000.0),
    ...                         issuer("TX", "3", 500.0, 50.0)])
    >>> plans = pd.DataFrame(columns=["state", "issuer_id", "product_type", *PLAN_COUNT_COLUMNS])
    >>> puf = TcPuf(issuers=issuers, plans=plans, layout="py2024", plan_year=2024, source="toy")
    >>> result = issuer_denials(puf)
    >>> result.exclusions[["issuer_id", "reason"]].to_dict("records")
    [{'issuer_id': '3', 'reason': 'claims_received_below_1000'}]
    >>> round(float(result.national()["denial_rate"]), 4)
    0.1167
    """
    if filters not in ("kff", "none"):
        raise ConfigurationError(f"filters must be 'kff' or 'none'; got {filters!r}.")
    if not 0 < alpha < 1:
        raise ConfigurationError(f"alpha must be between 0 and 1; got {alpha!r}.")
    if min_enrollment is not None and (
        isinstance(min_enrollment, bool)
        or not isinstance(min_enrollment, int | np.integer)
        or min_enrollment < 0
    ):
        raise ConfigurationError(
            f"min_enrollment must be a whole number of enrollees (0 or more), or None for no "
            f"enrollment test; got {min_enrollment!r}."
        )  # fmt: skip
    issuers = _with_defaults(puf.issuers.copy())
    split = not (
        issuers.get(C.CLAIMS_RECEIVED_IN_NETWORK + C.MARKER_SUFFIX, pd.Series(dtype=object))
        .eq(NOT_IN_RELEASE)
        .all()
    )
    networks: tuple[str, ...] = ("in_network", "out_of_network") if split else ("total",)
    head_received, head_denied = _NETWORK_COLUMNS[networks[0]]

    keep, exclusions = _apply_filters(issuers, filters, head_received, head_denied, min_enrollment)
    included = issuers.loc[keep].reset_index(drop=True)

    rates = _rates(included, networks, alpha)
    per_issuer = _issuer_measures(included, puf.plans, head_denied, alpha, min_enrollment)
    pooled = _pooled(rates, networks, alpha)
    pooled_appeals = _pooled_appeals(per_issuer, alpha)
    comparisons = _comparisons(rates, alpha)
    return IssuerDenials(
        rates=rates,
        issuers=per_issuer,
        pooled=pooled,
        pooled_appeals=pooled_appeals,
        comparisons=comparisons,
        exclusions=exclusions,
        filters=filters,
        alpha=alpha,
        networks=networks,
        layout=puf.layout,
        plan_year=puf.plan_year,
        source=puf.source,
        stats_backend=_stats_backend(),
    )


def _with_defaults(issuers: pd.DataFrame) -> pd.DataFrame:
    """Fill columns an issuers frame built by hand may lack (older readers, doctests)."""
    if C.HAS_INDIVIDUAL_MEDICAL_PLANS not in issuers:
        issuers[C.HAS_INDIVIDUAL_MEDICAL_PLANS] = issuers[C.HAS_MEDICAL_PLANS]
    if C.ENROLLMENT_REPORTED not in issuers:
        issuers[C.ENROLLMENT_REPORTED] = issuers[C.ENROLLMENT]
    for col in (C.ENROLLMENT_PLANS, C.ENROLLMENT_PLANS_REPORTED):
        if col not in issuers:
            issuers[col] = pd.NA
    return issuers


def _plans_reporting(issuers: pd.DataFrame, i: object) -> str:
    """``enrollment reported for 4 of 49 plans`` (empty when the counts are not known)."""
    of, n = issuers.at[i, C.ENROLLMENT_PLANS_REPORTED], issuers.at[i, C.ENROLLMENT_PLANS]
    if pd.isna(of) or pd.isna(n):
        return ""
    return f"enrollment reported for {int(of)} of {int(n)} plan{'s' if int(n) != 1 else ''}"


def _apply_filters(
    issuers: pd.DataFrame,
    filters: str,
    received_col: str,
    denied_col: str,
    min_enrollment: int | None,
) -> tuple[pd.Series, pd.DataFrame]:
    received = issuers[received_col]
    denied = issuers[denied_col]
    enrollment = issuers[C.ENROLLMENT]  # known only when every plan reports a number
    checks: dict[str, pd.Series] = {
        "dental_only": issuers[C.DENTAL_ONLY].astype(bool),
        "no_medical_plans": ~issuers[C.HAS_MEDICAL_PLANS].astype(bool),
        "no_individual_medical_plans": ~issuers[C.HAS_INDIVIDUAL_MEDICAL_PLANS].astype(bool),
        "claims_received_missing": received.isna(),
        "claims_denied_missing": denied.isna(),
        "claims_received_below_1000": received < KFF_MIN_CLAIMS,
        "enrollment_below_minimum": (
            enrollment < min_enrollment
            if min_enrollment is not None
            else pd.Series(False, index=issuers.index)
        ),
        "denials_exceed_claims": denied > received,
    }
    active = [
        k
        for k in KFF_RULES
        if (filters == "kff" and k != "enrollment_below_minimum")
        or k in _ALWAYS
        or (k == "enrollment_below_minimum" and min_enrollment is not None)
    ]
    hits = pd.DataFrame({k: checks[k].fillna(False).astype(bool) for k in active})
    excluded = hits.any(axis=1)
    rows = []
    for i in issuers.index[excluded]:
        reasons = [k for k in active if hits.at[i, k]]
        details = []
        for k in reasons:
            text = KFF_RULES[k].replace(" (always)", "")
            if k == "claims_received_missing":
                text += f" (marker {issuers.at[i, received_col + C.MARKER_SUFFIX]})"
            elif k == "claims_denied_missing":
                text += f" (marker {issuers.at[i, denied_col + C.MARKER_SUFFIX]})"
            elif k == "claims_received_below_1000":
                text += f" ({received[i]:,.0f})"
            elif k == "enrollment_below_minimum":
                plans = _plans_reporting(issuers, i)
                text = (
                    f"fewer than {min_enrollment:,} enrollees ({enrollment[i]:,.0f}"
                    f"{'; ' + plans if plans else ''})"
                )
            elif k == "denials_exceed_claims":
                text += f" ({denied[i]:,.0f} denied of {received[i]:,.0f})"
            details.append(text)
        rows.append(
            {
                C.STATE: issuers.at[i, C.STATE],
                C.ISSUER_ID: issuers.at[i, C.ISSUER_ID],
                C.ISSUER_NAME: issuers.at[i, C.ISSUER_NAME],
                C.EXCLUSION_REASON: reasons[0],
                C.EXCLUSION_REASONS_ALL: "; ".join(reasons),
                C.DETAIL: "; ".join(details),
            }
        )
    return ~excluded, pd.DataFrame(rows, columns=list(EXCLUSION_COLUMNS))


def _rates(included: pd.DataFrame, networks: tuple[str, ...], alpha: float) -> pd.DataFrame:
    parts = []
    for network in networks:
        rcol, dcol = _NETWORK_COLUMNS[network]
        part = included[[C.STATE, C.ISSUER_ID, C.ISSUER_NAME]].copy()
        part[C.NETWORK] = network
        part[C.CLAIMS_RECEIVED] = included[rcol].astype("float64")
        part[C.CLAIMS_DENIED] = included[dcol].astype("float64")
        invalid = part[C.CLAIMS_DENIED] > part[C.CLAIMS_RECEIVED]
        part.loc[invalid, C.CLAIMS_DENIED] = np.nan
        part[C.DENIAL_RATE] = _ratio(part[C.CLAIMS_DENIED], part[C.CLAIMS_RECEIVED])
        part[C.CI_LOW], part[C.CI_HIGH] = _wilson(
            part[C.CLAIMS_DENIED], part[C.CLAIMS_RECEIVED], alpha
        )
        notes = pd.Series(pd.NA, index=part.index, dtype="string")
        rmark = included[rcol + C.MARKER_SUFFIX].astype("string")
        dmark = included[dcol + C.MARKER_SUFFIX].astype("string")
        notes = notes.mask(
            part[C.CLAIMS_RECEIVED].isna(), "claims received missing (marker " + rmark + ")"
        )
        notes = notes.mask(
            notes.isna() & included[dcol].isna(), "claims denied missing (marker " + dmark + ")"
        )
        notes = notes.mask(notes.isna() & invalid, "more denials than claims: rate not computed")
        notes = notes.mask(
            notes.isna() & (part[C.CLAIMS_RECEIVED] == 0), "no claims received: rate undefined"
        )
        part[C.NOTE] = notes
        parts.append(part)
    rates = pd.concat(parts, ignore_index=True)
    ranked = rates[C.DENIAL_RATE].notna()
    group = rates.loc[ranked].groupby([C.NETWORK, C.STATE])[C.DENIAL_RATE]
    rates[C.RANK_IN_STATE] = group.rank(method="min", ascending=False).astype("Int64")
    rates[C.ISSUERS_IN_STATE] = group.transform("size").reindex(rates.index).astype("Int64")
    return rates[list(RATES_COLUMNS)].reset_index(drop=True)


def _issuer_measures(
    included: pd.DataFrame,
    plans: pd.DataFrame,
    head_denied: str,
    alpha: float,
    min_enrollment: int | None = None,
) -> pd.DataFrame:
    out = included[[C.STATE, C.ISSUER_ID, C.ISSUER_NAME, C.ENROLLMENT]].copy()
    filed = included[C.INTERNAL_APPEALS_FILED].astype("float64")
    over = included[C.INTERNAL_APPEALS_OVERTURNED].astype("float64")
    over = over.where(over <= filed)
    out[C.INTERNAL_APPEALS_FILED] = filed
    out[C.INTERNAL_APPEALS_OVERTURNED] = over
    out[C.OVERTURN_RATE] = _ratio(over, filed)
    out[C.OVERTURN_CI_LOW], out[C.OVERTURN_CI_HIGH] = _wilson(over, filed, alpha)
    out[C.APPEAL_RATE] = _ratio(filed, included[head_denied])
    out[C.EXTERNAL_APPEALS_FILED] = included[C.EXTERNAL_APPEALS_FILED].astype("float64")
    out[C.EXTERNAL_APPEALS_OVERTURNED] = included[C.EXTERNAL_APPEALS_OVERTURNED].astype("float64")
    # Behavioral-health share of medical-necessity denials, over medical plans reporting both.
    bh_col = C.DENIED_NOT_MEDICALLY_NECESSARY_BH_ONLY
    other_col = C.DENIED_NOT_MEDICALLY_NECESSARY_EXCLUDING_BH
    med = plans.loc[plans[C.PRODUCT_TYPE] == "QHP", [*_KEY, bh_col, other_col]].copy()
    med = med.merge(included[_KEY], on=_KEY, how="inner")
    both = med[bh_col].notna() & med[other_col].notna()
    med["_reporting"] = both.astype("int64")
    med["_bh"] = med[bh_col].where(both).astype("float64")
    med["_other"] = med[other_col].where(both).astype("float64")
    g = med.groupby(_KEY)
    agg = pd.DataFrame(
        {
            C.MN_DENIALS_BH: g["_bh"].sum(min_count=1),
            C.MN_DENIALS_OTHER: g["_other"].sum(min_count=1),
            C.PLANS_REPORTING_MN: g["_reporting"].sum(),
            C.PLANS_NOT_REPORTING_MN: g["_reporting"].agg(lambda s: int((s == 0).sum())),
        }
    ).reset_index()
    out = out.merge(agg, on=_KEY, how="left")
    for col in (C.PLANS_REPORTING_MN, C.PLANS_NOT_REPORTING_MN):
        out[col] = out[col].fillna(0).astype("int64")
    total_mn = out[C.MN_DENIALS_BH] + out[C.MN_DENIALS_OTHER]
    out[C.BH_SHARE] = _ratio(out[C.MN_DENIALS_BH], total_mn)
    out[C.BH_SHARE_CI_LOW], out[C.BH_SHARE_CI_HIGH] = _wilson(out[C.MN_DENIALS_BH], total_mn, alpha)
    notes = pd.Series(pd.NA, index=out.index, dtype="string")
    notes = notes.mask(out[C.PLANS_REPORTING_MN] == 0, "no plan reports both medical-necessity "
                       "reasons: behavioral-health share not computed")  # fmt: skip
    notes = notes.mask(
        notes.isna() & (total_mn == 0), "no medical-necessity denials: share undefined"
    )
    notes = notes.mask(
        notes.isna() & filed.isna(), "internal appeals missing or marked: overturn rate missing"
    )
    if min_enrollment is not None:
        # Kept although the plans that report enrollment add up to less than the minimum: the
        # masked plans are unknown, not small. Say so with the counts.
        low = included[C.ENROLLMENT].isna() & ~(
            included[C.ENROLLMENT_REPORTED] >= min_enrollment
        ).fillna(False)
        for i in included.index[low]:
            plans_text = _plans_reporting(included, i) or "enrollment not reported for every plan"
            seen = included.at[i, C.ENROLLMENT_REPORTED]
            sum_text = f"; those plans: {seen:,.0f} enrollees" if pd.notna(seen) else ""
            text = (
                f"enrollment unknown ({plans_text}{sum_text}): kept, a masked plan is not a "
                f"small one (min_enrollment {min_enrollment:,})"
            )
            notes[i] = text if pd.isna(notes[i]) else f"{notes[i]}; {text}"
    out[C.NOTE] = notes
    return out[list(ISSUER_COLUMNS)]


def _pooled(rates: pd.DataFrame, networks: tuple[str, ...], alpha: float) -> pd.DataFrame:
    usable = rates[rates[C.DENIAL_RATE].notna()]
    state = usable.groupby([C.STATE, C.NETWORK], sort=True).agg(
        **{
            C.ISSUERS_POOLED: (C.ISSUER_ID, "size"),
            C.CLAIMS_RECEIVED: (C.CLAIMS_RECEIVED, "sum"),
            C.CLAIMS_DENIED: (C.CLAIMS_DENIED, "sum"),
        }
    )
    state = state.reset_index()
    state[C.SCOPE] = "state"
    national = usable.groupby(C.NETWORK).agg(
        **{
            C.ISSUERS_POOLED: (C.ISSUER_ID, "size"),
            C.CLAIMS_RECEIVED: (C.CLAIMS_RECEIVED, "sum"),
            C.CLAIMS_DENIED: (C.CLAIMS_DENIED, "sum"),
        }
    )
    national = national.reindex(list(networks)).reset_index()
    national[C.ISSUERS_POOLED] = national[C.ISSUERS_POOLED].fillna(0)
    national[C.SCOPE] = "national"
    national[C.STATE] = pd.NA
    pooled = pd.concat([national, state], ignore_index=True)
    pooled[C.ISSUERS_POOLED] = pooled[C.ISSUERS_POOLED].astype("int64")
    pooled[C.DENIAL_RATE] = _ratio(pooled[C.CLAIMS_DENIED], pooled[C.CLAIMS_RECEIVED])
    pooled[C.CI_LOW], pooled[C.CI_HIGH] = _wilson(
        pooled[C.CLAIMS_DENIED], pooled[C.CLAIMS_RECEIVED], alpha
    )
    return pooled[list(POOLED_COLUMNS)]


def _pooled_appeals(per_issuer: pd.DataFrame, alpha: float) -> pd.DataFrame:
    frame = per_issuer.copy()
    # Appeals filed: every issuer that reports the number (KFF's total). Overturn rate: only
    # issuers that report both figures, so a masked overturned count is not read as zero.
    both = frame[C.INTERNAL_APPEALS_FILED].notna() & frame[C.INTERNAL_APPEALS_OVERTURNED].notna()
    frame["_filed"] = frame[C.INTERNAL_APPEALS_FILED]
    frame["_paired"] = frame[C.INTERNAL_APPEALS_FILED].where(both)
    frame["_over"] = frame[C.INTERNAL_APPEALS_OVERTURNED].where(both)
    mn = frame[C.MN_DENIALS_BH].notna() & frame[C.MN_DENIALS_OTHER].notna()
    frame["_bh"] = frame[C.MN_DENIALS_BH].where(mn)
    frame["_other"] = frame[C.MN_DENIALS_OTHER].where(mn)

    def agg(g: pd.core.groupby.DataFrameGroupBy | pd.DataFrame) -> pd.DataFrame:
        spec = {
            C.ISSUERS_POOLED: (C.ISSUER_ID, "size"),
            C.INTERNAL_APPEALS_FILED: ("_filed", "sum"),
            C.APPEALS_FILED_WITH_OVERTURNED: ("_paired", "sum"),
            C.INTERNAL_APPEALS_OVERTURNED: ("_over", "sum"),
            C.MN_DENIALS_BH: ("_bh", "sum"),
            C.MN_DENIALS_OTHER: ("_other", "sum"),
        }
        return g.agg(**spec)

    state = agg(frame.groupby(C.STATE, sort=True)).reset_index()
    state[C.SCOPE] = "state"
    national = agg(frame.assign(_all=1).groupby("_all")).reset_index(drop=True)
    national[C.SCOPE] = "national"
    national[C.STATE] = pd.NA
    out = pd.concat([national, state], ignore_index=True)
    out[C.ISSUERS_POOLED] = out[C.ISSUERS_POOLED].astype("int64")
    paired = out[C.APPEALS_FILED_WITH_OVERTURNED]
    out[C.OVERTURN_RATE] = _ratio(out[C.INTERNAL_APPEALS_OVERTURNED], paired)
    out[C.OVERTURN_CI_LOW], out[C.OVERTURN_CI_HIGH] = _wilson(
        out[C.INTERNAL_APPEALS_OVERTURNED], paired, alpha
    )
    total = out[C.MN_DENIALS_BH] + out[C.MN_DENIALS_OTHER]
    out[C.BH_SHARE] = _ratio(out[C.MN_DENIALS_BH], total)
    out[C.BH_SHARE_CI_LOW], out[C.BH_SHARE_CI_HIGH] = _wilson(out[C.MN_DENIALS_BH], total, alpha)
    return out[list(POOLED_APPEALS_COLUMNS)]


def _comparisons(rates: pd.DataFrame, alpha: float) -> pd.DataFrame:
    usable = rates[rates[C.DENIAL_RATE].notna()].copy()
    parts = []
    for reference, by in (("state", [C.NETWORK, C.STATE]), ("national", [C.NETWORK])):
        part = usable[
            [C.STATE, C.ISSUER_ID, C.ISSUER_NAME, C.NETWORK, C.CLAIMS_RECEIVED, C.CLAIMS_DENIED,
             C.DENIAL_RATE]
        ].copy()  # fmt: skip
        part[C.REFERENCE] = reference
        grouped = usable.groupby(by)
        ref_n = grouped[C.CLAIMS_RECEIVED].transform("sum") - usable[C.CLAIMS_RECEIVED]
        ref_d = grouped[C.CLAIMS_DENIED].transform("sum") - usable[C.CLAIMS_DENIED]
        others = grouped[C.ISSUER_ID].transform("size") - 1
        ref_n = ref_n.where(others > 0)
        ref_d = ref_d.where(others > 0)
        part[C.REFERENCE_CLAIMS_RECEIVED] = ref_n
        part[C.REFERENCE_CLAIMS_DENIED] = ref_d
        part[C.REFERENCE_RATE] = _ratio(ref_d, ref_n)
        rr, low, high, p = _compare(
            part[C.CLAIMS_DENIED].to_numpy(dtype="float64"),
            part[C.CLAIMS_RECEIVED].to_numpy(dtype="float64"),
            ref_d.to_numpy(dtype="float64"),
            ref_n.to_numpy(dtype="float64"),
            alpha,
        )
        part[C.RATE_RATIO] = rr
        part[C.RATE_RATIO_CI_LOW] = low
        part[C.RATE_RATIO_CI_HIGH] = high
        part[C.P_VALUE] = p
        note = pd.Series(pd.NA, index=part.index, dtype="string")
        where = "the state" if reference == "state" else "the file"
        note = note.mask(others == 0, f"only issuer with a rate in {where}: no comparison")
        note = note.mask(
            note.isna() & (part[C.CLAIMS_DENIED] == 0), "no denials: rate ratio interval undefined"
        )
        part[C.NOTE] = note
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out[C.P_HOLM] = np.nan
    out[C.P_BH] = np.nan
    for _, idx in out.groupby([C.REFERENCE, C.NETWORK]).groups.items():
        out.loc[idx, C.P_HOLM] = _adjust(out.loc[idx, C.P_VALUE], "holm")
        out.loc[idx, C.P_BH] = _adjust(out.loc[idx, C.P_VALUE], "fdr_bh")
    out[C.FLAGGED] = (out[C.P_HOLM] < alpha).fillna(False).astype(bool)
    return out[list(COMPARISON_COLUMNS)].reset_index(drop=True)


# --- small-cell suppression ------------------------------------------------------------------

#: Count columns of each table of an :class:`IssuerDenials`, and what each reveals.
_ISSUER_DEPENDENTS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "rates": {
        C.CLAIMS_RECEIVED: (C.DENIAL_RATE, C.CI_LOW, C.CI_HIGH),
        C.CLAIMS_DENIED: (C.DENIAL_RATE, C.CI_LOW, C.CI_HIGH),
    },
    "pooled": {
        C.CLAIMS_RECEIVED: (C.DENIAL_RATE, C.CI_LOW, C.CI_HIGH),
        C.CLAIMS_DENIED: (C.DENIAL_RATE, C.CI_LOW, C.CI_HIGH),
    },
    "issuers": {
        C.INTERNAL_APPEALS_FILED: (
            C.OVERTURN_RATE, C.OVERTURN_CI_LOW, C.OVERTURN_CI_HIGH, C.APPEAL_RATE,
        ),
        C.INTERNAL_APPEALS_OVERTURNED: (C.OVERTURN_RATE, C.OVERTURN_CI_LOW, C.OVERTURN_CI_HIGH),
        C.EXTERNAL_APPEALS_FILED: (),
        C.EXTERNAL_APPEALS_OVERTURNED: (),
        C.MN_DENIALS_BH: (C.BH_SHARE, C.BH_SHARE_CI_LOW, C.BH_SHARE_CI_HIGH),
        C.MN_DENIALS_OTHER: (C.BH_SHARE, C.BH_SHARE_CI_LOW, C.BH_SHARE_CI_HIGH),
    },
    "pooled_appeals": {
        C.INTERNAL_APPEALS_FILED: (C.OVERTURN_RATE, C.OVERTURN_CI_LOW, C.OVERTURN_CI_HIGH),
        C.INTERNAL_APPEALS_OVERTURNED: (C.OVERTURN_RATE, C.OVERTURN_CI_LOW, C.OVERTURN_CI_HIGH),
        C.MN_DENIALS_BH: (C.BH_SHARE, C.BH_SHARE_CI_LOW, C.BH_SHARE_CI_HIGH),
        C.MN_DENIALS_OTHER: (C.BH_SHARE, C.BH_SHARE_CI_LOW, C.BH_SHARE_CI_HIGH),
    },
    "comparisons": {
        name: (
            C.DENIAL_RATE, C.REFERENCE_RATE, C.RATE_RATIO, C.RATE_RATIO_CI_LOW,
            C.RATE_RATIO_CI_HIGH, C.P_VALUE, C.P_HOLM, C.P_BH,
        )
        for name in (
            C.CLAIMS_RECEIVED, C.CLAIMS_DENIED, C.REFERENCE_CLAIMS_RECEIVED,
            C.REFERENCE_CLAIMS_DENIED,
        )
    },
}  # fmt: skip


def issuer_relations(result: IssuerDenials) -> list:  # type: ignore[type-arg]
    """The sums a reader of the issuer tables can form, over cells ``((table, row), column)``.

    Issuers of a state add up to the state's pooled figures and states to the national ones
    (denials, appeals, medical-necessity denials); a comparison repeats the issuer's counts,
    and its reference counts are the pool minus the issuer's.
    """
    relations: list = []  # type: ignore[type-arg]

    def cell(table: str, i: object, column: str) -> tuple[tuple[str, object], str]:
        return ((table, i), column)

    rates, pooled = result.rates, result.pooled
    usable = rates[rates[C.DENIAL_RATE].notna()]
    pool_row: dict[tuple[object, object], object] = {}
    for i, rec in pooled.iterrows():
        key = (rec[C.NETWORK], None if rec[C.SCOPE] == "national" else rec[C.STATE])
        pool_row[key] = i
    for column in (C.CLAIMS_RECEIVED, C.CLAIMS_DENIED):
        for (network, state), rows in usable.groupby([C.NETWORK, C.STATE]).groups.items():
            if (network, state) in pool_row:
                relations.append(
                    (
                        *((cell("rates", i, column), 1.0) for i in rows),
                        (cell("pooled", pool_row[(network, state)], column), -1.0),
                    )
                )
        for network, rows in usable.groupby(C.NETWORK).groups.items():
            if (network, None) in pool_row:
                relations.append(
                    (
                        *((cell("rates", i, column), 1.0) for i in rows),
                        (cell("pooled", pool_row[(network, None)], column), -1.0),
                    )
                )
    rate_row = {(rec[C.STATE], rec[C.ISSUER_ID], rec[C.NETWORK]): i for i, rec in rates.iterrows()}
    for i, rec in result.comparisons.iterrows():
        own = rate_row.get((rec[C.STATE], rec[C.ISSUER_ID], rec[C.NETWORK]))
        if own is None:
            continue
        pool = pool_row.get((rec[C.NETWORK], rec[C.STATE] if rec[C.REFERENCE] == "state" else None))
        for count, reference in (
            (C.CLAIMS_RECEIVED, C.REFERENCE_CLAIMS_RECEIVED),
            (C.CLAIMS_DENIED, C.REFERENCE_CLAIMS_DENIED),
        ):
            relations.append(
                ((cell("comparisons", i, count), 1.0), (cell("rates", own, count), -1.0))
            )
            if pool is not None and pd.notna(rec[reference]):
                relations.append(
                    (
                        (cell("comparisons", i, reference), 1.0),
                        (cell("rates", own, count), 1.0),
                        (cell("pooled", pool, count), -1.0),
                    )
                )
    issuers, appeals = result.issuers, result.pooled_appeals
    appeal_row = {
        (None if rec[C.SCOPE] == "national" else rec[C.STATE]): i for i, rec in appeals.iterrows()
    }
    for pair in (
        (C.INTERNAL_APPEALS_FILED, C.INTERNAL_APPEALS_OVERTURNED),
        (C.MN_DENIALS_BH, C.MN_DENIALS_OTHER),
    ):
        both = issuers[issuers[list(pair)].notna().all(axis=1)]
        for column in pair:
            groups = [(s, rows) for s, rows in both.groupby(C.STATE).groups.items()]
            groups.append((None, both.index))
            for state, rows in groups:
                if state in appeal_row and len(rows):
                    relations.append(
                        (
                            *((cell("issuers", i, column), 1.0) for i in rows),
                            (cell("pooled_appeals", appeal_row[state], column), -1.0),
                        )
                    )
    return relations


def suppress_issuer_denials(
    result: IssuerDenials, *, threshold: int | None = None
) -> IssuerDenials:
    """Hide counts from 1 to 10, and enough further cells that none can be worked out.

    Every table of the result is suppressed together (:func:`issuer_relations`): a count
    hidden in the issuer rates is hidden in the comparisons that repeat it, and complementary
    cells are hidden until no state or national total, and no reference count, gives a hidden
    count back. Rates, intervals, ratios and p-values computed from a hidden count are hidden
    with it; each table's ``suppressed`` column names what was withheld. The issuer chart and
    the CSV tables are drawn from the result this returns.

    Parameters
    ----------
    result : IssuerDenials
        From :func:`issuer_denials`.
    threshold : int, optional
        Smallest count shown (default :data:`paritykit.privacy.SMALL_CELL_THRESHOLD`, 11).

    Returns
    -------
    IssuerDenials
        A copy with the tables suppressed.
    """
    import dataclasses

    from paritykit.privacy import (
        SMALL_CELL_THRESHOLD,
        complementary_suppression,
        is_small_count,
        suppress_small_cells,
    )

    threshold = threshold or SMALL_CELL_THRESHOLD
    tables = {name: getattr(result, name) for name in _ISSUER_DEPENDENTS}
    primary = []
    for name, frame in tables.items():
        for column in _ISSUER_DEPENDENTS[name]:
            if column in frame.columns:
                small = is_small_count(frame[column], threshold)
                primary += [((name, i), column) for i in frame.index[small.to_numpy()]]
    stacked = pd.concat(tables)
    hidden = complementary_suppression(stacked, primary, issuer_relations(result))
    by_table: dict[str, list[tuple[object, str]]] = {name: [] for name in tables}
    for (name, i), column in hidden:
        by_table[name].append((i, column))
    out = {}
    for name, frame in tables.items():
        dependents = {k: list(v) for k, v in _ISSUER_DEPENDENTS[name].items()}
        out[name] = suppress_small_cells(
            frame,
            counts=list(dependents),
            dependents=dependents,
            threshold=threshold,
            hide=by_table[name],
        )
    # appeals per denial: with the headline network's denials shown, it gives filed back
    head = result.rates[result.rates[C.NETWORK] == result.networks[0]]
    denied_hidden = {
        (rec[C.STATE], rec[C.ISSUER_ID])
        for i, rec in head.iterrows()
        if (i, C.CLAIMS_DENIED) in set(by_table["rates"])
    }
    issuers = out["issuers"]
    mask = [(rec[C.STATE], rec[C.ISSUER_ID]) in denied_hidden for _, rec in issuers.iterrows()]
    if any(mask):
        issuers.loc[mask, C.APPEAL_RATE] = np.nan
        issuers.loc[mask, "suppressed"] = [
            ", ".join(p for p in (str(s or ""), C.APPEAL_RATE) if p)
            for s in issuers.loc[mask, "suppressed"]
        ]
    return dataclasses.replace(result, **out)
