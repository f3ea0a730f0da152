"""Render the small Markdown subset of paritykit's letter templates as a Word document.

The subset, and nothing more:

- headings ``#``, ``##``, ``###`` (Word's *Heading 1-3* styles);
- paragraphs (consecutive lines are joined; a line ending in a backslash or two spaces keeps
  its line break, as in CommonMark);
- bullet lists (``-`` or ``*``) and numbered lists (``1.``), with one level of nesting by
  indenting two or more spaces (Word's *List Bullet* / *List Number* styles; every numbered
  list starts again at 1);
- ``**bold**`` and ``*italic*`` inside any text (a backslash escapes a literal ``*``);
- a simple pipe table: a header row, a ``|---|---:|`` separator row, then body rows;
- a horizontal rule (a line of ``---``, ``***`` or ``___``).

Anything else (block quotes, code, links, HTML) is kept as a plain paragraph with its text
unchanged, so nothing written in a template is ever lost silently. The DOCX is written
atomically and byte-for-byte reproducibly (fixed zip timestamps and document properties).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from paritykit._atomic import atomic_write_bytes

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

__all__ = ["BODY_FONT_PT", "MARGIN_CM", "markdown_to_docx"]

#: Body text size in points.
BODY_FONT_PT: Final = 11
#: Page margins (all four sides) in centimetres.
MARGIN_CM: Final = 2.5
#: Body and heading font (LibreOffice substitutes the metric-compatible Carlito).
_FONT: Final = "Calibri"
#: Timestamp written into the DOCX (zip entries and document properties) so that the same
#: Markdown always gives the same bytes.
_FIXED_TIME: Final = datetime(2000, 1, 1)

_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^(\s*)\d{1,3}[.)]\s+(.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|(\s*:?-+:?\s*\|)+\s*$")
_INLINE = re.compile(r"\\([\\*_\[\]|#`<>+.)-])|\*\*(.+?)\*\*|\*(?!\s)(.+?)(?<!\s)\*")

#: Space after a body paragraph (and after the last item of a list), in points.
BODY_SPACE_AFTER_PT: Final = 6
_LIST_KINDS: Final = ("bullet", "number")

BlockKind = Literal["heading", "paragraph", "bullet", "number", "table", "rule"]


@dataclass
class _Block:
    kind: BlockKind
    lines: list[str] = field(default_factory=list)
    level: int = 1
    list_start: bool = False


def markdown_to_docx(
    markdown: str,
    path: str | os.PathLike[str],
    *,
    title: str = "",
    keep_together_from: str | None = None,
) -> Path:
    """Write Markdown (paritykit's small template subset) as a DOCX file, atomically.

    Parameters
    ----------
    markdown : str
        The text; see the module docstring for the subset understood.
    path : path-like
        Where to write the ``.docx``. A failure leaves no file (and no temporary file) there.
    title : str, optional
        The document's *Title* property; by default the text of the first heading.
    keep_together_from : str, optional
        Keep the paragraph that starts with this text (a letter's "Sincerely,"), the paragraph
        before it and the one after it (the signature block) on one page (Word's *keep with
        next* and *keep lines together*): the closing and the signature never split.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, docx
    >>> out = Path(tempfile.mkdtemp()) / "note.docx"
    >>> _ = markdown_to_docx("# Note\\n\\nSome **bold** text.\\n\\n- one\\n- two\\n", out)
    >>> [(p.style.name, p.text) for p in docx.Document(out).paragraphs]
    [('Heading 1', 'Note'), ('Normal', 'Some bold text.'), ('List Bullet', 'one'), \
('List Bullet', 'two')]
    """
    import docx
    from docx.shared import Pt

    from paritykit.safety import strip_control

    # XML cannot hold control characters: they would stop python-docx half-way.
    markdown, title = strip_control(markdown), strip_control(title)
    blocks = _parse(markdown)
    document = docx.Document()
    _set_up(document)
    num_ids: dict[str, int] = {}
    for n, block in enumerate(blocks):
        _render(document, block, num_ids)
        following = blocks[n + 1] if n + 1 < len(blocks) else None
        if block.kind in _LIST_KINDS and (following is None or following.kind not in _LIST_KINDS):
            # The last item of a list keeps the body's space before what follows.
            document.paragraphs[-1].paragraph_format.space_after = Pt(BODY_SPACE_AFTER_PT)
    if keep_together_from:
        paragraphs = document.paragraphs
        start = next(
            (i for i, p in enumerate(paragraphs) if p.text.startswith(keep_together_from)), None
        )
        if start is not None:
            block = paragraphs[max(start - 1, 0) : start + 2]
            for paragraph in block:
                paragraph.paragraph_format.keep_together = True
            for paragraph in block[:-1]:
                paragraph.paragraph_format.keep_with_next = True
    headings = [b for b in blocks if b.kind == "heading"]
    props = document.core_properties
    title = title or (_plain(headings[0].lines[0]) if headings else "")
    props.title = title if len(title) <= 255 else title[:252] + "..."  # the format's limit
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.revision = 1
    props.created = _FIXED_TIME
    props.modified = _FIXED_TIME
    buffer = io.BytesIO()
    document.save(buffer)
    return atomic_write_bytes(path, _reproducible_zip(buffer.getvalue()))


# --- parsing ---------------------------------------------------------------------------------


def _parse(markdown: str) -> list[_Block]:
    """Split Markdown into blocks (headings, paragraphs, list items, tables, rules)."""
    blocks: list[_Block] = []
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    current: _Block | None = None  # an open paragraph or list item that can take more lines
    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\n")
        stripped = line.strip()
        if not stripped:
            current = None
            i += 1
            continue
        if _RULE.match(line):
            blocks.append(_Block("rule"))
            current = None
        elif heading := _HEADING.match(line):
            blocks.append(_Block("heading", [heading.group(2)], level=len(heading.group(1))))
            current = None
        elif _TABLE_ROW.match(line) and i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1]):
            table = _Block("table", [line, lines[i + 1]])
            i += 2
            while i < len(lines) and _TABLE_ROW.match(lines[i]):
                table.lines.append(lines[i])
                i += 1
            blocks.append(table)
            current = None
            continue
        elif item := (_BULLET.match(line) or _NUMBERED.match(line)):
            kind: BlockKind = "bullet" if _BULLET.match(line) else "number"
            level = 2 if len(item.group(1).expandtabs(4)) >= 2 else 1
            restart = _list_restarts(blocks, kind, level)
            current = _Block(kind, [item.group(2)], level=level, list_start=restart)
            blocks.append(current)
        elif current is not None and (current.kind == "paragraph" or line[:1].isspace()):
            current.lines.append(line)
        else:
            current = _Block("paragraph", [line])
            blocks.append(current)
        i += 1
    return blocks


def _list_restarts(blocks: list[_Block], kind: BlockKind, level: int) -> bool:
    """Whether a list item of ``kind`` at ``level`` starts a new list (after a deeper level)."""
    for block in reversed(blocks):
        if block.kind not in ("bullet", "number"):
            return True
        if block.level == level:
            return block.kind != kind
        if block.level < level:
            return True
    return True


# --- rendering -------------------------------------------------------------------------------


def _set_up(document: DocxDocument) -> None:
    """Page margins, body font and size, and sober black headings."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.top_margin = section.bottom_margin = Cm(MARGIN_CM)
        section.left_margin = section.right_margin = Cm(MARGIN_CM)
    normal = document.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(BODY_FONT_PT)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), _FONT)
    normal.paragraph_format.space_after = Pt(BODY_SPACE_AFTER_PT)
    normal.paragraph_format.line_spacing = 1.1
    for name in ("List Bullet", "List Bullet 2", "List Number", "List Number 2"):
        # Space between items, so that items running over several lines stay apart.
        list_format = document.styles[name].paragraph_format
        list_format.space_after = Pt(3)
        p_pr = document.styles[name].element.pPr
        for contextual in p_pr.findall(qn("w:contextualSpacing")):
            p_pr.remove(contextual)
    _widen_number_indent(document)
    for level, size in ((1, 15), (2, 13), (3, 11.5)):
        style = document.styles[f"Heading {level}"]
        style.font.name = _FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0x1F, 0x1F, 0x1F)
        style.paragraph_format.space_before = Pt(14 if level == 1 else 10)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
        heading_fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            heading_fonts.set(qn(attr), _FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            heading_fonts.attrib.pop(qn(attr), None)


def _render(document: DocxDocument, block: _Block, num_ids: dict[str, int]) -> None:
    """Add one block; ``num_ids`` holds the numbering instance of each open numbered list."""
    if block.kind == "heading":
        paragraph = document.add_heading("", level=block.level)
        _add_inline(paragraph, block.lines[0])
    elif block.kind == "paragraph":
        _add_inline(document.add_paragraph(), _join(block.lines))
    elif block.kind in ("bullet", "number"):
        base = "List Bullet" if block.kind == "bullet" else "List Number"
        style = base if block.level == 1 else f"{base} 2"
        paragraph = document.add_paragraph(style=style)
        if block.kind == "number":
            if block.list_start or style not in num_ids:
                num_ids[style] = _new_numbering(document, style)
            _set_numbering(document, paragraph, style, num_ids[style])
        _add_inline(paragraph, _join(block.lines))
    elif block.kind == "table":
        _add_table(document, block.lines)
    else:
        _add_rule(document.add_paragraph())


def _join(lines: list[str]) -> str:
    """Join a block's lines; a trailing backslash or two spaces keep a line break."""
    parts: list[str] = []
    for n, raw in enumerate(lines):
        line = raw.strip()
        backslash = line.endswith("\\") and not line.endswith("\\\\")
        hard = raw.endswith("  ") or backslash
        if backslash:
            line = line[:-1].rstrip()
        parts.append(line + ("\n" if hard and n < len(lines) - 1 else " "))
    return "".join(parts).rstrip()


def _add_inline(paragraph: Paragraph, text: str) -> None:
    """Add ``text`` to ``paragraph`` as runs, honouring **bold**, *italic* and line breaks."""
    for chunk_no, chunk in enumerate(text.split("\n")):
        if chunk_no:
            paragraph.add_run().add_break()
        for run_text, bold, italic in _runs(chunk):
            run = paragraph.add_run(run_text)
            run.bold = bold or None
            run.italic = italic or None


def _runs(text: str) -> list[tuple[str, bool, bool]]:
    """Split text into (text, bold, italic) runs; unmatched markers stay as literal text."""
    runs: list[tuple[str, bool, bool]] = []
    plain: list[str] = []
    pos = 0
    for match in _INLINE.finditer(text):
        plain.append(text[pos : match.start()])
        if match.group(1) is not None:  # escaped character
            plain.append(match.group(1))
        else:
            if "".join(plain):
                runs.append(("".join(plain), False, False))
            plain = []
            if match.group(2) is not None:
                runs.extend((t, True, i) for t, _, i in _runs(match.group(2)))
            else:
                runs.append((_plain(match.group(3)), False, True))
        pos = match.end()
    plain.append(text[pos:])
    if "".join(plain):
        runs.append(("".join(plain), False, False))
    return runs


def _plain(text: str) -> str:
    """Text without inline markers."""
    return "".join(t for t, _, _ in _runs(text))


def _split_row(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip()[1:-1])
    return [c.strip().replace("\\|", "|") for c in cells]


def _add_table(document: DocxDocument, lines: list[str]) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = _split_row(lines[0])
    aligns = [
        WD_ALIGN_PARAGRAPH.RIGHT
        if spec.endswith(":") and not spec.startswith(":")
        else WD_ALIGN_PARAGRAPH.CENTER
        if spec.startswith(":") and spec.endswith(":")
        else WD_ALIGN_PARAGRAPH.LEFT
        for spec in _split_row(lines[1])
    ]
    rows = [_split_row(line) for line in lines[2:]]
    width = len(header)
    table = document.add_table(rows=1 + len(rows), cols=width)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    cells = table._cells  # once: table.cell(r, c) rebuilds this list on every call (slow)
    for r, values in enumerate([header, *rows]):
        values = (values + [""] * width)[:width]
        for c, value in enumerate(values):
            paragraph = cells[r * width + c].paragraphs[0]
            paragraph.paragraph_format.space_after = 0
            if c < len(aligns):
                paragraph.alignment = aligns[c]
            _add_inline(paragraph, f"**{value}**" if r == 0 and value else value)
    header_row = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_row.append(repeat)
    document.add_paragraph()  # Word needs a paragraph between a table and what follows


def _add_rule(paragraph: Paragraph) -> None:
    """A horizontal rule: an empty paragraph with a bottom border."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


#: Hanging indent of numbered items, in twentieths of a point (two-digit numbers fit).
_NUMBER_INDENT_TWIPS: Final = 454


def _widen_number_indent(document: DocxDocument) -> None:
    """Give *List Number* items a hanging indent wide enough for "10." and beyond."""
    from docx.oxml.ns import qn

    numbering = document.part.numbering_part.element
    num_pr = document.styles["List Number"].element.pPr.numPr
    abstract_id = numbering.num_having_numId(num_pr.numId.val).abstractNumId.val
    for abstract in numbering.findall(qn("w:abstractNum")):
        if abstract.get(qn("w:abstractNumId")) != str(abstract_id):
            continue
        for lvl in abstract.findall(qn("w:lvl")):
            if lvl.get(qn("w:ilvl")) != "0":
                continue
            ind = lvl.find(qn("w:pPr") + "/" + qn("w:ind"))
            if ind is not None:
                ind.set(qn("w:left"), str(_NUMBER_INDENT_TWIPS))
                ind.set(qn("w:hanging"), str(_NUMBER_INDENT_TWIPS))
            for tab in lvl.findall(qn("w:pPr") + "/" + qn("w:tabs") + "/" + qn("w:tab")):
                tab.set(qn("w:pos"), str(_NUMBER_INDENT_TWIPS))  # the text starts where it wraps


def _new_numbering(document: DocxDocument, style: str) -> int:
    """Add a numbering instance of ``style``'s list definition that starts again at 1."""
    numbering = document.part.numbering_part.element
    num_pr = document.styles[style].element.pPr.numPr
    abstract_id = numbering.num_having_numId(num_pr.numId.val).abstractNumId.val
    num = numbering.add_num(abstract_id)
    ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
    num.add_lvlOverride(ilvl=ilvl).add_startOverride(1)
    return int(num.numId)


def _set_numbering(document: DocxDocument, paragraph: Paragraph, style: str, num_id: int) -> None:
    """Point ``paragraph`` at numbering instance ``num_id`` (at its style's list level)."""
    style_num_pr = document.styles[style].element.pPr.numPr
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = style_num_pr.ilvl.val if style_num_pr.ilvl is not None else 0
    num_pr.get_or_add_numId().val = num_id


def _reproducible_zip(data: bytes) -> bytes:
    """Rewrite a DOCX (zip) with fixed entry timestamps, keeping entry order and content."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
