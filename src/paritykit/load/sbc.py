"""Read a plan's Summary of Benefits and Coverage (SBC) PDF into the benefits data contract.

The SBC is a uniform federal form (45 CFR 147.200; 29 CFR 2590.715-2715) with a fixed chart:
"Common Medical Event | Services You May Need | What You Will Pay (one column per network) |
Limitations, Exceptions, & Other Important Information". :func:`read_sbc` finds that chart on
each page of a PDF that has a text layer (pdfplumber gives each word's position), reads it row by
row, maps each service onto the six classifications of 29 CFR 2590.712(c)(2)(ii) and each cost
onto a requirement type and level, and says where it was unsure (``needs_review``).

What it reads (see ``docs/sbc.md``):

- the header: plan name, coverage period, "Coverage for", plan type; which template (2012 or
  2017/2020);
- "Important Questions": the overall deductible and out-of-pocket limit (individual and family,
  in and out of network), and other deductibles for specific services (a deductible for MH/SUD
  services only is a separate deductible, 29 CFR 2590.712(c)(3)(v));
- the chart: copays ("$30 copay/visit"), coinsurance ("20% coinsurance"), "No charge",
  "Not covered", "deductible does not apply", "after deductible"/"Deductible then ...";
- the limitations column: visit and day limits ("Limited to 20 visits per year", "60
  visits/year") and prior-authorization notes ("Preauthorization is required").

Projected payments (which only the plan has) are left empty.
"""

from __future__ import annotations

import bisect
import os
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from paritykit import columns as C
from paritykit import vocab
from paritykit.errors import InputFileError

__all__ = [
    "ENTRY_COLUMNS",
    "PROBLEM_COLUMNS",
    "SBC_EXTRA_COLUMNS",
    "SbcRead",
    "combine_sbc_reads",
    "read_sbc",
    "write_sbc_workbook",
]

#: Columns :func:`read_sbc` adds to the benefits contract in ``SbcRead.benefits``.
NEEDS_REVIEW = "needs_review"
REVIEW_NOTE = "review_note"
SOURCE_PAGE = "source_page"
SOURCE_TEXT = "source_text"
PRIOR_AUTHORIZATION = "prior_authorization"
SBC_EXTRA_COLUMNS: tuple[str, ...] = (
    NEEDS_REVIEW,
    REVIEW_NOTE,
    SOURCE_PAGE,
    SOURCE_TEXT,
    PRIOR_AUTHORIZATION,
)
#: One row per chart row and network column as read (``SbcRead.to_frame()``).
ENTRY_COLUMNS: tuple[str, ...] = (
    "file",
    "page",
    "row",
    "event",
    "service",
    "network",
    "cost_text",
    "limitations",
    C.CLASSIFICATION,
    C.SUB_CLASSIFICATION,
    C.SIDE,
    "status",
    "copay",
    "coinsurance",
    "deductible",
    "visit_limit",
    "day_limit",
    PRIOR_AUTHORIZATION,
    NEEDS_REVIEW,
    REVIEW_NOTE,
)
#: Columns of ``SbcRead.problems``.
PROBLEM_COLUMNS: tuple[str, ...] = ("file", "page", "row", "text", "problem", "action")
#: Columns of ``SbcRead.plan_costs``.
PLAN_COST_COLUMNS: tuple[str, ...] = ("cost", "network", "unit", "amount", "page", "text")

# --- wording ------------------------------------------------------------------------------------
_MONEY = r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?"
_MONEY_RE = re.compile(_MONEY)
_PERCENT_RE = re.compile(r"(\d{1,3}(?:\.\d+)?)\s?%")
_NOT_COVERED = re.compile(r"\bnot\s+covered\b|\bno\s+coverage\b|\bexcluded\b", re.I)
_NO_CHARGE = re.compile(
    r"\bno\s+charge\b|\bcovered\s+in\s+full\b|\b100%\s+covered\b|\bno\s+cost\b|\$0\b(?!\.\d*[1-9])",
    re.I,
)
_DED_WAIVED = re.compile(
    r"deductible\s+(?:does\s+not|doesn.t|do\s+not|don.t)\s+apply|\bno\s+deductible\b|"
    r"not\s+subject\s+to\s+(?:the\s+)?deductible|deductible\s+(?:is\s+)?waived|"
    r"before\s+(?:the\s+|you\s+meet\s+(?:the\s+|your\s+)?)?deductible",
    re.I,
)
_DED_APPLIES = re.compile(
    r"after\s+(?:the\s+|your\s+)?(?:[\w/-]+\s+){0,3}?deductible|deductible,?\s+(?:and\s+)?then\b|"
    r"deductible\s+applies|subject\s+to\s+(?:the\s+)?deductible|\bafter\s+ded\b",
    re.I,
)
_DED_AMOUNT = re.compile(_MONEY + r"\s*(?:[\w/-]+\s+){0,3}?deductible", re.I)
_PER_UNIT = re.compile(
    r"(?:/|\bper\s+|\ba\s+)(day|stay|admission|admit|confinement|trip|episode)\b", re.I
)
_TIER = re.compile(r"\btier\s*(\d+|[ivx]+)\b", re.I)
_PA = re.compile(
    r"pre-?\s?authori[sz]ation|prior\s+authori[sz]ation|pre-?\s?certification|"
    r"\bprecert\b|prior\s+approval|pre-?\s?approval|must\s+be\s+authori[sz]ed",
    re.I,
)
_PA_NEGATED = re.compile(
    r"\b(?:no|not)\s+(?:pre-?\s?authori|prior\s+authori|pre-?\s?certif)\w*|"
    r"(?:pre-?\s?authori[sz]ation|prior\s+authori[sz]ation|pre-?\s?certification)\s+"
    r"(?:is\s+)?not\s+required",
    re.I,
)
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
}
_LIMIT = re.compile(
    r"(?<![-\d])\b(\d{1,4}|" + "|".join(_NUMBER_WORDS) + r")\s+(visits?|days?)\b(?![\s-]*supply)",
    re.I,
)
_DOLLAR_LIMIT = re.compile(
    r"(?:up\s+to|maximum\s+of|limited\s+to|max(?:imum)?)\s+" + _MONEY + r"\s*(?:per|/|a|each)",
    re.I,
)
_MHSUD = re.compile(
    r"mental|behavioral|behavioural|substance|\bsud\b|psychiatr|chemical\s+dependenc|"
    r"alcohol|addiction|\bdetox",
    re.I,
)
_DRUGS = re.compile(
    r"\bdrugs?\b|\bgeneric\b|\bbrand\b|\bspecialty\b|prescription|pharmacy|formulary", re.I
)
_EMERGENCY = re.compile(
    r"emergency\s+(?:room|services?|care|department|medical\s+transportation)|ambulance", re.I
)
_INPATIENT = re.compile(
    r"inpatient|hospital\s+(?:room|stay)|skilled\s+nursing|facility\s+services|"
    r"delivery\s+and\s+all\s+inpatient|residential",
    re.I,
)
_AMBIGUOUS_SETTING = re.compile(
    r"hospice|\brehabilitation\b|\bhabilitation\b|childbirth/delivery\s+professional", re.I
)
_PEDIATRIC_DENTAL_VISION = re.compile(r"eye\s+exam|glasses|dental|vision|contact\s+lens", re.I)
_OUT_OF_NETWORK = re.compile(
    r"out[\s-]*of[\s-]*network|non[\s-]*participating|non[\s-]*network|non[\s-]*preferred\s+"
    r"provider|pay\s+the\s+most|non[\s-]*contracted",
    re.I,
)
#: Words a cost cell may hold besides its amounts, which do not change its meaning.
_COST_WORDS = frozenset(
    [
        "copay",
        "copays",
        "copayment",
        "copayments",
        "co-pay",
        "coinsurance",
        "co-insurance",
        "per",
        "visit",
        "visits",
        "office",
        "test",
        "tests",
        "prescription",
        "prescriptions",
        "retail",
        "mail",
        "order",
        "and",
        "day",
        "stay",
        "admission",
        "trip",
        "then",
        "after",
        "the",
        "your",
        "deductible",
        "deductibles",
        "does",
        "not",
        "apply",
        "doesn't",
        "doesn’t",
        "no",
        "charge",
        "applies",
        "subject",
        "to",
        "a",
        "an",
        "of",
        "for",
        "plan",
        "pays",
        "you",
        "pay",
        "all",
        "other",
        "after-deductible",
        "each",
        "fee",
        "fees",
        "visit/day",
        "in",
        "full",
        "covered",
        "waived",
        "before",
        "meet",
        "is",
        "supply",
        "service",
        "services",
        "copay/visit",
        "first",
    ]
)

_FOOTER = re.compile(
    r"^\s*(?:\[?\*\s*for\s+more\s+information|for\s+more\s+information\s+about\s+limitations|"
    r"questions:|page\s+\d+\s+of\s+\d+|\d+\s+of\s+\d+\s*$|excluded\s+services|"
    r"services\s+your\s+plan|\(?omb\s+control|if\s+you\s+aren.t\s+clear|the\s+plan\s+would\s+be"
    r"|about\s+these\s+coverage\s+examples|coverage\s+examples)",
    re.I,
)
_CHART_END = re.compile(r"excluded\s+services|services\s+your\s+plan", re.I)
_HEADER_WORDS = frozenset(
    [
        "common",
        "medical",
        "event",
        "services",
        "you",
        "may",
        "need",
        "what",
        "will",
        "pay",
        "your",
        "cost",
        "if",
        "use",
        "a",
        "an",
        "network",
        "provider",
        "providers",
        "out-of-network",
        "in-network",
        "out",
        "of",
        "in",
        "participating",
        "non",
        "non-participating",
        "nonparticipating",
        "preferred",
        "non-preferred",
        "limitations",
        "exceptions",
        "&",
        "other",
        "important",
        "information",
        "the",
        "least",
        "most",
        "tier",
        "1",
        "2",
        "3",
        "level",
        "plan's",
        "of-network",
        "contracted",
        "non-contracted",
    ]
)
_QUESTION_HEADER = re.compile(r"important\s+questions", re.I)


# --- geometry -----------------------------------------------------------------------------------
@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    text: str


@dataclass
class _Block:
    top: float
    bottom: float
    lines: list[_Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        return _clean(" ".join(line.text for line in self.lines))

    @property
    def center(self) -> float:
        return (self.top + self.bottom) / 2


def _clean(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u2011", "-")
    text = re.sub(r"(\w)/ (\w)", r"\1/\2", text)
    text = re.sub(r"(\w)- (\w)", lambda m: m.group(1) + "-" + m.group(2), text)
    return re.sub(r"\s+", " ", text).strip()


def _page_lines(words: list[dict[str, Any]], tol: float = 2.5) -> list[list[dict[str, Any]]]:
    """Words grouped into visual lines (similar ``top``), each sorted left to right."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= tol:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _column_blocks(words: list[dict[str, Any]], rules: list[float] | None = None) -> list[_Block]:
    """The words of one column grouped into lines, and lines into blocks (cells)."""
    lines: list[_Line] = []
    for group in _page_lines(words):
        lines.append(
            _Line(
                top=min(w["top"] for w in group),
                bottom=max(w["bottom"] for w in group),
                x0=min(w["x0"] for w in group),
                text=" ".join(w["text"] for w in group),
            )
        )
    if not lines:
        return []
    height = statistics.median(line.bottom - line.top for line in lines)
    blocks: list[_Block] = []
    for line in lines:
        ruled = bool(blocks) and any(
            (blocks[-1].lines[-1].top + blocks[-1].lines[-1].bottom) / 2
            < r
            < (line.top + line.bottom) / 2
            for r in rules or ()
        )
        if blocks and not ruled and line.top - blocks[-1].bottom <= 0.45 * height:
            blocks[-1].lines.append(line)
            blocks[-1].bottom = max(blocks[-1].bottom, line.bottom)
        else:
            blocks.append(_Block(line.top, line.bottom, [line]))
    return blocks


#: How the template's service names begin: a line beginning so (with a capital letter) starts a
#: new row, also where the chart has no borders between rows.
_SERVICE_START = re.compile(
    r"^(?:primary\s+care|specialist\s+visit|other\s+practitioner|preventive\s+care|"
    r"diagnostic\s+test|imaging|generic\s+drugs|preferred\s+brand|non-preferred\s+brand|"
    r"specialty\s+drugs|facility\s+fee|physician/surgeon|emergency\s+room|emergency\s+medical|"
    r"urgent\s+care|mental/behavioral|substance\s+use\s+disorder|outpatient\s+services|"
    r"inpatient\s+services|office\s+visits|childbirth|prenatal|delivery\s+and|home\s+health|"
    r"rehabilitation\s+services|habilitation\s+services|skilled\s+nursing|durable\s+medical|"
    r"hospice)",
    re.I,
)


def _split_services(blocks: list[_Block]) -> list[_Block]:
    """Split a block of service lines where a line begins a new template service name."""
    out: list[_Block] = []
    for block in blocks:
        current: list[_Line] = []
        for line in block.lines:
            if current and line.text[:1].isupper() and _SERVICE_START.match(line.text):
                out.append(_Block(current[0].top, max(x.bottom for x in current), current))
                current = []
            current.append(line)
        out.append(_Block(current[0].top, max(x.bottom for x in current), current))
    return out


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


@dataclass
class _Columns:
    """Column boundaries of a chart on a page: x-ranges, in reading order."""

    names: list[str]
    bounds: list[tuple[float, float]]
    labels: list[str]
    header_bottom: float

    def index(self, x: float) -> int | None:
        for i, (a, b) in enumerate(self.bounds):
            if a <= x < b:
                return i
        return None


def _vertical_edges(page: Any, top: float, bottom: float) -> list[float]:
    xs = []
    for edge in page.edges:
        if edge.get("orientation") != "v":
            continue
        if edge["bottom"] - edge["top"] < 8 or edge["bottom"] < top or edge["top"] > bottom:
            continue
        xs.append(float(edge["x0"]))
    return sorted(xs)


def _boundary(right: float, left: float, edges: list[float]) -> float:
    """Where a column ends: a ruling between the two header texts, else the midpoint."""
    mid = (right + left) / 2
    candidates = [x for x in edges if right - 1 <= x <= left + 1]
    return min(candidates, key=lambda x: abs(x - mid)) if candidates else mid


def _clusters(words: list[dict[str, Any]], slack: float = 3.0) -> list[list[dict[str, Any]]]:
    """Header words grouped into columns by overlapping x-ranges."""
    groups: list[list[dict[str, Any]]] = []
    span: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: w["x0"]):
        if span and word["x0"] <= span[-1][1] + slack:
            groups[-1].append(word)
            span[-1] = (span[-1][0], max(span[-1][1], word["x1"]))
        else:
            groups.append([word])
            span.append((word["x0"], word["x1"]))
    return groups


def _label(words: list[dict[str, Any]]) -> str:
    ordered = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    return _clean(" ".join(w["text"] for w in ordered))


def _is_header_line(line: list[dict[str, Any]]) -> bool:
    tokens = [w["text"].strip(",:;()-").lower() for w in line]
    return bool(tokens) and all(t in _HEADER_WORDS or t in ("&", "") for t in tokens)


def _find_chart_columns(page: Any, words: list[dict[str, Any]]) -> _Columns | None:
    """Locate the chart's header on a page and derive its columns, or None."""
    lines = _page_lines(words)
    anchor = None
    for n, line in enumerate(lines):
        texts = [w["text"].lower() for w in line]
        for i, t in enumerate(texts):
            if t == "services" and texts[i + 1 : i + 4] == ["you", "may", "need"]:
                anchor = (n, line[i], line[i + 3])
                break
        if anchor:
            break
    if anchor is None:
        return None
    n, svc_first, svc_last = anchor
    first = last = n
    while first > 0 and n - first < 6 and _is_header_line(lines[first - 1]):
        first -= 1
    while last + 1 < len(lines) and last - n < 8 and _is_header_line(lines[last + 1]):
        last += 1
    header = [w for line in lines[first : last + 1] for w in line]
    header_bottom = max(w["bottom"] for w in header)
    # Drop the spanning "What You Will Pay" title.
    texts = [w["text"].lower() for w in header]
    drop: set[int] = set()
    for i in range(len(header) - 3):
        if texts[i : i + 4] == ["what", "you", "will", "pay"]:
            drop.update(range(i, i + 4))
    header = [w for i, w in enumerate(header) if i not in drop]
    limits = [w for w in header if w["text"].lower().startswith("limitations")]
    svc_x0, svc_x1 = svc_first["x0"], svc_last["x1"]
    event = [w for w in header if w["x1"] <= svc_x0 + 1]
    lim_x0 = min(w["x0"] for w in limits) if limits else page.width
    costs = [w for w in header if w["x0"] >= svc_x1 - 1 and w["x1"] <= lim_x0 + 1]
    costs = [w for w in costs if w not in limits]
    groups = [g for g in _clusters(costs) if g]
    if not groups:
        return None
    if limits:  # words of the limitations header sit in its own column
        lim_x0 = min(w["x0"] for w in header if w["x0"] >= lim_x0 - 1)
    edges = _vertical_edges(page, header[0]["top"] if header else 0, page.height)
    left = 0.0
    names = ["event", "service"]
    labels = [_label(event) if event else "Common Medical Event", "Services You May Need"]
    ev_right = max((w["x1"] for w in event), default=svc_x0 - 10)
    b_service = _boundary(ev_right, svc_x0, edges) if event else svc_x0 - 6
    starts = [left, b_service]
    prev_right = svc_x1
    for k, group in enumerate(groups):
        g0 = min(w["x0"] for w in group)
        starts.append(_boundary(prev_right, g0, edges))
        prev_right = max(w["x1"] for w in group)
        names.append(f"cost{k}")
        labels.append(_label(group))
    if limits:
        starts.append(_boundary(prev_right, lim_x0, edges))
        names.append("limitations")
        labels.append(_label([w for w in header if w["x0"] >= lim_x0 - 1]))
    right = max(w["x1"] for w in words) + 4
    bounds = [
        (starts[i], starts[i + 1] if i + 1 < len(starts) else right) for i in range(len(starts))
    ]
    return _Columns(names=names, bounds=bounds, labels=labels, header_bottom=header_bottom)


def _chart_bottom(words: list[dict[str, Any]], below: float) -> tuple[float, bool]:
    """Where the chart ends on a page, and whether the chart ends there for good."""
    for line in _page_lines(words):
        if line[0]["top"] <= below:
            continue
        text = " ".join(w["text"] for w in line)
        if _FOOTER.match(text):
            final = bool(_CHART_END.match(text.strip()))
            return line[0]["top"] - 0.5, final
    return float("inf"), False


@dataclass
class _ChartRow:
    page: int
    top: float
    cells: dict[str, str]
    pages: set[int]


def _rules(
    page: Any,
    span: tuple[float, float],
    top: float,
    bottom: float,
    words: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> list[float]:
    """Heights of the horizontal rules (cell borders) across a column, top to bottom.

    Only lines and thin rectangles count: filled rectangles behind text (some word processors
    shade every line) are not borders, nor is the underline of an underlined (glossary) term,
    which starts where a word starts, just below it.
    """
    x0, x1 = max(span[0], 0.0), min(span[1], float(page.width))
    width = x1 - x0
    ys: list[float] = []
    for shape in [*page.lines, *page.rects]:
        if shape["bottom"] - shape["top"] > 2 or not (top - 1 <= shape["top"] <= bottom + 1):
            continue
        if _overlap(shape["x0"], shape["x1"], x0, x1) < 0.6 * width:
            continue
        underline = any(
            abs(w["x0"] - shape["x0"]) < 1.5
            and w["top"] + 0.5 * (w["bottom"] - w["top"]) <= shape["top"] <= w["bottom"] + 3
            for w in words
        )
        if underline:
            continue
        y = (float(shape["top"]) + float(shape["bottom"])) / 2
        if all(abs(y - v) > 2 for v in ys):
            ys.append(y)
    return sorted(ys)


def _read_rows(
    words: list[dict[str, Any]],
    cols: _Columns,
    top: float,
    bottom: float,
    page_no: int,
    page: Any = None,
) -> tuple[list[_ChartRow], dict[str, str]]:
    """Read the rows of the chart between ``top`` and ``bottom``.

    Returns the rows (keyed by the service column) and the text above the first service label
    (the rest of a row that began on the previous page), by column.
    """
    by_col: dict[str, list[dict[str, Any]]] = {name: [] for name in cols.names}
    for w in words:
        mid_y = (w["top"] + w["bottom"]) / 2
        if not (top < mid_y < bottom):
            continue
        i = cols.index((w["x0"] + w["x1"]) / 2)
        if i is not None:
            by_col[cols.names[i]].append(w)

    def rules(name: str) -> list[float]:
        if page is None:
            return []
        return _rules(page, cols.bounds[cols.names.index(name)], top, bottom, by_col[name])

    keys = _split_services(_column_blocks(by_col["service"], rules("service")))
    rows = [_ChartRow(page_no, b.top, {"service": b.text}, {page_no}) for b in keys]
    carry: dict[str, list[str]] = {}
    if "event" in by_col and keys:
        events = _column_blocks(by_col["event"])
        event_rules = rules("event")
        for row, key in zip(rows, keys, strict=True):
            overlaps = [_overlap(e.top, e.bottom, key.top, key.bottom) for e in events]
            if overlaps and max(overlaps) > 0:
                row.cells["event"] = events[int(np.argmax(overlaps))].text
            elif event_rules:  # the ruled cell holding the row holds its event
                seg = bisect.bisect(event_rules, key.center)
                texts = [e.text for e in events if bisect.bisect(event_rules, e.center) == seg]
                if texts:
                    row.cells["event"] = " ".join(texts)
    for name in cols.names:
        if name in ("service", "event"):
            continue
        for block in _column_blocks(by_col[name], rules(name)):
            if not keys or block.bottom < keys[0].top - 0.5:
                carry.setdefault(name, []).append(block.text)
                continue
            overlaps = [_overlap(block.top, block.bottom, k.top, k.bottom) for k in keys]
            if sum(o > 0 for o in overlaps) > 1 and len(block.lines) > 1:
                # Text running past one row (a merged cell, or cells without borders between
                # them): each line goes to the row beside it.
                for line in block.lines:
                    line_overlaps = [_overlap(line.top, line.bottom, k.top, k.bottom) for k in keys]
                    centre = (line.top + line.bottom) / 2
                    i = (
                        int(np.argmax(line_overlaps))
                        if max(line_overlaps) > 0
                        else int(np.argmin([abs(centre - k.center) for k in keys]))
                    )
                    rows[i].cells[name] = _clean(f"{rows[i].cells.get(name, '')} {line.text}")
                continue
            if max(overlaps) > 0:
                targets = [int(np.argmax(overlaps))]
            else:
                targets = [int(np.argmin([abs(block.center - k.center) for k in keys]))]
            for i in targets:
                cell = rows[i].cells
                cell[name] = _clean(f"{cell.get(name, '')} {block.text}")
    return rows, {k: " ".join(v) for k, v in carry.items()}


# --- parsing cells ------------------------------------------------------------------------------
def _money(match: re.Match[str]) -> float:
    whole = match.group(1).replace(",", "")
    cents = match.group(2)
    return float(f"{whole}.{cents}") if cents else float(whole)


@dataclass
class _Cost:
    status: str  # "covered", "not_covered", "unread"
    copay: float | None = None
    coinsurance: float | None = None
    deductible: str | None = None  # "applies", "waived", or None
    deductible_amount: float | None = None
    notes: list[str] = field(default_factory=list)


def _parse_cost(text: str) -> _Cost:
    if not text.strip():
        return _Cost("unread", notes=["the cell is empty"])
    if _NOT_COVERED.search(text) and not _MONEY_RE.search(text) and not _PERCENT_RE.search(text):
        return _Cost("not_covered", notes=["not covered"])
    cost = _Cost("covered")
    work = text
    ded_amounts = list(_DED_AMOUNT.finditer(work))
    if ded_amounts:
        cost.deductible = "applies"
        cost.deductible_amount = _money(ded_amounts[0])
        for m in ded_amounts:
            work = work.replace(m.group(0), " deductible ")
        cost.notes.append("a deductible amount is written in the row")
    if _DED_WAIVED.search(work):
        cost.deductible = "waived"
    elif _DED_APPLIES.search(work):
        cost.deductible = "applies"
    copays = [_money(m) for m in _MONEY_RE.finditer(work)]
    percents = [float(m.group(1)) for m in _PERCENT_RE.finditer(work)]
    if _NO_CHARGE.search(work) and not copays and not percents:
        cost.copay = 0.0
    if copays:
        cost.copay = copays[0]
        if len(copays) > 1:
            cost.notes.append(
                f"more than one copay ({', '.join(f'${c:,.0f}' for c in copays)}): one row may "
                "hold two services"
            )
    if percents:
        cost.coinsurance = percents[0]
        if len(percents) > 1:
            cost.notes.append(
                f"more than one coinsurance ({', '.join(f'{p:g}%' for p in percents)})"
            )
    if cost.copay is None and cost.coinsurance is None:
        return _Cost("unread", notes=["no copay, coinsurance, 'No charge' or 'Not covered' found"])
    if copays and percents:
        cost.notes.append("a copay and a coinsurance in one cell (for different services?)")
    per = _PER_UNIT.search(work)
    if per and copays:
        cost.notes.append(f"the copay is per {per.group(1).lower()}, not per visit")
    if cost.deductible == "applies":
        cost.notes.append("the deductible applies first: check its amount and accumulation")
    if _TIER.search(work):
        cost.notes.append("a tier is named in the cell")
    leftover = _leftover_words(work)
    if leftover:
        cost.notes.append(f"wording not fully understood: {' '.join(leftover)!r}")
    return cost


def _leftover_words(text: str) -> list[str]:
    stripped = _MONEY_RE.sub(" ", text)
    stripped = _PERCENT_RE.sub(" ", stripped)
    out = []
    for token in re.split(r"[\s;,()/]+", stripped.lower()):
        token = token.strip(".:-–*")
        if token and token not in _COST_WORDS and not token.isdigit():
            out.append(token)
    return out


def _limits(text: str) -> tuple[int | None, int | None, list[str]]:
    visits = days = None
    notes: list[str] = []
    for m in _LIMIT.finditer(text):
        raw = m.group(1).lower()
        number = _NUMBER_WORDS.get(raw) or int(raw)
        if m.group(2).lower().startswith("visit"):
            visits = visits or number
        else:
            days = days or number
    if _DOLLAR_LIMIT.search(text):
        notes.append("a dollar limit is written in the limitations (not read)")
    return visits, days, notes


def _prior_auth(text: str) -> str | None:
    if not _PA.search(text) or _PA_NEGATED.search(text):
        return None
    for sentence in re.split(r"(?<=[.;])\s+", text):
        if _PA.search(sentence):
            return sentence.strip()
    return text.strip()  # pragma: no cover - the search above found it


# --- classification -----------------------------------------------------------------------------
def _setting(service: str, event: str) -> tuple[str, list[str]]:
    """``outpatient``/``inpatient``/``emergency``/``prescription_drugs``/``excluded``."""
    notes: list[str] = []
    both = f"{service} {event}"
    if re.search(r"child", event, re.I) and _PEDIATRIC_DENTAL_VISION.search(both):
        return "excluded", ["pediatric dental or vision care: not a medical/surgical benefit"]
    if _DRUGS.search(event) or (_DRUGS.search(service) and not _MHSUD.search(service)):
        return "prescription_drugs", notes
    if _EMERGENCY.search(service):
        return "emergency", notes
    if _AMBIGUOUS_SETTING.search(service):
        notes.append("inpatient or outpatient depends on the plan's terms: check")
    if re.search(r"outpatient|office", service, re.I):
        return "outpatient", notes
    if (
        _INPATIENT.search(service)
        or re.search(r"hospice", service, re.I)
        or re.search(r"hospital\s+stay", event, re.I)
    ):
        return "inpatient", notes
    if re.search(r"urgent\s+care", service, re.I):
        notes.append("urgent care read as outpatient (some plans classify it as emergency)")
    return "outpatient", notes


def _side(service: str, event: str) -> str:
    if _MHSUD.search(service):
        return vocab.MHSUD
    if _MHSUD.search(event) and not re.search(r"physician|surgeon|dental|eye", service, re.I):
        return vocab.MHSUD
    return vocab.MS


def _network_kind(label: str) -> str:
    return "out" if _OUT_OF_NETWORK.search(label) else "in"


def _tier_name(label: str, index: int) -> str:
    match = _TIER.search(label)
    if match:
        return f"tier_{match.group(1).lower()}"
    words = re.sub(r"\(.*?\)", " ", label)
    return vocab.normalize_token(words) or f"network_{index + 1}"


# --- the result ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SbcRead:
    """What :func:`read_sbc` read from one SBC PDF.

    Attributes
    ----------
    benefits : pandas.DataFrame
        The benefits data contract (``paritykit.columns.BENEFITS_COLUMNS``) with
        ``projected_payments`` empty, plus ``needs_review``, ``review_note``, ``source_page``,
        ``source_text`` and ``prior_authorization`` on every row.
    entries : pandas.DataFrame
        Every chart row and network column as read (:data:`ENTRY_COLUMNS`), including what is
        not in ``benefits`` (not covered, pediatric dental/vision, unread cells).
    nqtls : pandas.DataFrame
        Prior-authorization requirements as written, in the NQTL inventory contract.
    problems : pandas.DataFrame
        What could not be read and what to do (:data:`PROBLEM_COLUMNS`).
    plan_costs : pandas.DataFrame
        Deductibles and out-of-pocket limits from "Important Questions".
    plan_name, coverage_period, coverage_for, plan_type, template : str or None
        From the SBC's header; ``template`` is ``"2012"`` or ``"2020"`` (the 2017/2020 form).
    source : str
        The file read.
    pages : int
        Pages in the file.
    """

    benefits: pd.DataFrame
    entries: pd.DataFrame
    nqtls: pd.DataFrame
    problems: pd.DataFrame
    plan_costs: pd.DataFrame
    plan_name: str | None
    coverage_period: str | None
    coverage_for: str | None
    plan_type: str | None
    template: str | None
    source: str
    pages: int

    @property
    def plan_id(self) -> str:
        """The plan identifier used on every row (the plan name, else the file name)."""
        return str(self.benefits[C.PLAN_ID].iloc[0]) if len(self.benefits) else self.source

    def to_frame(self) -> pd.DataFrame:
        """Every chart row and network column as read (a copy of ``entries``)."""
        return self.entries.copy()

    @property
    def n_needs_review(self) -> int:
        """How many benefit rows need review (``needs_review``)."""
        return int(self.benefits[NEEDS_REVIEW].sum()) if len(self.benefits) else 0

    def contract_benefits(self) -> pd.DataFrame:
        """The benefits in the benefits contract's columns only, as ``paritykit report --sbc``
        (and the web app) pass them to :func:`paritykit.build_evidence_pack`; the SBC's file
        name is kept in ``attrs["source"]`` for messages and the Provenance sheet."""
        benefits = self.benefits[list(C.BENEFITS_COLUMNS)].copy()
        benefits.attrs["source"] = self.source
        return benefits

    def summary(self) -> str:
        """A few lines for the command line: what was read and what needs review."""
        n_review = int(self.benefits[NEEDS_REVIEW].sum()) if len(self.benefits) else 0
        status = self.entries["status"].value_counts().to_dict() if len(self.entries) else {}
        parts = [
            f"{self.source}: {self.plan_name or 'plan name not found'}"
            + (f", coverage period {self.coverage_period}" if self.coverage_period else "")
            + (f" ({self.template} template)" if self.template else ""),
            f"  {len(self.benefits)} benefit rows ({n_review} need review), "
            f"{len(self.nqtls)} prior-authorization entries, {len(self.problems)} problem(s)",
        ]
        others = {k: v for k, v in status.items() if k != "in_benefits"}
        if others:
            parts.append(
                "  not in the benefits rows: "
                + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in sorted(others.items()))
            )
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.summary()


# --- reading ------------------------------------------------------------------------------------
class _Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.rows: list[dict[str, object]] = []

    def add(
        self,
        problem: str,
        action: str,
        *,
        page: int | None = None,
        row: int | None = None,
        text: str | None = None,
    ) -> None:
        self.rows.append(
            {
                "file": self.file,
                "page": page,
                "row": row,
                "text": text,
                "problem": problem,
                "action": action,
            }
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=list(PROBLEM_COLUMNS)).astype(
            {"page": "Int64", "row": "Int64"}
        )


def _open_pdf(path: Path) -> Any:
    import pdfplumber

    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder; give the SBC's PDF file")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: the file is empty (0 bytes)")
    with path.open("rb") as handle:
        magic = handle.read(1024)
    if b"%PDF-" not in magic:
        raise InputFileError(
            f"{path}: not a PDF file (it does not start with %PDF-); give the SBC as a PDF"
        )
    try:
        return pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many types for broken files
        raise InputFileError(
            f"{path}: the PDF could not be read ({type(exc).__name__}); it may be damaged or "
            "encrypted. Save or print it again as a PDF and retry."
        ) from exc


def _header_facts(text: str) -> dict[str, str | None]:
    facts: dict[str, str | None] = {}
    m = re.search(r"Coverage\s+Period:?\s*([0-9/.\-]+\s*[–—-]\s*[0-9/.\-]+)", text, re.I)
    facts["coverage_period"] = _clean(m.group(1)) if m else None
    m = re.search(
        r"Coverage\s+for:?\s*(.+?)\s*\|\s*Plan\s+Type:?\s*([A-Za-z/ -]+?)\s*$", text, re.I | re.M
    )
    facts["coverage_for"] = _clean(m.group(1)) if m else None
    facts["plan_type"] = _clean(m.group(2)) if m else None
    if re.search(r"What\s+You\s+Pay\s+for\s+Covered\s+Services", text, re.I):
        facts["template"] = "2020"
    elif re.search(r"What\s+it\s+Costs", text, re.I):
        facts["template"] = "2012"
    else:
        facts["template"] = None
    name = None
    for line in text.splitlines()[:6]:
        line = re.sub(
            r"Summary\s+of\s+Benefits\s+and\s+Coverage:?.*?(Services|Costs)", " ", line, flags=re.I
        )
        line = re.sub(r"Coverage\s+(Period|for):.*$", " ", line, flags=re.I)
        line = _clean(line).strip(":|- ")
        if line and not re.match(r"(coverage examples|the summary|this is only)", line, re.I):
            name = line
            break
    facts["plan_name"] = name
    return facts


def _plan_costs(answer: str, cost: str, page: int) -> list[dict[str, object]]:
    """Amounts from an answer like "$500 / individual or $1,000 / family; for out-of-network..."."""
    out: list[dict[str, object]] = []
    segments = re.split(
        r"(?=\b(?:for\s+)?(?:out[\s-]*of[\s-]*network|non[\s-]*participating|non[\s-]*network)"
        r"\s+provider)",
        answer,
        flags=re.I,
    )
    for n, segment in enumerate(segments):
        network = "out" if n > 0 else ("both" if len(segments) == 1 else "in")
        if len(segments) == 1 and _OUT_OF_NETWORK.search(segment):
            network = "out"
        for m in re.finditer(
            _MONEY + r"\s*(?:/|per)?\s*(individual|person|self|single|"
            r"member|employee|family)?",
            segment,
            re.I,
        ):
            unit = (m.group(3) or "individual").lower()
            unit = "family" if unit == "family" else "individual"
            out.append(
                {
                    "cost": cost,
                    "network": network,
                    "unit": unit,
                    "amount": _money(m),
                    "page": page,
                    "text": _clean(answer),
                }
            )
    return out


def _specific_deductibles(answer: str) -> list[tuple[float, str]]:
    """(amount, what it is for) pairs from "Yes. $300 for prescription drug coverage and ..."."""
    if re.match(r"\s*no\b", answer, re.I):
        return []
    found = []
    for m in re.finditer(
        _MONEY + r"\s+(?:deductible\s+)?(?:for|on)\s+(.+?)(?=\s+and\s+\$|[.;]|$)", answer, re.I
    ):
        found.append((_money(m), _clean(m.group(3))))
    return found


def read_sbc(path: str | os.PathLike[str], *, plan_id: str | None = None) -> SbcRead:
    """Read an SBC PDF (2012 or 2017/2020 template) into the benefits data contract.

    Parameters
    ----------
    path : path
        The SBC as a PDF with a text layer (as insurers publish them; a scanned SBC needs
        optical character recognition first).
    plan_id : str, optional
        The ``plan_id`` to put on every row; default: the plan name on the SBC (else the file
        name).

    Returns
    -------
    SbcRead
        ``.benefits`` (the contract, projected payments empty, with ``needs_review``,
        ``source_page`` and ``source_text`` on each row), ``.nqtls`` (prior authorization as
        written), ``.problems``, ``.plan_costs`` and the plan's name and coverage period;
        ``to_frame()`` lists every chart cell as read.

    Raises
    ------
    InputFileError
        When the file is missing, not a PDF, unreadable, has no text layer (a scanned image),
        or has no SBC chart ("Services You May Need").

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import paritykit as pk
    >>> from paritykit.synth.sbc import write_sample_sbc
    >>> pdf = write_sample_sbc(pathlib.Path(tempfile.mkdtemp()) / "sbc.pdf")
    >>> sbc = pk.read_sbc(pdf)
    >>> sbc.plan_name, sbc.coverage_period
    ('Example Health Co: Silver PPO 2500', '01/01/2026 – 12/31/2026')
    >>> row = sbc.benefits.query("benefit == 'Specialist visit' and "
    ...                          "classification == 'outpatient_in_network'").iloc[0]
    >>> row["requirement_type"], float(row["level"]), int(row["source_page"])
    ('copay', 50.0, 2)
    """
    path = Path(path)
    name = path.name
    problems = _Problems(name)
    with _open_pdf(path) as pdf:
        pages = []
        for page in pdf.pages:
            words = page.extract_words(use_text_flow=False, keep_blank_chars=False)
            text = page.extract_text() or ""
            pages.append((page, words, text))
        n_pages = len(pages)
        if not any(words for _, words, _ in pages):
            raise InputFileError(
                f"{path}: the PDF has no text layer: its {n_pages} page(s) are images (a scanned "
                "SBC), so there is no text to read. Ask the plan for the SBC as a text PDF (plans "
                "publish them so), or run optical character recognition first (for example "
                "'ocrmypdf in.pdf out.pdf'), or type the SBC into the template: paritykit "
                "template benefits PATH.xlsx"
            )
        first_text = next(text for _, words, text in pages if words)
        facts = _header_facts(first_text)
        chart_rows: list[_ChartRow] = []
        labels: list[str] = []
        plan_cost_rows: list[dict[str, object]] = []
        specific: list[tuple[float, str, int]] = []
        chart_open = False
        last_cols: _Columns | None = None
        for number, (page, words, _text) in enumerate(pages, start=1):
            if not words:
                problems.add(
                    "the page has no text layer (an image, e.g. a scanned page)",
                    "read this page yourself and add its benefits to the template by hand",
                    page=number,
                )
                continue
            _read_questions(page, words, number, plan_cost_rows, specific)
            cols = _find_chart_columns(page, words)
            top = cols.header_bottom if cols else None
            if cols is None and chart_open and last_cols is not None:
                head = " ".join(
                    " ".join(w["text"] for w in line) for line in _page_lines(words)[:6]
                )
                if _CHART_END.search(head):
                    chart_open = False
                    continue
                cols, top = last_cols, min(w["top"] for w in words) + 30
            if cols is None or top is None:
                continue
            if not labels:
                labels = [cols.labels[i] for i, n in enumerate(cols.names) if n.startswith("cost")]
            bottom, final = _chart_bottom(words, top)
            rows, carry = _read_rows(words, cols, top, bottom, number, page)
            if carry and chart_rows:
                previous = chart_rows[-1]
                for key, value in carry.items():
                    if key != "event":
                        previous.cells[key] = _clean(f"{previous.cells.get(key, '')} {value}")
                previous.pages.add(number)
            elif carry:
                problems.add(
                    "text above the first service of the chart was not attached to a row",
                    "check the first row of this page against the SBC",
                    page=number,
                    text=_clean(" ".join(carry.values()))[:300],
                )
            chart_rows.extend(rows)
            chart_open, last_cols = not final, cols
    if not chart_rows:
        raise InputFileError(
            f"{path}: no SBC chart found (no page has the 'Services You May Need' column "
            "header of the federal SBC template). Is this the plan's Summary of Benefits and "
            "Coverage? Other documents are not read; type the benefits into the template: "
            "paritykit template benefits PATH.xlsx"
        )
    pid = plan_id or facts.get("plan_name") or path.stem
    plan_costs = pd.DataFrame(plan_cost_rows, columns=list(PLAN_COST_COLUMNS))
    entries, benefits, nqtls = _build(
        chart_rows, labels, str(pid), name, plan_costs, specific, problems
    )
    return SbcRead(
        benefits=benefits,
        entries=entries,
        nqtls=nqtls,
        problems=problems.frame(),
        plan_costs=plan_costs,
        plan_name=facts.get("plan_name"),
        coverage_period=facts.get("coverage_period"),
        coverage_for=facts.get("coverage_for"),
        plan_type=facts.get("plan_type"),
        template=facts.get("template"),
        source=name,
        pages=n_pages,
    )


def _read_questions(
    page: Any,
    words: list[dict[str, Any]],
    number: int,
    out: list[dict[str, object]],
    specific: list[tuple[float, str, int]],
) -> None:
    """Read the "Important Questions" table on a page, if there is one."""
    lines = _page_lines(words)
    head = None
    for line in lines:
        text = " ".join(w["text"] for w in line)
        if _QUESTION_HEADER.search(text) and re.search(r"\banswers\b", text, re.I):
            head = line
            break
    if head is None:
        return
    answers = [w for w in head if w["text"].lower() == "answers"]
    why = [w for w in head if w["text"].lower() == "why"]
    if not answers:
        return
    a0 = answers[0]["x0"]
    q_right = max(w["x1"] for w in head if w["x1"] < a0)
    edges = _vertical_edges(page, head[0]["top"], page.height)
    b1 = _boundary(q_right, a0, edges)
    b2 = _boundary(answers[0]["x1"], why[0]["x0"], edges) if why else page.width
    cols = _Columns(
        names=["service", "answer", "why"],
        bounds=[(0, b1), (b1, b2), (b2, page.width + 1)],
        labels=["question", "answer", "why"],
        header_bottom=max(w["bottom"] for w in head),
    )
    bottom, _ = _chart_bottom(words, cols.header_bottom)
    chart = _find_chart_columns(page, words)
    if chart is not None:
        bottom = min(bottom, min(w["top"] for w in words if w["top"] >= chart.header_bottom - 40))
    rows, _ = _read_rows(words, cols, cols.header_bottom, bottom, number, page)
    for row in rows:
        question = row.cells.get("service", "")
        answer = row.cells.get("answer", "")
        if re.search(r"overall\s+deductible", question, re.I):
            out.extend(_plan_costs(answer, "deductible", number))
        elif re.search(r"other\s+deductibles", question, re.I):
            specific.extend(
                (amount, what, number) for amount, what in _specific_deductibles(answer)
            )
        elif re.search(r"out.{0,3}of.{0,3}pocket\s+limit", question, re.I) and not re.search(
            r"not\s+included", question, re.I
        ):
            out.extend(_plan_costs(answer, "out_of_pocket_max", number))


def _overall_deductible(plan_costs: pd.DataFrame, kind: str) -> float | None:
    rows = plan_costs[
        (plan_costs["cost"] == "deductible")
        & (plan_costs["unit"] == "individual")
        & (plan_costs["network"].isin([kind, "both"]))
    ]
    return float(rows["amount"].iloc[0]) if len(rows) else None


def _build(
    chart_rows: list[_ChartRow],
    labels: list[str],
    plan_id: str,
    file: str,
    plan_costs: pd.DataFrame,
    specific: list[tuple[float, str, int]],
    problems: _Problems,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    kinds = [_network_kind(label) for label in labels]
    n_in = kinds.count("in")
    tiers = [
        _tier_name(label, i) if kind == "in" and n_in > 1 else None
        for i, (label, kind) in enumerate(zip(labels, kinds, strict=True))
    ]
    mh_deductible = [(a, w, p) for a, w, p in specific if _MHSUD.search(w)]
    drug_deductible = [
        (a, w, p) for a, w, p in specific if _DRUGS.search(w) and not _MHSUD.search(w)
    ]
    for amount, what, page in specific:
        if (amount, what, page) not in mh_deductible + drug_deductible:
            problems.add(
                f"a specific deductible of ${amount:,.0f} for {what} is not placed on any row",
                "add a 'deductible' row to each benefit it applies to",
                page=page,
                text=what,
            )
    if not plan_costs.empty and (plan_costs["cost"] == "deductible").any():
        amount = _overall_deductible(plan_costs, "in")
        problems.add(
            f"the overall deductible (${amount or 0:,.0f} individual, in network) is placed only "
            "on rows whose wording says it applies",
            "the SBC does not say for every benefit whether the deductible applies: add a "
            "'deductible' row to each other benefit subject to it (the plan document says which)",
            page=int(plan_costs["page"].iloc[0]),
        )
    entries: list[dict[str, object]] = []
    benefit_rows: list[dict[str, object]] = []
    last_event = ""
    used_names: dict[tuple[str, str, str], int] = {}
    for index, row in enumerate(chart_rows, start=1):
        service = row.cells.get("service", "")
        event = row.cells.get("event") or last_event
        last_event = event
        limitations = row.cells.get("limitations", "")
        page = row.page
        setting, setting_notes = _setting(service, event)
        side = _side(service, event)
        visits, days, limit_notes = _limits(limitations)
        prior = _prior_auth(limitations)
        benefit = _benefit_name(service)
        for k, label in enumerate(labels):
            text = row.cells.get(f"cost{k}", "")
            cost = _parse_cost(text)
            kind = kinds[k]
            classification, sub = _classification(setting, kind, tiers[k])
            if setting == "prescription_drugs":
                sub = _drug_tier(service)
            skip_note = None
            if setting in ("emergency", "prescription_drugs") and k != kinds.index("in"):
                skip_note = (
                    f"{setting.replace('_', ' ')} is one classification: the first in-network "
                    "column is used"
                )
            notes = [*setting_notes, *cost.notes, *limit_notes]
            if tiers[k]:
                notes.append(f"network tier '{tiers[k]}' used as sub-classification")
            if setting == "prescription_drugs" and sub:
                notes.append(f"drug tier '{sub}' used as sub-classification")
            status = "in_benefits"
            if setting == "excluded":
                status = "excluded"
            elif skip_note:
                status = "other_column"
                notes.append(skip_note)
            elif cost.status == "not_covered":
                status = "not_covered"
            elif cost.status == "unread":
                status = "unread"
                problems.add(
                    f"the cost in column '{label}' was not understood",
                    "type the copay or coinsurance for this service into the template",
                    page=page,
                    row=index,
                    text=f"{service}: {text}"[:300],
                )
            deductible = None
            if cost.deductible == "applies":
                deductible = cost.deductible_amount or _overall_deductible(plan_costs, kind)
            review = bool(notes) and status in ("in_benefits", "not_covered")
            entries.append(
                {
                    "file": file,
                    "page": page,
                    "row": index,
                    "event": event,
                    "service": service,
                    "network": label,
                    "cost_text": text,
                    "limitations": limitations,
                    C.CLASSIFICATION: classification,
                    C.SUB_CLASSIFICATION: sub,
                    C.SIDE: side,
                    "status": status,
                    "copay": cost.copay,
                    "coinsurance": cost.coinsurance,
                    "deductible": deductible,
                    "visit_limit": visits,
                    "day_limit": days,
                    PRIOR_AUTHORIZATION: prior,
                    NEEDS_REVIEW: review or status == "not_covered",
                    REVIEW_NOTE: "; ".join(notes) or None,
                }
            )
            if status != "in_benefits":
                continue
            key = (classification, sub or "", side)
            name = benefit
            count = used_names.get((*key, name.lower()), 0)
            if count:
                name = f"{benefit} ({_event_short(event) or f'row {index}'})"
            used_names[(*key, benefit.lower())] = count + 1
            base = {
                C.PLAN_ID: plan_id,
                C.COVERAGE_UNIT: vocab.COVERAGE_UNIT_DEFAULT,
                C.CLASSIFICATION: classification,
                C.SUB_CLASSIFICATION: sub,
                C.SIDE: side,
                C.BENEFIT: name,
                C.PROJECTED_PAYMENTS: np.nan,
                C.ACCUMULATION: None,
                SOURCE_PAGE: page,
                PRIOR_AUTHORIZATION: prior,
                NEEDS_REVIEW: review,
                REVIEW_NOTE: "; ".join(notes) or None,
            }
            cell_text = f"{service}: {text}"
            levels: list[tuple[str, float, str, str | None]] = []
            if cost.copay is not None and (cost.copay > 0 or cost.coinsurance is None):
                levels.append(("copay", cost.copay, cell_text, None))
            if cost.coinsurance is not None:
                levels.append(("coinsurance", cost.coinsurance, cell_text, None))
            mh_specific = (
                mh_deductible if side == vocab.MHSUD and setting != "prescription_drugs" else []
            )
            drug_specific = drug_deductible if setting == "prescription_drugs" else []
            if mh_specific:
                amount, what, _page = mh_specific[0]
                text = f"Other deductibles: ${amount:,.0f} for {what}"
                levels.append(("deductible", amount, text, "separate"))
            elif drug_specific:
                amount, what, _page = drug_specific[0]
                text = f"Other deductibles: ${amount:,.0f} for {what}"
                levels.append(("deductible", amount, text, None))
            elif deductible is not None:
                levels.append(("deductible", deductible, cell_text, None))
            if visits:
                levels.append(("visit_limit", float(visits), f"{service}: {limitations}", None))
            if days:
                levels.append(("day_limit", float(days), f"{service}: {limitations}", None))
            sides = [side]
            if setting == "prescription_drugs":
                # The SBC's drug tiers apply to every covered drug, MH/SUD drugs included.
                sides = [vocab.MS, vocab.MHSUD]
            for row_side in sides:
                side_base = dict(base)
                side_base[C.SIDE] = row_side
                if row_side == vocab.MHSUD and setting == "prescription_drugs":
                    side_base[REVIEW_NOTE] = _join(
                        side_base[REVIEW_NOTE],
                        "the SBC's drug tiers apply to all drugs: listed for MH/SUD drugs too",
                    )
                for requirement, level, source_text, accumulation in levels:
                    extra = {}
                    if requirement == "deductible" and (mh_specific or drug_specific):
                        why = (
                            "a deductible for MH/SUD services only (separate)"
                            if mh_specific
                            else "the drug deductible, read from Important Questions"
                        )
                        extra = {
                            NEEDS_REVIEW: True,
                            REVIEW_NOTE: _join(side_base[REVIEW_NOTE], why),
                        }
                    benefit_rows.append(
                        {
                            **side_base,
                            **extra,
                            C.REQUIREMENT_TYPE: requirement,
                            C.LEVEL: float(level),
                            C.ACCUMULATION: accumulation,
                            SOURCE_TEXT: _clean(source_text),
                        }
                    )
    entry_frame = pd.DataFrame(entries, columns=list(ENTRY_COLUMNS))
    benefits = pd.DataFrame(benefit_rows, columns=[*C.BENEFITS_COLUMNS, *SBC_EXTRA_COLUMNS])
    benefits[C.LEVEL] = benefits[C.LEVEL].astype("float64")
    benefits[C.PROJECTED_PAYMENTS] = benefits[C.PROJECTED_PAYMENTS].astype("float64")
    benefits[NEEDS_REVIEW] = benefits[NEEDS_REVIEW].astype(bool)
    benefits[SOURCE_PAGE] = benefits[SOURCE_PAGE].astype("int64")
    if not (benefits[C.SIDE] == vocab.MHSUD).any():
        problems.add(
            "no mental health or substance use disorder row was found in the chart",
            "check the SBC's 'If you need mental health, behavioral health, or substance abuse "
            "services' rows and add them to the template",
        )
    benefits.attrs.update({"source": file, "sbc": True})
    nqtls = _nqtls(entry_frame, plan_id, file)
    return entry_frame, benefits, nqtls


def _join(a: object, b: str) -> str:
    return f"{a}; {b}" if a else b


def _classification(setting: str, kind: str, tier: str | None) -> tuple[str, str | None]:
    if setting in ("outpatient", "inpatient"):
        network = "in_network" if kind == "in" else "out_of_network"
        return f"{setting}_{network}", tier if kind == "in" else None
    if setting == "excluded":
        return "", None
    return setting, None


def _drug_tier(service: str) -> str:
    match = _TIER.search(service)
    if match:
        return f"tier_{match.group(1).lower()}"
    words = re.sub(r"\(.*?\)", " ", service)
    words = re.sub(r"\bdrugs?\b", " ", words, flags=re.I)
    return vocab.normalize_token(words) or "drugs"


def _benefit_name(service: str) -> str:
    return _clean(service).rstrip("*").strip() or "(no service name)"


def _event_short(event: str) -> str:
    text = re.sub(r"^if\s+you\s+(have|need|are|visit)\s+(an?\s+)?", "", event, flags=re.I)
    return _clean(text)[:40]


def _nqtls(entries: pd.DataFrame, plan_id: str, file: str) -> pd.DataFrame:
    """Prior authorization as written: one row per classification and side that mentions it."""
    from paritykit.load.nqtl import read_nqtls

    pa = entries[entries[PRIOR_AUTHORIZATION].notna() & entries["status"].eq("in_benefits")]
    records = []
    for (classification, side), group in pa.groupby([C.CLASSIFICATION, C.SIDE], sort=False):
        services = list(dict.fromkeys(group["service"]))
        pages = sorted(set(group["page"].astype(int)))
        text = "; ".join(dict.fromkeys(group[PRIOR_AUTHORIZATION]))
        page_text = ", ".join(str(p) for p in pages)
        records.append(
            {
                C.PLAN_ID: plan_id,
                C.CLASSIFICATION: classification,
                C.SIDE: side,
                C.NQTL_TYPE: "prior_authorization",
                C.APPLIES: True,
                C.SCOPE: "; ".join(services),
                C.NQTL_SOURCE: f"SBC {file} p. {page_text} (as written): {text}"[:500],
            }
        )
    if not records:
        return pd.DataFrame(columns=[*C.NQTL_COLUMNS, C.SOURCE_ROW])
    return read_nqtls(pd.DataFrame(records))


#: Fill of the rows that need review in the workbook ``paritykit sbc`` writes (light yellow).
REVIEW_FILL = "FFF2CC"


def combine_sbc_reads(reads: list[SbcRead]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The benefits and NQTL rows of several SBCs as one table each.

    Plan identifiers that repeat (two SBCs with the same plan name) get the file name added, so
    that each SBC stays its own plan.

    Parameters
    ----------
    reads : list of SbcRead
        What :func:`read_sbc` returned for each file.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The benefits rows (contract and review columns) and the NQTL rows.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import paritykit as pk
    >>> from paritykit.synth.sbc import write_sample_sbc
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> reads = [pk.read_sbc(write_sample_sbc(folder / f"{n}.pdf")) for n in ("a", "b")]
    >>> benefits, _ = combine_sbc_reads(reads)
    >>> sorted(benefits["plan_id"].unique())
    ['Example Health Co: Silver PPO 2500 (a.pdf)', 'Example Health Co: Silver PPO 2500 (b.pdf)']
    """
    ids = [read.plan_id for read in reads]
    frames, nqtl_frames = [], []
    for read, pid in zip(reads, ids, strict=True):
        new = f"{pid} ({read.source})" if ids.count(pid) > 1 else pid
        frames.append(read.benefits.assign(**{C.PLAN_ID: new}))
        if len(read.nqtls):
            nqtl_frames.append(read.nqtls.assign(**{C.PLAN_ID: new}))
    benefits = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    nqtls = (
        pd.concat(nqtl_frames, ignore_index=True)
        if nqtl_frames
        else pd.DataFrame(columns=list(C.NQTL_COLUMNS))
    )
    return benefits, nqtls


def write_sbc_workbook(reads: list[SbcRead], path: str | os.PathLike[str]) -> Path:
    """Write the advocates' benefits template filled from SBCs (atomically); return its path.

    The ``Benefits`` sheet holds the contract's columns (``projected_payments`` empty, for the
    plan to supply) followed by ``needs_review``, ``review_note``, ``source_page``,
    ``source_text`` and ``prior_authorization``; rows that need review are filled yellow.
    ``NQTLs`` holds the prior-authorization requirements as written; ``SBC review`` every chart
    cell as read; ``SBC plan`` the plan's name, coverage period, deductibles and out-of-pocket
    limits; ``SBC problems`` what could not be read. :func:`paritykit.read_benefits` reads the
    workbook back (the extra columns are notes to it).

    Parameters
    ----------
    reads : list of SbcRead
        What :func:`read_sbc` returned, one per SBC.
    path : path
        The ``.xlsx`` file to write.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import openpyxl
    >>> import paritykit as pk
    >>> from paritykit.synth.sbc import write_sample_sbc
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> sbc = pk.read_sbc(write_sample_sbc(folder / "sbc.pdf"))
    >>> book = openpyxl.load_workbook(write_sbc_workbook([sbc], folder / "benefits.xlsx"))
    >>> book.sheetnames
    ['Instructions', 'Benefits', 'NQTLs', 'SBC review', 'SBC plan', 'SBC problems']
    """
    import tempfile

    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from paritykit._atomic import atomic_path
    from paritykit.evidence.template import write_benefits_workbook
    from paritykit.safety import append_text_row

    benefits, nqtls = combine_sbc_reads(reads)
    with tempfile.TemporaryDirectory() as folder:
        draft = write_benefits_workbook(benefits, Path(folder) / "draft.xlsx", nqtls=nqtls)
        book = load_workbook(draft)
    ws = book["Benefits"]
    header_fill = PatternFill("solid", fgColor="7F6000")
    review_fill = PatternFill("solid", fgColor=REVIEW_FILL)
    first = len(C.BENEFITS_COLUMNS) + 1
    widths = {NEEDS_REVIEW: 13, REVIEW_NOTE: 60, SOURCE_PAGE: 11, SOURCE_TEXT: 60}
    for offset, name in enumerate(SBC_EXTRA_COLUMNS):
        cell = ws.cell(row=1, column=first + offset, value=name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        ws.column_dimensions[cell.column_letter].width = widths.get(name, 40)
    for index, rec in enumerate(benefits.to_dict("records"), start=2):
        for offset, name in enumerate(SBC_EXTRA_COLUMNS):
            value = rec.get(name)
            if name == NEEDS_REVIEW:
                value = "yes" if value else "no"
            elif value is not None and not isinstance(value, str) and pd.isna(value):
                value = None
            elif isinstance(value, np.integer):
                value = int(value)
            ws.cell(row=index, column=first + offset, value=value)
        if rec.get(NEEDS_REVIEW):
            for col in range(1, first + len(SBC_EXTRA_COLUMNS)):
                ws.cell(row=index, column=col).fill = review_fill
    ws.auto_filter.ref = ws.dimensions

    review = book.create_sheet("SBC review")
    entries = pd.concat([r.entries for r in reads], ignore_index=True)
    review.append(list(ENTRY_COLUMNS))
    for rec in entries.itertuples(index=False):
        values = [None if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in rec]
        values = [int(v) if isinstance(v, np.integer) else v for v in values]
        values = [("yes" if v else "no") if isinstance(v, bool | np.bool_) else v for v in values]
        append_text_row(review, values)
    for row in review.iter_rows(min_row=2):
        if row[ENTRY_COLUMNS.index(NEEDS_REVIEW)].value == "yes":
            for cell in row:
                cell.fill = review_fill
    review.freeze_panes = "A2"

    plan = book.create_sheet("SBC plan")
    plan.append(
        [
            "file",
            "plan_id",
            "plan name",
            "coverage period",
            "coverage for",
            "plan type",
            "template",
            "pages",
        ]
    )
    ids = [read.plan_id for read in reads]
    for read, pid in zip(reads, ids, strict=True):
        shown = f"{pid} ({read.source})" if ids.count(pid) > 1 else pid
        facts = [read.plan_name, read.coverage_period, read.coverage_for, read.plan_type]
        append_text_row(plan, [read.source, shown, *facts, read.template, read.pages])
    plan.append([])
    plan.append(["file", *PLAN_COST_COLUMNS])
    for read in reads:
        for rec in read.plan_costs.itertuples(index=False):
            append_text_row(plan, [read.source, *[None if pd.isna(v) else v for v in rec]])
    problems_ws = book.create_sheet("SBC problems")
    problems_ws.append(list(PROBLEM_COLUMNS))
    for read in reads:
        for rec in read.problems.itertuples(index=False):
            append_text_row(
                problems_ws,
                [None if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in rec],
            )
    for sheet in (review, plan, problems_ws):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 24
    info = book["Instructions"]
    info.insert_rows(2)
    info["A2"] = (
        "Filled from the SBC(s) " + ", ".join(r.source for r in reads) + " by paritykit sbc. "
        "Check every yellow row (needs_review = yes, the reason in review_note) against the SBC "
        "page in source_page, and the 'SBC problems' sheet. projected_payments are empty: only "
        "the plan has them (ask for them)."
    )
    info["A2"].alignment = Alignment(wrap_text=True)
    book.active = book.sheetnames.index("Benefits")
    with atomic_path(path) as tmp:
        book.save(tmp)
    return Path(path)
