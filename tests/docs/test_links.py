"""Every relative link and image in README.md and docs/*.md points to something that exists.

Links to web addresses are not followed (the tests run offline). A link with an anchor
(``page.md#section``, ``#section``) must name a heading of that page, using GitHub's rule for
heading anchors.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([REPO_ROOT / "README.md", *(REPO_ROOT / "docs").glob("*.md")])

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
HTML_LINK = re.compile(r"<(?:img|a)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", re.IGNORECASE)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def prose(text: str) -> str:
    """The text without fenced code blocks and inline code (their brackets are not links)."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def links(text: str) -> list[str]:
    body = prose(text)
    return [
        m.group(1)
        for pattern in (INLINE_LINK, REFERENCE_LINK, HTML_LINK)
        for m in pattern.finditer(body)
    ]


def github_anchor(heading: str) -> str:
    """GitHub's anchor: lower case, markup and punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links keep their text
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for m in HEADING.finditer(FENCE.sub("", page.read_text(encoding="utf-8"))):
        base = github_anchor(m.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def test_anchor_rule_matches_github():
    assert github_anchor("Exclusions (KFF's method)") == "exclusions-kffs-method"
    assert github_anchor("5. Billing-system exports instead of 835 files") == (
        "5-billing-system-exports-instead-of-835-files"
    )
    assert github_anchor("`paritykit synth claims`") == "paritykit-synth-claims"
    assert github_anchor("Per-cell comparison: `compare_rates`") == (
        "per-cell-comparison-compare_rates"
    )


def test_link_finder_skips_code_and_finds_images():
    text = (
        "See [a](a.md) and ![pic](images/p.png).\n"
        "`not [a](link.md)` here\n"
        "```\n[also](not.md)\n```\n"
        "[ref]: docs/ref.md\n"
    )
    assert links(text) == ["a.md", "images/p.png", "docs/ref.md"]


def test_pages_are_found():
    names = {p.name for p in PAGES}
    assert {"README.md", "index.md", "primer.md", "troubleshooting.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(REPO_ROOT).as_posix() for p in PAGES])
def test_relative_links_resolve(page):
    broken = []
    for target in links(page.read_text(encoding="utf-8")):
        if EXTERNAL.match(target):
            continue
        path_part, _, fragment = target.partition("#")
        path_part = unquote(path_part.split("?", 1)[0])
        resolved = (page.parent / path_part).resolve() if path_part else page
        if not resolved.exists():
            broken.append(f"{target}: no such file {resolved.relative_to(REPO_ROOT)}")
            continue
        if fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
            broken.append(f"{target}: no heading with anchor #{fragment} in {resolved.name}")
    assert not broken, f"broken links in {page.relative_to(REPO_ROOT)}:\n" + "\n".join(broken)
