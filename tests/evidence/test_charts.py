"""Evidence charts: they draw what the analysis computed, label it, and survive greyscale print.

Inputs come from the real library functions (``compare_rates`` on a hand-made summary,
``quantitative_test`` on the regulation's examples, ``summarize_outcomes`` on a small synthetic
claims file). Expected values are the regulation's published arithmetic or hand counts of the
inputs, never numbers copied from the charts' own output.
"""

from __future__ import annotations

import doctest
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from PIL import Image

import paritykit as pk
from paritykit.errors import ConfigurationError, DataValidationError
from paritykit.evidence import charts
from paritykit.evidence.charts import (
    MHSUD_COLOUR,
    MS_COLOUR,
    plot_level_shares,
    plot_out_of_network_share,
    plot_rate_ratios,
    plot_rates_by_classification,
    save_figure,
)
from paritykit.privacy import suppress_outcomes, suppress_rates

# --- inputs built with the library ------------------------------------------------------------


def _example(cls: str, req: str, levels: dict[float, float], mhsud_level: float) -> list[dict]:
    """A regulation example: M/S benefits at each level with projected payments, one MH/SUD."""
    rows = [
        dict(
            plan_id="P",
            classification=cls,
            side="ms",
            benefit=f"{req} {k}",
            requirement_type=req,
            level=k,
            projected_payments=v,
        )
        for k, v in levels.items()
    ]
    rows.append(
        dict(
            plan_id="P",
            classification=cls,
            side="mhsud",
            benefit="mh",
            requirement_type=req,
            level=mhsud_level,
            projected_payments=None,
        )
    )
    return rows


#: 29 CFR 2590.712(c)(3)(iv)(C) Example 1 (inpatient out-of-network coinsurance, payments in $x)
EXAMPLE_1 = _example(
    "inpatient_out_of_network",
    "coinsurance",
    {0: 200, 10: 100, 15: 450, 20: 100, 30: 150},
    mhsud_level=15,
)
#: Example 2 (outpatient in-network copays), with an MH/SUD copay of $20
EXAMPLE_2 = _example(
    "outpatient_in_network", "copay", {0: 200, 10: 200, 15: 200, 20: 300, 50: 100}, mhsud_level=20
)


def _summary() -> pd.DataFrame:
    """Two plans; counts chosen to give a flagged row, a clean row, an untestable row, ..."""
    rows = []

    def add(plan: str, cls: str, mh_denied: int, mh_claims: int, ms_denied: int, ms_claims: int):
        rows.append(
            dict(plan_id=plan, classification=cls, side="mhsud", denied=mh_denied, claims=mh_claims)
        )
        rows.append(
            dict(plan_id=plan, classification=cls, side="ms", denied=ms_denied, claims=ms_claims)
        )

    add("SAMPLE-A", "outpatient_in_network", 142, 1000, 81, 1000)  # flagged
    add("SAMPLE-A", "inpatient_in_network", 30, 200, 20, 400)  # flagged
    add("SAMPLE-A", "prescription_drugs", 0, 0, 40, 300)  # not tested: no MH/SUD claims
    add("SAMPLE-A", "emergency", 20, 100, 0, 300)  # ratio undefined: no M/S denials
    add("SAMPLE-B", "inpatient_in_network", 40, 400, 44, 400)  # not flagged
    add("SAMPLE-B", "outpatient_in_network", 300, 2000, 290, 2100)  # not flagged
    add("SAMPLE-B", "outpatient_out_of_network", 20, 100, 3, 100)  # 3 denials: suppressed
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def rates() -> pd.DataFrame:
    return pk.compare_rates(_summary())


@pytest.fixture(scope="module")
def rates_shown(rates: pd.DataFrame) -> pd.DataFrame:
    return suppress_rates(rates)


@pytest.fixture(scope="module")
def qtl() -> pk.QuantitativeTestResult:
    return pk.quantitative_test(pd.DataFrame(EXAMPLE_1 + EXAMPLE_2))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("claims") / "claims.parquet"
    pk.synthesize_claims(path, rows=3000, plans=2, seed=3)
    return pk.summarize_outcomes(path, by=("plan_id", "classification", "sub_classification"))


OON = pd.DataFrame(
    {
        "plan_id": ["P"] * 6,
        "classification": ["outpatient_in_network"] * 2
        + ["outpatient_out_of_network"] * 2
        + ["inpatient_in_network"] * 2,
        "side": ["mhsud", "ms"] * 3,
        "claims": [600, 900, 400, 100, 50, 200],
        "out_of_network_claims": [0, 0, 400, 100, 0, 0],
    }
)


def _draw_all(rates: pd.DataFrame, qtl, outcomes: pd.DataFrame, ax=None) -> list:
    return [
        plot_rate_ratios(rates, ax=ax),
        plot_rates_by_classification(rates, ax=ax, plan_id="SAMPLE-A"),
        plot_level_shares(
            qtl,
            plan_id="P",
            classification="outpatient_in_network",
            requirement_type="copay",
            ax=ax,
        ),
        plot_out_of_network_share(outcomes, ax=ax),
    ]


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _png(fig, dpi: int = 100) -> Image.Image:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- every chart: returns an Axes, draws on a given Axes, leaves global style alone -----------


def test_each_chart_returns_labelled_axes(rates_shown, qtl, outcomes):
    for ax in _draw_all(rates_shown, qtl, outcomes):
        assert isinstance(ax, matplotlib.axes.Axes)
        assert ax.get_xlabel().strip(), "x axis must be labelled"
        assert "%" in ax.get_xlabel() or "ratio" in ax.get_xlabel()
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels and all(label.strip() for label in labels)


def test_each_chart_draws_on_the_axes_it_is_given(rates_shown, qtl, outcomes):
    fig, grid = plt.subplots(2, 2, figsize=(16, 10))
    drawn = [
        plot_rate_ratios(rates_shown, ax=grid[0, 0]),
        plot_rates_by_classification(rates_shown, ax=grid[0, 1]),
        plot_level_shares(
            qtl,
            plan_id="P",
            classification="outpatient_in_network",
            requirement_type="copay",
            ax=grid[1, 0],
        ),
        plot_out_of_network_share(outcomes, ax=grid[1, 1]),
    ]
    assert drawn == list(grid.ravel())
    assert len(fig.axes) == 4 and len(plt.get_fignums()) == 1
    for ax in drawn:
        assert ax.patches or ax.lines


def test_global_style_is_untouched(rates_shown, qtl, outcomes):
    before = dict(matplotlib.rcParams)
    for ax in _draw_all(rates_shown, qtl, outcomes):
        ax.figure.canvas.draw()
    after = dict(matplotlib.rcParams)
    changed = {k for k in before if before[k] != after[k]}
    assert not changed


# --- 1. forest plot ----------------------------------------------------------------------------


def test_forest_rows_labels_and_log_axis(rates_shown):
    ax = plot_rate_ratios(rates_shown)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "SAMPLE-B · outpatient in-network" in labels
    assert "SAMPLE-A · outpatient in-network" in labels
    # one row per plan x classification, none dropped
    assert len(labels) == len(rates_shown) == 7
    # the suppression bookkeeping column is not mistaken for a grouping column
    assert not any("rate_ratio" in label for label in labels)
    assert ax.get_xscale() == "log"
    low, high = ax.get_xlim()
    assert low < 1 < high


def test_forest_reference_line_at_one(rates_shown):
    ax = plot_rate_ratios(rates_shown)
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert any(np.allclose(ln.get_xdata(), 1.0) for ln in dashed)


def test_forest_flagged_rows_are_marked_by_shape_and_text(rates_shown):
    ax = plot_rate_ratios(rates_shown)
    n_flagged = int(rates_shown["flagged"].sum())
    assert n_flagged >= 2
    flagged_text = [t for t in _texts(ax) if t.endswith("flagged")]
    assert len(flagged_text) == n_flagged
    diamonds = [
        ln for ln in ax.get_lines() if ln.get_marker() == "D" and ln.get_label().startswith("_")
    ]
    # one filled diamond per flagged row that has a drawable ratio
    drawable = rates_shown["flagged"] & (rates_shown["rate_ratio"] > 0)
    assert len(diamonds) == int(drawable.sum())
    open_circles = [
        ln for ln in ax.get_lines() if ln.get_marker() == "o" and ln.get_label().startswith("_")
    ]
    assert all(to_rgba(ln.get_markerfacecolor()) == to_rgba("white") for ln in open_circles)


def test_forest_labels_missing_ratios_instead_of_dropping_them(rates_shown):
    ax = plot_rate_ratios(rates_shown)
    texts = _texts(ax)
    # SAMPLE-B outpatient out-of-network has 3 M/S denials: withheld by suppression
    assert "suppressed" in texts
    # SAMPLE-A prescription drugs has no MH/SUD claims: not tested
    assert "not tested" in texts
    # SAMPLE-A emergency has no M/S denials: the ratio is undefined
    assert "not estimable" in texts
    assert any(t.startswith("no MH/SUD claims") for t in texts)


def test_forest_estimate_column_matches_the_table(rates_shown):
    ax = plot_rate_ratios(rates_shown)
    texts = _texts(ax)
    for rec in rates_shown[rates_shown["rate_ratio"] > 0].itertuples():
        expected = f"{rec.rate_ratio:.2f} ({rec.rate_ratio_low:.2f}–{rec.rate_ratio_high:.2f})" + (
            "  flagged" if rec.flagged else ""
        )
        assert expected in texts
    points = [ln for ln in ax.get_lines() if ln.get_marker() in ("D", "o")]
    assert sorted(round(float(ln.get_xdata()[0]), 9) for ln in points) == sorted(
        round(v, 9) for v in rates_shown["rate_ratio"] if v > 0
    )


def test_forest_without_any_drawable_ratio_still_renders():
    summary = pd.DataFrame(
        {
            "plan_id": ["P"] * 2,
            "classification": ["emergency"] * 2,
            "side": ["mhsud", "ms"],
            "denied": [0, 0],
            "claims": [0, 50],
        }
    )
    ax = plot_rate_ratios(pk.compare_rates(summary))
    assert "not tested" in _texts(ax)
    ax.figure.canvas.draw()


# --- 2. paired rate bars -------------------------------------------------------------------------


def _bars(ax, colour: str) -> list:
    return [p for p in ax.patches if to_rgba(p.get_facecolor()) == to_rgba(colour)]


def test_rate_bars_heights_are_the_rates_and_sides_differ(rates):
    ax = plot_rates_by_classification(rates, plan_id="SAMPLE-A")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # one plan: labels omit the plan; regulation order of classifications
    assert labels == [
        "inpatient in-network",
        "outpatient in-network",
        "emergency",
        "prescription drugs",
    ]
    mh = sorted(round(p.get_width(), 6) for p in _bars(ax, MHSUD_COLOUR))
    ms = sorted(round(p.get_width(), 6) for p in _bars(ax, MS_COLOUR))
    # hand counts: MH/SUD 30/200, 142/1000, 20/100 (no MH/SUD claims in prescription drugs)
    assert mh == [0.142, 0.15, 0.2]
    assert ms == sorted([0.05, 0.081, 0.0, round(40 / 300, 6)])
    assert all(p.get_hatch() for p in _bars(ax, MHSUD_COLOUR))
    assert not any(p.get_hatch() for p in _bars(ax, MS_COLOUR))
    assert "no claims" in _texts(ax)
    assert "(% of claims)" in ax.get_xlabel()


def test_rate_bars_error_bars_only_when_the_table_has_intervals(rates):
    from matplotlib.container import ErrorbarContainer

    plain = plot_rates_by_classification(rates, plan_id="SAMPLE-B")
    assert not [c for c in plain.containers if isinstance(c, ErrorbarContainer)]
    with_ci = rates.copy()
    for side in ("mhsud", "ms"):
        with_ci[f"{side}_rate_low"] = with_ci[f"{side}_rate"] * 0.8
        with_ci[f"{side}_rate_high"] = with_ci[f"{side}_rate"] * 1.2
    ax = plot_rates_by_classification(with_ci, plan_id="SAMPLE-B")
    assert len([c for c in ax.containers if isinstance(c, ErrorbarContainer)]) == 2
    # interval columns are not read as grouping columns
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "inpatient in-network",
        "outpatient in-network",
        "outpatient out-of-network",
    ]


def test_rate_bars_suppressed_side_is_labelled(rates_shown):
    ax = plot_rates_by_classification(rates_shown, plan_id="SAMPLE-B")
    assert "suppressed" in _texts(ax)


def test_rate_bars_all_plans_are_labelled_with_their_plan(rates):
    ax = plot_rates_by_classification(rates)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("SAMPLE-A · ") and labels[-1].startswith("SAMPLE-B · ")


def test_rate_bars_unknown_plan_is_a_clear_error(rates):
    with pytest.raises(ConfigurationError, match="SAMPLE-A"):
        plot_rates_by_classification(rates, plan_id="NOPE")


# --- 3. quantitative test level shares -----------------------------------------------------------


def _segments(ax, y: float) -> list:
    return sorted(
        (p for p in ax.patches if abs(p.get_y() + p.get_height() / 2 - y) < 1e-9),
        key=lambda p: p.get_x(),
    )


def test_level_shares_example_2_arithmetic(qtl):
    ax = plot_level_shares(
        qtl, plan_id="P", classification="outpatient_in_network", requirement_type="copay"
    )
    ticks = ax.get_yticks()
    top, bottom = max(ticks), min(ticks)
    # Regulation Example 2: copays apply to $800x of $1,000x (80%); not subject 20%.
    whole = _segments(ax, top)
    assert [round(p.get_width(), 6) for p in whole] == [0.8, 0.2]
    # Subject payments most restrictive first: $50 100/800, $20 300/800, $15 200/800, $10 200/800
    levels = _segments(ax, bottom)
    assert [round(p.get_width(), 6) for p in levels] == [0.125, 0.375, 0.25, 0.25]
    texts = _texts(ax)
    for label in ("$50\n12%", "$20\n38%", "$15\n25%", "$10\n25%"):
        assert label in texts
    # $15 is predominant through the combination ($50 + $20 + $15 first exceed one-half):
    # drawn hatched; $10 is outside the combination (grey)
    assert levels[2].get_hatch() == "//"
    assert not any(p.get_hatch() for p in (levels[0], levels[1], levels[3]))
    assert to_rgba(levels[3].get_facecolor()) != to_rgba(levels[0].get_facecolor())
    assert "FAILS" in " ".join(texts)


def test_level_shares_threshold_lines_and_mhsud_marker(qtl):
    ax = plot_level_shares(
        qtl, plan_id="P", classification="outpatient_in_network", requirement_type="copay"
    )
    xs = [tuple(np.round(ln.get_xdata(), 6)) for ln in ax.get_lines()]
    assert (round(2 / 3, 6),) * 2 in xs
    assert (0.5, 0.5) in xs
    texts = " | ".join(_texts(ax))
    assert "2/3: substantially all" in texts and "1/2: predominant" in texts
    assert "MH/SUD $20" in texts
    marker = [ln for ln in ax.get_lines() if ln.get_marker() == "v"]
    assert len(marker) == 1
    # on the $20 segment: 12.5% + 37.5% / 2
    assert marker[0].get_xdata()[0] == pytest.approx(0.125 + 0.375 / 2)


def test_level_shares_example_1_single_level_complies(qtl):
    ax = plot_level_shares(
        qtl, plan_id="P", classification="inpatient_out_of_network", requirement_type="coinsurance"
    )
    levels = _segments(ax, min(ax.get_yticks()))
    # Regulation Example 1: 30% 150/800, 20% 100/800, 15% 450/800 (predominant), 10% 100/800
    assert [round(p.get_width(), 6) for p in levels] == [0.1875, 0.125, 0.5625, 0.125]
    assert levels[2].get_hatch() == "//"
    assert "coins. 15%\n56%" in _texts(ax)
    assert "complies" in " ".join(_texts(ax))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "in the combination" not in legend  # a single level: no combination to show


def test_level_shares_unknown_determination_lists_what_exists(qtl):
    with pytest.raises(ConfigurationError, match="outpatient_in_network"):
        plot_level_shares(qtl, plan_id="P", classification="emergency", requirement_type="copay")


def test_level_shares_dollar_signs_are_literal_text(qtl):
    ax = plot_level_shares(
        qtl, plan_id="P", classification="outpatient_in_network", requirement_type="copay"
    )
    ax.figure.canvas.draw()  # "$15 ... $20" must not be parsed as mathtext
    assert all(not t.get_parse_math() for t in ax.texts)


# --- 4. out-of-network share -------------------------------------------------------------------


def test_out_of_network_share_is_per_setting():
    ax = plot_out_of_network_share(OON)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # classifications split by network; the chart shows care settings
    assert labels == ["inpatient", "outpatient"]
    mh = sorted(round(p.get_width(), 6) for p in _bars(ax, MHSUD_COLOUR))
    ms = sorted(round(p.get_width(), 6) for p in _bars(ax, MS_COLOUR))
    # outpatient: MH/SUD 400 of 1,000 claims out of network, M/S 100 of 1,000; inpatient 0
    assert mh == [0.0, 0.4]
    assert ms == [0.0, 0.1]
    assert ax.get_xlabel() == "Out-of-network share of claims (%)"


def test_out_of_network_share_from_summarize_outcomes(outcomes):
    ax = plot_out_of_network_share(outcomes, plan_id="plan_1")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        "inpatient",
        "office visits",
        "other outpatient",
        "emergency",
        "prescription drugs",
    ]
    assert ax.get_xlabel() == "Out-of-network share of claim lines (%)"
    # office visits, MH/SUD: hand sum of the in- and out-of-network rows
    rows = outcomes[
        (outcomes["plan_id"] == "plan_1")
        & (outcomes["side"] == "mhsud")
        & (outcomes["sub_classification"] == "office_visits")
    ]
    expected = rows["out_of_network_claims"].sum() / rows["claims"].sum()
    widths = [round(p.get_width(), 9) for p in _bars(ax, MHSUD_COLOUR)]
    assert round(expected, 9) in widths


def test_out_of_network_share_suppressed_setting_is_labelled(outcomes):
    shown = suppress_outcomes(outcomes)
    ax = plot_out_of_network_share(shown, plan_id="plan_1")
    # plan_1 has 8 MH/SUD inpatient out-of-network lines: the inpatient MH/SUD share would
    # reveal them, so it is withheld
    assert "suppressed" in _texts(ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert not any("suppressed" in label for label in labels)


def test_out_of_network_share_rejects_a_frame_without_counts():
    with pytest.raises(DataValidationError, match="out_of_network_claims"):
        plot_out_of_network_share(OON.drop(columns="out_of_network_claims"))


# --- rendering: pixels, greyscale, saving ------------------------------------------------------


def test_saved_charts_have_sensible_size_and_are_not_blank(rates_shown, qtl, outcomes, tmp_path):
    for i, ax in enumerate(_draw_all(rates_shown, qtl, outcomes)):
        paths = save_figure(ax.figure, tmp_path / f"chart_{i}")
        assert [p.suffix for p in paths] == [".png", ".pdf"]
        png, pdf = paths
        assert pdf.read_bytes().startswith(b"%PDF")
        with Image.open(png) as image:
            width, height = image.size
            assert 1000 <= width <= 4000 and 500 <= height <= 4000, image.size
            grey = np.asarray(image.convert("L"))
        ink = (grey < 235).mean()
        assert ink > 0.03, f"chart {i} looks blank ({ink:.1%} non-white pixels)"


def _median_luminance(image: Image.Image, fig, patches) -> float:
    grey = np.asarray(image.convert("L"), dtype=float)
    height = grey.shape[0]
    values = []
    for patch in patches:
        box = patch.get_window_extent()
        if box.width < 6 or box.height < 6:
            continue
        x0, x1 = int(box.x0) + 2, int(box.x1) - 2
        y0, y1 = height - int(box.y1) + 2, height - int(box.y0) - 2
        values.append(grey[y0:y1, x0:x1].ravel())
    return float(np.median(np.concatenate(values)))


@pytest.mark.parametrize("chart", ["rates", "out_of_network"])
def test_sides_stay_apart_in_greyscale(chart, rates):
    ax = plot_rates_by_classification(rates) if chart == "rates" else plot_out_of_network_share(OON)
    fig = ax.figure
    fig.set_dpi(100)
    image = _png(fig, dpi=100)
    mh = _median_luminance(image, fig, _bars(ax, MHSUD_COLOUR))
    ms = _median_luminance(image, fig, _bars(ax, MS_COLOUR))
    assert abs(mh - ms) > 40, (mh, ms)


def test_save_figure_is_atomic_deterministic_and_checked(tmp_path, monkeypatch):
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    first = save_figure(fig, tmp_path / "out" / "line", formats=("png", "pdf"))
    assert [p.name for p in first] == ["line.png", "line.pdf"]
    content = [p.read_bytes() for p in first]
    again = save_figure(fig, tmp_path / "out" / "line", formats=("png", "pdf"))
    assert [p.read_bytes() for p in again] == content  # no timestamps in the files
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in first)
    with Image.open(first[0]) as image:
        assert image.size[0] > 4 * 200 * 0.8  # dpi=200 by default

    with pytest.raises(ConfigurationError, match="formats"):
        save_figure(fig, tmp_path / "x", formats=("jpeg",))  # type: ignore[arg-type]

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(fig, "savefig", boom)
    with pytest.raises(RuntimeError):
        save_figure(fig, tmp_path / "failed" / "chart")
    assert list((tmp_path / "failed").iterdir()) == []


def test_stem_with_dots_keeps_its_name(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    (path,) = save_figure(fig, tmp_path / "plan.v2", formats=("png",))
    assert path.name == "plan.v2.png"


def test_bad_inputs_are_clear_errors(rates):
    with pytest.raises(DataValidationError, match="compare_rates"):
        plot_rate_ratios(rates.drop(columns="rate_ratio"))
    with pytest.raises(DataValidationError, match="DataFrame"):
        plot_rate_ratios([1, 2, 3])  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="confidence"):
        plot_rate_ratios(rates, confidence=95)


def test_docstring_examples_run():
    result = doctest.testmod(charts, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5
    assert result.failed == 0


def test_chart_module_has_no_global_matplotlib_import():
    source = Path(charts.__file__).read_text(encoding="utf-8")
    top_level = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert not any("matplotlib" in line for line in top_level)
    for call in (
        "rcParams[",
        "rcParams.update",
        "matplotlib.rc(",
        "rc_context",
        "style.use",
        "style.context",
    ):
        assert call not in source, call
