"""The report document (report.pdf, report.html): headline, footer, legibility, escaping."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from demo_inputs import write_demo_inputs

import paritykit as pk
from paritykit import vocab
from paritykit.analysis.nqtl import FINDING_KINDS as NQTL_FINDING_KINDS
from paritykit.analysis.quantitative import FINDING_KINDS as QTL_FINDING_KINDS
from paritykit.evidence.report_document import level_text, tidy_text
from paritykit.evidence.template import write_benefits_workbook
from paritykit.load.plan_facts import PLAN_TYPES
from paritykit.synth.benefits import sample_benefits, sample_plan_facts
from paritykit.synth.nqtls import sample_nqtls
from paritykit.validate.nqtl import NQTL_TYPES

pdfplumber = pytest.importorskip("pdfplumber")
pytest.importorskip("weasyprint")

PREPARED = dt.date(2026, 12, 1)
PREPARED_TEXT = "December 1, 2026"
#: The demo-like pack has a headline page, one section per kind of finding, and an appendix;
#: fewer pages would mean a section is missing, more that tables or charts spill badly.
PAGE_RANGE = (6, 14)
#: Codes of the data contracts that must never reach a reader (labels replace them).
CODES = sorted(
    {
        *vocab.CLASSIFICATIONS,
        *vocab.REQUIREMENT_TYPES,
        *vocab.OUTPATIENT_SUB_CLASSIFICATIONS,
        vocab.COVERAGE_UNIT_DEFAULT,
        *PLAN_TYPES,
        *NQTL_TYPES,
        *QTL_FINDING_KINDS,
        *NQTL_FINDING_KINDS,
        "warning_sign",
        "noncompliant",
        "single_level",
        "fdr_bh",
        "pearson_chi_square",
        "fisher_exact",
    }
    - {"copay", "coinsurance", "deductible", "emergency", "other"}  # plain words already
)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("reportinputs")
    return write_demo_inputs(root, rows=30_000, seed=11, ratio=2.0)


@pytest.fixture(scope="module")
def pack(inputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> pk.EvidencePack:
    out = tmp_path_factory.mktemp("reportpack")
    return pk.build_evidence_pack(
        inputs["benefits"],
        plan=inputs["plan"],
        claims=inputs["claims"],
        out=out,
        prepared_on=PREPARED,
    )


@pytest.fixture(scope="module")
def pages(pack: pk.EvidencePack) -> list[dict[str, object]]:
    with pdfplumber.open(pack.out_dir / "report.pdf") as pdf:
        return [
            {
                "text": page.extract_text() or "",
                "sizes": [c["size"] for c in page.chars],
                "boxes": [(c["x0"], c["x1"], c["top"], c["bottom"]) for c in page.chars],
                "width": page.width,
                "height": page.height,
            }
            for page in pdf.pages
        ]


class _Text(HTMLParser):
    """The visible text of an HTML page (no tags, styles or attribute values)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def predominant_copay(plan_id: str, classification: str) -> tuple[float, float]:
    """The predominant M/S copay and the MH/SUD copay, by 29 CFR 2590.712(c)(3)(i)(B).

    Worked here from the benefit table itself, independently of paritykit's test: the levels
    are taken most restrictive (highest) first until their payments exceed one-half of the
    payments subject to a copay; the last level taken is the predominant one.
    """
    table = sample_benefits()
    cell = table[(table["plan_id"] == plan_id) & (table["classification"] == classification)]
    copays = cell[cell["requirement_type"] == "copay"]
    ms = copays[(copays["side"] == "ms") & (copays["level"] > 0)]
    subject = sum(Fraction(Decimal(repr(float(v)))) for v in ms["projected_payments"])
    running = Fraction(0)
    predominant = None
    by_level = ms.groupby("level")["projected_payments"].sum().sort_index(ascending=False)
    for level, payments in by_level.items():
        running += Fraction(Decimal(repr(float(payments))))
        if running > subject / 2:
            predominant = float(level)
            break
    mhsud = copays[copays["side"] == "mhsud"]["level"].max()
    assert predominant is not None
    return predominant, float(mhsud)


def test_pack_writes_the_report_and_lists_it(pack: pk.EvidencePack) -> None:
    names = {str(p.relative_to(pack.out_dir)) for p in pack.files}
    assert {"report.pdf", "report.html"} <= names
    manifest = json.loads((pack.out_dir / "manifest.json").read_text())
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert listed["report.pdf"] == pk.report.file_sha256(pack.out_dir / "report.pdf")
    assert listed["report.html"] == pk.report.file_sha256(pack.out_dir / "report.html")
    assert (pack.out_dir / "report.pdf").read_bytes().startswith(b"%PDF-")


def test_page_count_is_in_range(pages: list[dict[str, object]]) -> None:
    assert PAGE_RANGE[0] <= len(pages) <= PAGE_RANGE[1], len(pages)


def test_no_text_smaller_than_8pt(pages: list[dict[str, object]]) -> None:
    for number, page in enumerate(pages, start=1):
        sizes = page["sizes"]
        assert sizes, f"page {number} has no text"
        assert min(sizes) >= 8 - 0.01, f"page {number}: {min(sizes):.2f} pt"


def test_no_text_outside_the_margins(pages: list[dict[str, object]]) -> None:
    side = 0.75 * 72 - 2  # the CSS page margin (0.75 in), less a rounding allowance
    for number, page in enumerate(pages, start=1):
        for x0, x1, top, bottom in page["boxes"]:
            assert x0 >= side and x1 <= page["width"] - side, f"page {number}: text in margin"
            assert top >= 0 and bottom <= page["height"], f"page {number}: text off the page"


def test_first_page_names_plan_period_and_failing_qtl(
    pages: list[dict[str, object]], inputs: dict[str, Path]
) -> None:
    first = " ".join(str(pages[0]["text"]).split())
    facts = sample_plan_facts("SAMPLE-B")
    assert facts["plan_name"] in first
    assert f"Plan year (benefit design) {facts['plan_year']}" in first
    claims = pd.read_parquet(inputs["claims"], columns=["plan_id", "service_date"])
    claims = claims[claims["plan_id"] == "SAMPLE-B"]  # the pack is about the plan's claims
    start, end = pd.to_datetime(claims["service_date"]).agg(["min", "max"])
    for day in (start, end):
        assert f"{day:%B} {day.day}, {day.year}" in first
    assert f"{len(claims):,} claim lines" in first
    predominant, mhsud = predominant_copay("SAMPLE-B", "outpatient_in_network")
    assert predominant == 15 and mhsud == 30  # the sample's design, worked out above
    assert "fails the quantitative parity test" in first.lower()
    assert (
        f"Outpatient, in network: copay. MH/SUD benefits carry a ${mhsud:.0f} copay; the "
        f"predominant M/S copay is ${predominant:.0f}" in first
    )
    assert "What to do next" in first


def test_first_page_orders_qtl_then_claims_then_nqtl(pages: list[dict[str, object]]) -> None:
    first = " ".join(str(pages[0]["text"]).split())
    qtl = first.index("fails the quantitative parity test")
    claims = first.index("Claims: MH/SUD denied more often")
    nqtl = first.index("Non-quantitative limitations:")
    assert qtl < claims < nqtl < first.index("What to do next")


def test_every_page_has_its_number_and_the_footer(pages: list[dict[str, object]]) -> None:
    name = sample_plan_facts("SAMPLE-B")["plan_name"]
    for number, page in enumerate(pages, start=1):
        lines = str(page["text"]).splitlines()
        footer = lines[-1]
        assert f"Page {number} of {len(pages)}" in footer, footer
        assert name in footer and f"prepared {PREPARED_TEXT}" in footer, footer


def test_no_machine_codes_or_raw_decimals_on_screen(
    pack: pk.EvidencePack, pages: list[dict[str, object]]
) -> None:
    shown = {
        "pdf": " ".join(str(p["text"]) for p in pages),
        "html": visible_text((pack.out_dir / "report.html").read_text()),
    }
    for where, text in shown.items():
        found = [code for code in CODES if re.search(rf"\b{re.escape(code)}\b", text)]
        assert found == [], f"{where}: {found}"
        assert not re.search(r"\d\.\d{5,}", text), f"{where}: unrounded number"
        assert not re.search(r"\d(\.\d+)?e-\d", text), f"{where}: exponent notation"


def test_small_counts_stay_suppressed(pages: list[dict[str, object]]) -> None:
    text = re.sub(r"Page \d+ of \d+", "", " ".join(str(p["text"]) for p in pages))
    for k, n in re.findall(r"\b(\d[\d,]*) of (\d[\d,]*)\b", text):
        for value in (k, n):
            assert not 1 <= int(value.replace(",", "")) <= 10, f"{k} of {n}"
    assert "suppressed" in text


def test_pages_render_at_100_dpi(pack: pk.EvidencePack) -> None:
    with pdfplumber.open(pack.out_dir / "report.pdf") as pdf:
        image = pdf.pages[0].to_image(resolution=100)
        assert image.original.size == (850, 1100)  # US Letter at 100 dpi


def test_html_twin_stands_alone(pack: pk.EvidencePack) -> None:
    page = (pack.out_dir / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert "charts/" not in page  # no link to a file beside it


def test_inputs_are_escaped(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("hostile")
    attack = "<script>alert('x')</script>"
    nqtls = sample_nqtls()
    row = (nqtls["plan_id"] == "SAMPLE-B") & (nqtls["nqtl_type"] == "prior_authorization")
    nqtls.loc[row, "scope"] = attack + " " + nqtls.loc[row, "scope"].astype(str)
    benefits = write_benefits_workbook(sample_benefits(), root / "benefits.xlsx", nqtls=nqtls)
    facts = {**sample_plan_facts("SAMPLE-B"), "plan_name": f"{attack} Health Plan"}
    out = root / "pack"
    pk.build_evidence_pack(benefits, plan=facts, out=out, prepared_on=PREPARED)
    page = (out / "report.html").read_text()
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(" in page
    with pdfplumber.open(out / "report.pdf") as pdf:
        first = pdf.pages[0].extract_text()
        last = pdf.pages[-1].extract_text()
    assert f"{attack} Health Plan" in " ".join(first.split())  # shown as text, not run
    assert f"{attack} Health Plan" in last.splitlines()[-1]


@pytest.mark.parametrize(
    ("requirement", "level", "text"),
    [
        ("copay", 20.0, "$20 copay"),
        ("copay", 12.5, "$12.50 copay"),
        ("coinsurance", 20.0, "20% coinsurance"),
        ("deductible", 1500.0, "$1,500 deductible"),
        ("out_of_pocket_max", 3000.0, "$3,000 out-of-pocket maximum"),
        ("visit_limit", 30.0, "30 visits"),
        ("day_limit", 1.0, "1 day"),
        ("day_limit", float("nan"), "no day limit"),
    ],
)
def test_levels_carry_units(requirement: str, level: float, text: str) -> None:
    assert level_text(requirement, level) == text


def test_tidy_text_rounds_only_machine_numbers() -> None:
    assert tidy_text("7.25964912280702 days") == "7.3 days"
    assert tidy_text("odds ratio 1.16951785") == "odds ratio 1.17"
    assert tidy_text("adjusted p = 1.7e-54") == "adjusted p < 0.001"
    kept = "29 CFR 2590.712(c)(3), p < 0.001, 21.1%"
    assert tidy_text(kept) == kept


def test_a_plan_without_findings_says_so(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    pk.build_evidence_pack(
        sample_benefits(), plan=sample_plan_facts("SAMPLE-A"), out=out, prepared_on=PREPARED
    )
    with pdfplumber.open(out / "report.pdf") as pdf:
        first = " ".join((pdf.pages[0].extract_text() or "").split())
        assert len(pdf.pages) >= 2
    assert "No finding" in first
    assert "fails the quantitative parity test" not in first.lower()
    assert "Claims" not in first.split("Findings")[0]  # no claims given, no claims row


def test_excluded_claim_lines_are_counted_but_small_counts_hidden(
    inputs: dict[str, Path], tmp_path: Path
) -> None:
    frame = pd.read_parquet(inputs["claims"]).head(3000)
    frame["service_date"] = frame["service_date"].astype(str)
    frame.loc[frame.index[:3], "service_date"] = "not a date"
    out = tmp_path / "pack"
    pk.build_evidence_pack(
        inputs["benefits"], plan=inputs["plan"], claims=frame, out=out, prepared_on=PREPARED
    )
    with pdfplumber.open(out / "report.pdf") as pdf:
        text = " ".join(" ".join((p.extract_text() or "") for p in pdf.pages).split())
    excluded = text[text.index("Data excluded") :]
    assert "fewer than 11" in excluded
    assert "Claim lines scanned 3,000" in excluded  # the file; page 1 counts the plan's lines
    assert not re.search(r"\bservice date\)? 3\b", excluded)
