"""Charts of TC-PUF issuer denial rates (drawing only; the numbers come from the analysis)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from paritykit import columns as C
from paritykit.errors import ConfigurationError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from paritykit.analysis.issuers import IssuerDenials

__all__ = ["plot_issuer_ranking"]

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
_GREY = "#999999"
_BLUE = "#0072B2"
_ORANGE = "#D55E00"


def plot_issuer_ranking(
    result: IssuerDenials,
    *,
    highlight: str | None = None,
    state: str | None = None,
    network: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Ranked dot plot of issuer denial rates with their intervals.

    Parameters
    ----------
    result : IssuerDenials
        From :func:`paritykit.issuer_denials`.
    highlight : str, optional
        An ``issuer_id`` to draw in orange (with a diamond marker, so colour is not the only cue).
    state : str, optional
        Show only this state's issuers (two-letter code). Default: every issuer.
    network : str, optional
        ``"in_network"`` (default where the file splits by network), ``"out_of_network"`` or
        ``"total"``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted. Global style is never changed.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from paritykit.analysis.issuers import issuer_denials
    >>> from paritykit.load.tc_puf import TcPuf, ISSUER_COUNT_COLUMNS, PLAN_COUNT_COLUMNS
    >>> rows = []
    >>> for iid, denied in (("1", 900.0), ("2", 1500.0)):
    ...     row = {c: 10.0 for c in ISSUER_COUNT_COLUMNS}
    ...     row.update({c + "_marker": None for c in ISSUER_COUNT_COLUMNS})
    ...     row.update(state="OH", issuer_id=iid, issuer_name="Issuer " + iid,
    ...                dental_only=False, has_medical_plans=True, enrollment=5000.0,
    ...                claims_received_in_network=10000.0, claims_denied_in_network=denied)
    ...     rows.append(row)
    >>> plans = pd.DataFrame(columns=["state", "issuer_id", "product_type", *PLAN_COUNT_COLUMNS])
    >>> result = issuer_denials(TcPuf(pd.DataFrame(rows), plans, "py2024", 2024, "toy"))
    >>> ax = plot_issuer_ranking(result, highlight="2")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Issuer 1 (OH)', 'Issuer 2 (OH)']
    """
    import matplotlib.pyplot as plt

    network = network or result.networks[0]
    if network not in result.networks:
        raise ConfigurationError(f"network must be one of {result.networks}; got {network!r}.")
    rates = result.rates[(result.rates[C.NETWORK] == network) & result.rates[C.DENIAL_RATE].notna()]
    if state is not None:
        rates = rates[rates[C.STATE] == state.upper()]
    if rates.empty:
        where = f" in {state}" if state else ""
        raise ConfigurationError(
            f"no issuer with a {network} denial rate{where} to plot; check the state code and "
            "the exclusions table."
        )
    rates = rates.sort_values(C.DENIAL_RATE).reset_index(drop=True)
    if ax is None:
        height = max(2.5, 0.22 * len(rates) + 1.2)
        _, ax = plt.subplots(figsize=(7, min(height, 40)))
    y = list(range(len(rates)))
    is_hl = rates[C.ISSUER_ID].astype(str) == str(highlight)
    if highlight is None:
        is_hl[:] = False
    for mask, colour, marker, size, label in (
        (~is_hl, _BLUE, "o", 4, "issuer"),
        (is_hl, _ORANGE, "D", 7, "highlighted issuer"),
    ):
        part = rates[mask]
        if part.empty:
            continue
        ys = [y[i] for i in part.index]
        err: Any = [
            (part[C.DENIAL_RATE] - part[C.CI_LOW]).to_numpy(),
            (part[C.CI_HIGH] - part[C.DENIAL_RATE]).to_numpy(),
        ]
        ax.errorbar(
            part[C.DENIAL_RATE], ys, xerr=err, fmt=marker, color=colour, ecolor=colour,
            markersize=size, capsize=2, linestyle="none", label=label,
        )  # fmt: skip
    pooled = result.pooled
    if state is not None:
        ref = pooled[(pooled[C.SCOPE] == "state") & (pooled[C.STATE] == state.upper())]
        ref_label = f"{state.upper()} pooled"
    else:
        ref = pooled[pooled[C.SCOPE] == "national"]
        ref_label = "national pooled"
    ref = ref[ref[C.NETWORK] == network]
    if not ref.empty:
        ax.axvline(float(ref[C.DENIAL_RATE].iloc[0]), color=_GREY, linestyle="--",
                   linewidth=1, label=ref_label)  # fmt: skip
    labels = [f"{n} ({s})" for n, s in zip(rates[C.ISSUER_NAME], rates[C.STATE], strict=True)]
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=7 if len(rates) > 30 else 9)
    ax.set_xlabel(f"{network.replace('_', '-')} claim denial rate (95% Wilson interval)")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _pos: f"{v:.0%}"))
    year = f" - plan year {result.plan_year} file" if result.plan_year else ""
    ax.set_title(f"Issuer denial rates{year} (self-reported to CMS)", fontsize=10)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return ax
