"""Synthetic Summary of Benefits and Coverage (SBC) PDFs, built from the federal templates' layout.

The SBC is a uniform federal form (45 CFR 147.200; 29 CFR 2590.715-2715). Its chart, "Common
Medical Event | Services You May Need | What You Will Pay | Limitations, Exceptions, & Other
Important Information", has been laid out two ways: the 2012 template (header "What this Plan
Covers & What it Costs", columns "Your Cost If You Use an In-network Provider") and the 2017/2020
template (header "What this Plan Covers & What You Pay for Covered Services", columns "Network
Provider (You will pay the least)" / "Out-of-Network Provider (You will pay the most)").

:func:`sample_sbc_specs` holds fictional plans as structured data (:class:`SbcSpec`), and
:func:`write_sbc_pdf` renders one to a PDF with WeasyPrint, so that a reader's output can be
checked number by number against the data the PDF was made from. Every plan is made up.
"""

from __future__ import annotations

import base64
import html
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from paritykit._atomic import atomic_path

__all__ = [
    "Cost",
    "SbcRow",
    "SbcSpec",
    "sample_sbc_specs",
    "write_sample_sbc",
    "write_sbc_pdf",
]

Setting = Literal["outpatient", "inpatient", "emergency", "prescription_drugs", "excluded"]


@dataclass(frozen=True)
class Cost:
    """What the member pays for one service in one network column, as structured data.

    ``wording`` picks one of the ways SBCs write the same thing (see :meth:`text`).
    """

    copay: float | None = None
    coinsurance: float | None = None
    no_charge: bool = False
    not_covered: bool = False
    #: ``"applies"`` (the row says the deductible applies first), ``"waived"`` (the row says it
    #: does not apply) or None (the row does not say).
    deductible: Literal["applies", "waived"] | None = None
    per: str = "visit"
    wording: int = 0

    def text(self) -> str:
        """The cell text as an SBC would print it."""
        if self.not_covered:
            return "Not covered"
        money = f"${self.copay:,.0f}" if self.copay is not None else None
        if self.no_charge:
            base = "No charge"
        elif money and self.coinsurance is not None:
            base = f"{money} copay/{self.per} and {self.coinsurance:g}% coinsurance"
        elif money:
            base = (f"{money} copay/{self.per}", f"{money} copay per {self.per}")[self.wording % 2]
        elif self.coinsurance is not None:
            base = f"{self.coinsurance:g}% coinsurance"
        else:  # pragma: no cover - a spec error
            raise ValueError("a Cost needs a copay, a coinsurance, no_charge or not_covered")
        if self.deductible == "applies":
            if self.wording % 2 and not self.no_charge:
                return f"Deductible then {base[0].lower()}{base[1:]}"
            return f"{base} after deductible"
        if self.deductible == "waived":
            return f"{base}; deductible does not apply"
        return base


@dataclass(frozen=True)
class SbcRow:
    """One row of the SBC chart, with what a correct reader should make of it."""

    event: str
    service: str
    costs: tuple[Cost, ...]
    limitations: str = ""
    side: Literal["ms", "mhsud"] = "ms"
    setting: Setting = "outpatient"
    visit_limit: int | None = None
    day_limit: int | None = None
    prior_auth: bool = False


@dataclass(frozen=True)
class SbcSpec:
    """A fictional plan's SBC as structured data."""

    plan_name: str
    coverage_period: str
    coverage_for: str
    plan_type: str
    template: Literal["2012", "2020"]
    #: The network column headers, left to right.
    networks: tuple[str, ...]
    #: ``"in"`` or ``"out"`` for each network column.
    network_kinds: tuple[str, ...]
    rows: tuple[SbcRow, ...]
    #: Overall deductible per network kind: (individual, family).
    deductible: dict[str, tuple[float, float]] = field(default_factory=dict)
    out_of_pocket: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: A deductible for MH/SUD services only (stated under "Are there other deductibles").
    mhsud_deductible: float | None = None
    #: A deductible for prescription drugs (all drugs).
    drug_deductible: float | None = None
    #: Add an image-only (scanned) page after the chart.
    scanned_page: bool = False
    #: Filler lines that push the chart down, so that rows break across pages.
    filler_lines: int = 0
    valign: Literal["top", "middle"] = "middle"


_EV_OFFICE = "If you visit a health care provider’s office or clinic"
_EV_TEST = "If you have a test"
_EV_DRUGS = (
    "If you need drugs to treat your illness or condition More information about prescription "
    "drug coverage is available at www.example.invalid"
)
_EV_SURGERY = "If you have outpatient surgery"
_EV_EMERGENCY = "If you need immediate medical attention"
_EV_HOSPITAL = "If you have a hospital stay"
_EV_MH_2020 = "If you need mental health, behavioral health, or substance abuse services"
_EV_MH_2012 = "If you have mental health, behavioral health, or substance abuse needs"
_EV_PREGNANT = "If you are pregnant"
_EV_RECOVER = "If you need help recovering or have other special health needs"
_EV_CHILD = "If your child needs dental or eye care"

_PA = "Preauthorization is required. If you don't get preauthorization, benefits could be reduced."


def _rows_2020(oon: float = 40) -> tuple[SbcRow, ...]:
    def two(a: Cost, b: Cost | None = None) -> tuple[Cost, Cost]:
        return (a, b if b is not None else Cost(coinsurance=oon, deductible="applies"))

    return (
        SbcRow(
            _EV_OFFICE,
            "Primary care visit to treat an injury or illness",
            two(Cost(copay=25, deductible="waived")),
            "None",
        ),
        SbcRow(_EV_OFFICE, "Specialist visit", two(Cost(copay=50)), _PA, prior_auth=True),
        SbcRow(
            _EV_OFFICE,
            "Preventive care/screening/immunization",
            two(Cost(no_charge=True)),
            "You may have to pay for services that aren't preventive.",
        ),
        SbcRow(
            _EV_TEST, "Diagnostic test (x-ray, blood work)", two(Cost(copay=15, per="test")), "None"
        ),
        SbcRow(
            _EV_TEST,
            "Imaging (CT/PET scans, MRIs)",
            two(Cost(coinsurance=20, deductible="applies", wording=1)),
            _PA,
            prior_auth=True,
        ),
        SbcRow(
            _EV_DRUGS,
            "Generic drugs (Tier 1)",
            two(Cost(copay=10, per="prescription"), Cost(not_covered=True)),
            "Covers up to a 30-day supply (retail prescription).",
            setting="prescription_drugs",
        ),
        SbcRow(
            _EV_DRUGS,
            "Preferred brand drugs (Tier 2)",
            two(Cost(copay=40, per="prescription"), Cost(not_covered=True)),
            "None",
            setting="prescription_drugs",
        ),
        SbcRow(
            _EV_DRUGS,
            "Specialty drugs (Tier 3)",
            two(Cost(coinsurance=30), Cost(not_covered=True)),
            "None",
            setting="prescription_drugs",
        ),
        SbcRow(
            _EV_SURGERY,
            "Facility fee (e.g., ambulatory surgery center)",
            two(Cost(coinsurance=20, deductible="applies")),
            "None",
        ),
        SbcRow(
            _EV_EMERGENCY,
            "Emergency room care",
            (Cost(copay=300, wording=1), Cost(copay=300, wording=1)),
            "Copay waived if admitted.",
            setting="emergency",
        ),
        SbcRow(_EV_EMERGENCY, "Urgent care", two(Cost(copay=60)), "None"),
        SbcRow(
            _EV_HOSPITAL,
            "Facility fee (e.g., hospital room)",
            two(Cost(coinsurance=20, deductible="applies", wording=1)),
            _PA,
            setting="inpatient",
            prior_auth=True,
        ),
        SbcRow(
            _EV_HOSPITAL,
            "Physician/surgeon fees",
            two(Cost(coinsurance=20)),
            "None",
            setting="inpatient",
        ),
        SbcRow(
            _EV_MH_2020,
            "Outpatient services",
            two(Cost(copay=40)),
            "Limited to 20 visits per year. Preauthorization required for psychological testing.",
            side="mhsud",
            visit_limit=20,
            prior_auth=True,
        ),
        SbcRow(
            _EV_MH_2020,
            "Inpatient services",
            two(Cost(coinsurance=30, deductible="applies")),
            _PA,
            side="mhsud",
            setting="inpatient",
            prior_auth=True,
        ),
        SbcRow(
            _EV_RECOVER,
            "Home health care",
            two(Cost(coinsurance=20)),
            "60 visits/year",
            visit_limit=60,
        ),
        SbcRow(
            _EV_RECOVER,
            "Skilled nursing care",
            two(Cost(coinsurance=20)),
            "Limited to 30 days per year",
            setting="inpatient",
            day_limit=30,
        ),
        SbcRow(
            _EV_CHILD,
            "Children’s eye exam",
            two(Cost(no_charge=True), Cost(not_covered=True)),
            "Coverage limited to one exam/year.",
            setting="excluded",
        ),
    )


def _rows_2012() -> tuple[SbcRow, ...]:
    def two(a: Cost, b: Cost) -> tuple[Cost, Cost]:
        return (a, b)

    oon = Cost(coinsurance=50)
    return (
        SbcRow(
            _EV_OFFICE,
            "Primary care visit to treat an injury or illness",
            two(Cost(copay=30), oon),
            "–––––––––––none–––––––––––",
        ),
        SbcRow(
            _EV_OFFICE, "Specialist visit", two(Cost(copay=45), oon), "–––––––––––none–––––––––––"
        ),
        SbcRow(
            _EV_OFFICE,
            "Preventive care/screening/immunization",
            two(Cost(no_charge=True), Cost(not_covered=True)),
            "–––––––––––none–––––––––––",
        ),
        SbcRow(
            _EV_TEST,
            "Diagnostic test (x-ray, blood work)",
            two(Cost(no_charge=True, deductible="applies"), oon),
            "–––––––––––none–––––––––––",
        ),
        SbcRow(
            _EV_DRUGS,
            "Generic drugs",
            two(Cost(copay=5, per="prescription"), oon),
            "Covers up to a 30-day supply (retail prescription); 31-90 day supply (mail "
            "order prescription)",
            setting="prescription_drugs",
        ),
        SbcRow(
            _EV_DRUGS,
            "Preferred brand drugs",
            two(Cost(copay=35, per="prescription"), oon),
            "–––––––––––none–––––––––––",
            setting="prescription_drugs",
        ),
        SbcRow(
            _EV_EMERGENCY,
            "Emergency room services",
            two(Cost(copay=250), Cost(copay=250)),
            "–––––––––––none–––––––––––",
            setting="emergency",
        ),
        SbcRow(
            _EV_EMERGENCY, "Urgent care", two(Cost(copay=50), oon), "–––––––––––none–––––––––––"
        ),
        SbcRow(
            _EV_HOSPITAL,
            "Facility fee (e.g., hospital room)",
            two(Cost(coinsurance=25, deductible="applies"), oon),
            "Precertification required",
            setting="inpatient",
            prior_auth=True,
        ),
        SbcRow(
            _EV_MH_2012,
            "Mental/Behavioral health outpatient services",
            two(Cost(copay=30), oon),
            "–––––––––––none–––––––––––",
            side="mhsud",
        ),
        SbcRow(
            _EV_MH_2012,
            "Mental/Behavioral health inpatient services",
            two(Cost(coinsurance=25, deductible="applies"), oon),
            "Precertification required. Limited to 30 days per admission",
            side="mhsud",
            setting="inpatient",
            day_limit=30,
            prior_auth=True,
        ),
        SbcRow(
            _EV_MH_2012,
            "Substance use disorder outpatient services",
            two(Cost(copay=30), oon),
            "–––––––––––none–––––––––––",
            side="mhsud",
        ),
        SbcRow(
            _EV_MH_2012,
            "Substance use disorder inpatient services",
            two(Cost(coinsurance=25, deductible="applies"), oon),
            "Precertification required",
            side="mhsud",
            setting="inpatient",
            prior_auth=True,
        ),
        SbcRow(
            _EV_PREGNANT,
            "Prenatal and postnatal care",
            two(Cost(no_charge=True), oon),
            "–––––––––––none–––––––––––",
        ),
    )


def _rows_tiered() -> tuple[SbcRow, ...]:
    long_limits = " ".join(
        f"Rule {i}: benefits for this service follow the plan's clinical guidelines."
        for i in range(1, 23)
    )
    t = Cost(coinsurance=50, deductible="applies")
    return (
        SbcRow(
            _EV_OFFICE,
            "Primary care visit to treat an injury or illness",
            (Cost(copay=20), Cost(copay=40), t),
            "None",
        ),
        SbcRow(_EV_OFFICE, "Specialist visit", (Cost(copay=40), Cost(copay=80), t), "None"),
        SbcRow(
            _EV_TEST,
            "Diagnostic test (x-ray, blood work)",
            (Cost(no_charge=True), Cost(copay=20, per="test"), t),
            "None",
        ),
        SbcRow(
            _EV_TEST,
            "Imaging (CT/PET scans, MRIs)",
            (Cost(coinsurance=10), Cost(coinsurance=20), t),
            long_limits + " Preauthorization required. Limited to 4 visits per year.",
            prior_auth=True,
            visit_limit=4,
        ),
        SbcRow(
            _EV_SURGERY,
            "Physician/surgeon fees",
            (Cost(coinsurance=10), Cost(coinsurance=20), t),
            "None",
        ),
        SbcRow(
            _EV_HOSPITAL,
            "Facility fee (e.g., hospital room)",
            (Cost(copay=250, per="day"), Cost(copay=500, per="day"), t),
            _PA,
            setting="inpatient",
            prior_auth=True,
        ),
        SbcRow(
            _EV_HOSPITAL,
            "Physician/surgeon fees",
            (Cost(coinsurance=10), Cost(coinsurance=20), t),
            "None",
            setting="inpatient",
        ),
        SbcRow(
            _EV_MH_2020,
            "Outpatient services",
            (Cost(copay=40), Cost(copay=80), t),
            "None",
            side="mhsud",
        ),
        SbcRow(
            _EV_MH_2020,
            "Inpatient services",
            (Cost(copay=250, per="day"), Cost(copay=500, per="day"), t),
            _PA,
            side="mhsud",
            setting="inpatient",
            prior_auth=True,
        ),
    )


def sample_sbc_specs() -> dict[str, SbcSpec]:
    """The fictional plans of the synthetic SBC corpus, by name.

    - ``silver_2020``: the 2020 template, network and out-of-network columns, copays and
      coinsurance, "Deductible then 20% coinsurance" and "after deductible" wording, drug tiers,
      a visit limit for MH/SUD outpatient services only, prior-authorization notes;
    - ``classic_2012``: the 2012 template ("Your Cost If You Use an In-network Provider"),
      "No charge after deductible", a day limit on MH/SUD inpatient stays;
    - ``tiered_2020``: three columns (two in-network tiers and out-of-network), a deductible for
      MH/SUD services only, a row that breaks across pages, and an image-only (scanned) page.

    Returns
    -------
    dict of str to SbcSpec

    Examples
    --------
    >>> from paritykit.synth.sbc import sample_sbc_specs
    >>> sorted(sample_sbc_specs())
    ['classic_2012', 'silver_2020', 'tiered_2020']
    """
    net_2020 = (
        "Network Provider (You will pay the least)",
        "Out-of-Network Provider (You will pay the most)",
    )
    return {
        "silver_2020": SbcSpec(
            plan_name="Example Health Co: Silver PPO 2500",
            coverage_period="01/01/2026 – 12/31/2026",
            coverage_for="Individual + Family",
            plan_type="PPO",
            template="2020",
            networks=net_2020,
            network_kinds=("in", "out"),
            rows=_rows_2020(),
            deductible={"in": (2500, 5000), "out": (5000, 10000)},
            out_of_pocket={"in": (7000, 14000), "out": (14000, 28000)},
            drug_deductible=250,
        ),
        "classic_2012": SbcSpec(
            plan_name="Sample Mutual Insurance: Classic Plan",
            coverage_period="07/01/2026 - 06/30/2027",
            coverage_for="Individual",
            plan_type="POS",
            template="2012",
            networks=(
                "Your Cost If You Use an In-network Provider",
                "Your Cost If You Use an Out-of-network Provider",
            ),
            network_kinds=("in", "out"),
            rows=_rows_2012(),
            deductible={"in": (1000, 2000), "out": (2000, 4000)},
            out_of_pocket={"in": (5000, 10000), "out": (10000, 20000)},
            valign="top",
        ),
        "tiered_2020": SbcSpec(
            plan_name="Fictional Care Plan: Tiered HMO",
            coverage_period="01/01/2026 – 12/31/2026",
            coverage_for="Individual",
            plan_type="HMO",
            template="2020",
            networks=(
                "Tier 1 Network Provider (You will pay the least)",
                "Tier 2 Network Provider",
                "Out-of-Network Provider (You will pay the most)",
            ),
            network_kinds=("in", "in", "out"),
            rows=_rows_tiered(),
            deductible={"in": (1500, 3000), "out": (3000, 6000)},
            out_of_pocket={"in": (6000, 12000), "out": (12000, 24000)},
            mhsud_deductible=500,
            scanned_page=True,
            filler_lines=6,
        ),
    }


def _money_pair(pair: tuple[float, float], individual: str) -> str:
    return f"${pair[0]:,.0f} {individual} / ${pair[1]:,.0f} family"


def _questions(spec: SbcSpec) -> list[tuple[str, str, str]]:
    person = "individual" if spec.template == "2020" else "person"
    net = "network" if spec.template == "2020" else "in-network"
    ded = spec.deductible
    deductible = (
        f"For {net} providers {_money_pair(ded['in'], person)}; for out-of-network providers "
        f"{_money_pair(ded['out'], person)}"
    )
    others = []
    if spec.drug_deductible:
        others.append(f"${spec.drug_deductible:,.0f} for prescription drug coverage")
    if spec.mhsud_deductible:
        others.append(
            f"${spec.mhsud_deductible:,.0f} for mental health and substance use disorder services"
        )
    other = (
        "Yes. " + " and ".join(others) + ". There are no other specific deductibles."
        if others
        else "No."
    )
    oop = spec.out_of_pocket
    limit = (
        f"For {net} providers {_money_pair(oop['in'], person)}; for out-of-network providers "
        f"{_money_pair(oop['out'], person)}"
    )
    why = (
        "You must pay all of the costs up to the deductible amount before this plan begins to pay."
    )
    if spec.template == "2020":
        return [
            ("What is the overall deductible?", deductible, why),
            (
                "Are there services covered before you meet your deductible?",
                "Yes. Preventive care is covered before you meet your deductible.",
                "This plan covers some items and services even if you haven't met the deductible.",
            ),
            (
                "Are there other deductibles for specific services?",
                other,
                "You must pay all of the costs for these services up to the specific deductible.",
            ),
            (
                "What is the out-of-pocket limit for this plan?",
                limit,
                "The out-of-pocket limit is the most you could pay in a year for covered services.",
            ),
            (
                "Will you pay less if you use a network provider?",
                "Yes.",
                "This plan uses a provider network.",
            ),
            (
                "Do you need a referral to see a specialist?",
                "No.",
                "You can see the specialist you choose without a referral.",
            ),
        ]
    return [
        ("What is the overall deductible?", deductible, why),
        (
            "Are there other deductibles for specific services?",
            other,
            "You must pay all of the costs for these services up to the specific deductible.",
        ),
        (
            "Is there an out-of-pocket limit on my expenses?",
            "Yes. " + limit,
            "The out-of-pocket limit is the most you could pay during a coverage period.",
        ),
        (
            "Is there an overall annual limit on what the plan pays?",
            "No.",
            "The chart starting on page 2 describes any limits on what the plan will pay.",
        ),
        ("Does this plan use a network of providers?", "Yes.", "See the chart."),
    ]


_CSS = """
@page { size: 11in 8.5in; margin: 0.85in 0.5in 0.6in 0.5in;
  @top-left { content: element(hdr); width: 100%; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 8.5pt; }
.hdr { position: running(hdr); font-size: 8.5pt; width: 10in; }
.hdr td { border: none; padding: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.75pt solid #444; padding: 3pt 4pt; text-align: left; }
th { background: #dbe5f1; font-weight: bold; }
td.ev { font-weight: bold; }
.intro { margin: 4pt 0 8pt 0; }
.filler { color: #333; margin: 0 0 2pt 0; }
tr { break-inside: auto; }
img.scan { width: 9.5in; }
@page scan { @top-left { content: none; } @bottom-right { content: none; } }
div.scan { page: scan; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _chart_html(spec: SbcSpec) -> str:
    k = len(spec.networks)
    limits_head = (
        "Limitations, Exceptions, &amp; Other Important Information"
        if spec.template == "2020"
        else "Limitations &amp; Exceptions"
    )
    if spec.template == "2020":
        head = (
            "<thead><tr><th rowspan='2'>Common Medical Event</th>"
            "<th rowspan='2'>Services You May Need</th>"
            f"<th colspan='{k}' style='text-align:center'>What You Will Pay</th>"
            f"<th rowspan='2'>{limits_head}</th></tr><tr>"
            + "".join(f"<th>{_e(n)}</th>" for n in spec.networks)
            + "</tr></thead>"
        )
    else:
        head = (
            "<thead><tr><th>Common Medical Event</th><th>Services You May Need</th>"
            + "".join(f"<th>{_e(n)}</th>" for n in spec.networks)
            + f"<th>{limits_head}</th></tr></thead>"
        )
    cost_width = 44 // k
    cols = (
        "<colgroup><col style='width:13%'><col style='width:17%'>"
        + "".join(f"<col style='width:{cost_width}%'>" for _ in spec.networks)
        + "<col></colgroup>"
    )
    body = []
    i = 0
    rows = spec.rows
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j].event == rows[i].event:
            j += 1
        for n, row in enumerate(rows[i:j]):
            cells = []
            if n == 0:
                cells.append(f"<td class='ev' rowspan='{j - i}'>{_e(row.event)}</td>")
            cells.append(f"<td>{_e(row.service)}</td>")
            cells.extend(f"<td>{_e(c.text())}</td>" for c in row.costs)
            cells.append(f"<td>{_e(row.limitations)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        i = j
    style = f"vertical-align: {spec.valign}"
    return (
        f"<table class='chart' style='{style}'>{cols}{head}<tbody>{''.join(body)}</tbody></table>"
    )


def _scanned_page_png() -> bytes:
    """An image of a page of text (what a scanner produces): no text layer."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 6.5), dpi=60)
    fig.text(0.05, 0.9, "Excluded Services & Other Covered Services:", fontsize=16)
    for n, line in enumerate(("Cosmetic surgery", "Long-term care", "Routine foot care")):
        fig.text(0.08, 0.8 - 0.07 * n, f"- {line}", fontsize=13)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _document_html(spec: SbcSpec) -> str:
    title = (
        "Summary of Benefits and Coverage: What this Plan Covers &amp; What You Pay for "
        "Covered Services"
        if spec.template == "2020"
        else "Summary of Benefits and Coverage: What this Plan Covers &amp; What it Costs"
    )
    if spec.template == "2020":
        header = (
            f"<table class='hdr'><tr><td>{title}</td><td style='text-align:right'>Coverage "
            f"Period: {_e(spec.coverage_period)}</td></tr><tr><td>{_e(spec.plan_name)}</td>"
            f"<td style='text-align:right'>Coverage for: {_e(spec.coverage_for)} | Plan Type: "
            f"{_e(spec.plan_type)}</td></tr></table>"
        )
    else:
        header = (
            f"<table class='hdr'><tr><td>{_e(spec.plan_name)}</td><td style='text-align:right'>"
            f"Coverage Period: {_e(spec.coverage_period)}</td></tr><tr><td>{title}</td>"
            f"<td style='text-align:right'>Coverage for: {_e(spec.coverage_for)} | Plan Type: "
            f"{_e(spec.plan_type)}</td></tr></table>"
        )
    questions = "".join(
        f"<tr><td><b>{_e(q)}</b></td><td>{_e(a)}</td><td>{_e(w)}</td></tr>"
        for q, a, w in _questions(spec)
    )
    why = "Why This Matters:" if spec.template == "2020" else "Why this Matters:"
    parts = [
        header,
        "<p class='intro'>The Summary of Benefits and Coverage (SBC) document will help you "
        "choose a health plan. This is a fictional plan made for software tests.</p>",
        "<table class='iq'><thead><tr><th style='width:22%'>Important Questions</th>"
        f"<th style='width:28%'>Answers</th><th>{why}</th></tr></thead><tbody>{questions}"
        "</tbody></table>",
        "<div style='break-before: page'></div>",
    ]
    if spec.template == "2020":
        parts.append(
            "<p class='intro'>All copayment and coinsurance costs shown in this chart are after "
            "your deductible has been met, if a deductible applies.</p>"
        )
    parts.extend(
        f"<p class='filler'>Note {n + 1}: this line is part of a fictional plan's SBC.</p>"
        for n in range(spec.filler_lines)
    )
    parts.append(_chart_html(spec))
    if spec.scanned_page:
        png = base64.b64encode(_scanned_page_png()).decode("ascii")
        parts.append(
            f"<div class='scan'><img class='scan' src='data:image/png;base64,{png}' alt=''></div>"
        )
    parts.append(
        "<div style='break-before: page'></div><p><b>Excluded Services &amp; Other Covered "
        "Services:</b></p><p>Services Your Plan Generally Does NOT Cover: cosmetic surgery.</p>"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{_CSS}</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    )


def write_sbc_pdf(spec: SbcSpec, path: str | os.PathLike[str]) -> Path:
    """Render ``spec`` as an SBC PDF (atomically) and return its path.

    Parameters
    ----------
    spec : SbcSpec
        The plan, e.g. one of :func:`sample_sbc_specs`.
    path : path
        The ``.pdf`` file to write.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from paritykit.synth.sbc import sample_sbc_specs, write_sbc_pdf
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "sbc.pdf"
    >>> write_sbc_pdf(sample_sbc_specs()["silver_2020"], target).read_bytes()[:5]
    b'%PDF-'
    """
    import weasyprint

    document = weasyprint.HTML(string=_document_html(spec)).render()
    with atomic_path(path) as tmp:
        document.write_pdf(tmp)
    return Path(path)


def write_sample_sbc(
    path: str | os.PathLike[str], layout: str = "silver_2020", *, scanned: bool = False
) -> Path:
    """Write one of the fictional sample SBCs as a PDF and return its path.

    Parameters
    ----------
    path : path
        The ``.pdf`` file to write.
    layout : str
        A name from :func:`sample_sbc_specs`.
    scanned : bool
        Write every page as an image only (a scanned SBC, with no text layer).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from paritykit.synth.sbc import write_sample_sbc
    >>> write_sample_sbc(pathlib.Path(tempfile.mkdtemp()) / "sbc.pdf").suffix
    '.pdf'
    """
    specs = sample_sbc_specs()
    if layout not in specs:
        from paritykit.errors import ConfigurationError

        raise ConfigurationError(f"unknown SBC layout {layout!r}; use one of {sorted(specs)}")
    if not scanned:
        return write_sbc_pdf(specs[layout], path)
    import weasyprint

    png = base64.b64encode(_scanned_page_png()).decode("ascii")
    page = (
        f"<!doctype html><html><head><style>@page {{ size: 11in 8.5in; margin: 0.5in }}</style>"
        f"</head><body><img style='width: 9.5in' src='data:image/png;base64,{png}'></body></html>"
    )
    document = weasyprint.HTML(string=page).render()
    with atomic_path(path) as tmp:
        document.write_pdf(tmp)
    return Path(path)
