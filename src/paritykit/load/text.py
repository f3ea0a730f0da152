"""Safe reading of text inputs: one decoder, size limits, a bounded YAML loader, plain CSV.

Every paritykit reader of a text file (CSV tables, billing exports, YAML/TOML/JSON plan facts,
billing and column mappings, comparative-analysis YAML, claims CSV headers) goes through this
module, so the same file gets the same answer everywhere:

- **Encodings** (:func:`decode_bytes`): UTF-8, UTF-8 with a byte-order mark (BOM), UTF-16 with
  its BOM (little- or big-endian) are read as they are; text that is not valid UTF-8 is read as
  Windows-1252 (cp1252, a superset of Latin-1 for printable text), or as Latin-1 when cp1252
  cannot map a byte, with a note saying so. UTF-32, UTF-16 without a BOM and binary data (NUL
  bytes) are refused by name. A file whose last UTF-8 character is cut in half is reported as
  cut short.
- **Sizes**: text tables up to :data:`MAX_TABLE_BYTES`, configuration files (YAML, TOML, JSON
  mappings and plan facts) up to :data:`MAX_CONFIG_BYTES`, one CSV field up to
  :data:`MAX_FIELD_CHARS` characters.
- **YAML** (:func:`load_yaml`): ``yaml.SafeLoader`` (no Python objects), with aliases limited
  so that a "billion laughs" file (aliases of aliases) is refused before it is expanded:
  at most :data:`MAX_YAML_ALIASES` aliases and :data:`MAX_YAML_NODES` nodes counted with every
  alias expanded.
- **CSV** (:func:`read_csv_text`): the delimiter is guessed from the header line in one linear
  pass (``csv.Sniffer``'s regular expressions take time growing with the square of a long
  field), duplicated headers are refused, and a quote left open at the end of the file is
  reported as a cut-short file.

The lead's 835 reader (``paritykit.load.x12``) can use :func:`decode_bytes` too.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from paritykit.errors import InputFileError

__all__ = [
    "MAX_CONFIG_BYTES",
    "MAX_FIELD_CHARS",
    "MAX_TABLE_BYTES",
    "MAX_YAML_ALIASES",
    "MAX_YAML_NODES",
    "CsvText",
    "DecodedText",
    "check_size",
    "decode_bytes",
    "guess_delimiter",
    "load_yaml",
    "read_csv_text",
    "read_text",
    "sniff_encoding",
]

#: Largest text table (CSV/TSV) read into memory: 512 MiB. Claims files go through the engine.
MAX_TABLE_BYTES: Final = 512 * 1024 * 1024
#: Largest configuration file (YAML/TOML/JSON plan facts, mappings, analyses): 8 MiB.
MAX_CONFIG_BYTES: Final = 8 * 1024 * 1024
#: Longest single CSV field, in characters (the Python csv module's own default limit).
MAX_FIELD_CHARS: Final = 131_072
#: Most YAML aliases (``*name``) accepted in one document.
MAX_YAML_ALIASES: Final = 1_000
#: Most YAML nodes in one document counted with every alias expanded.
MAX_YAML_NODES: Final = 1_000_000

_ADVICE: Final = 'Save it as UTF-8 text ("CSV UTF-8" in Excel) and try again.'


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from bytes, with the encoding used.

    Attributes
    ----------
    text : str
        The text, without any byte-order mark.
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with a BOM), ``"utf-16"``, ``"cp1252"`` or
        ``"latin-1"``.
    note : str or None
        Set when the file was not UTF-8 (says which encoding was used).
    """

    text: str
    encoding: str
    note: str | None = None


def check_size(path: Path, max_bytes: int, what: str) -> int:
    """Return the size of ``path``; raise :class:`InputFileError` past ``max_bytes``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "big.yaml"
    >>> _ = p.write_text("a: 1\\n" * 10)
    >>> check_size(p, 10, "plan facts")
    Traceback (most recent call last):
    ...
    paritykit.errors.InputFileError: ...: the file is 50 bytes; paritykit reads plan facts ...
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise InputFileError(
            f"{path}: the file is {size:,} bytes; paritykit reads {what} files up to "
            f"{max_bytes:,} bytes. Check that this is the right file (not a data dump or a "
            "file that grew by mistake)."
        )
    return size


def sniff_encoding(head: bytes) -> str | None:
    """Return the encoding a byte-order mark (BOM) announces, or None when there is none.

    Examples
    --------
    >>> sniff_encoding(b"\\xff\\xfea\\x00"), sniff_encoding(b"\\xef\\xbb\\xbfa")
    ('utf-16', 'utf-8-sig')
    """
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _refuse_binary(raw: bytes, file: str) -> None:
    """Refuse UTF-16 without a BOM and other data with NUL bytes."""
    nul = raw.find(b"\x00", 0, 1 << 20)
    if nul < 0:
        return
    head = raw[:4096]
    even, odd = head[0::2], head[1::2]
    if head and (even.count(0) > len(even) // 3 or odd.count(0) > len(odd) // 3):
        raise InputFileError(
            f"{file}: the file looks like UTF-16 text without a byte-order mark (every other "
            f"byte is 0); paritykit reads UTF-8, or UTF-16 with its byte-order mark. {_ADVICE}"
        )
    raise InputFileError(
        f"{file}: the file holds binary data (a NUL byte at byte {nul:,}), not text. Check that "
        f"it is the right file; if it is a spreadsheet, give it its real suffix (.xlsx). {_ADVICE}"
    )


def decode_bytes(raw: bytes, file: str) -> DecodedText:
    """Decode a text file's bytes (see the module docstring for the rules).

    Parameters
    ----------
    raw : bytes
        The file's contents.
    file : str
        The file's name, for messages.

    Returns
    -------
    DecodedText

    Raises
    ------
    InputFileError
        UTF-32, UTF-16 without a byte-order mark, binary data, or UTF-8 cut short in the middle
        of a character.

    Examples
    --------
    >>> decode_bytes("caf\\u00e9".encode("utf-8"), "a.csv").text
    'café'
    >>> d = decode_bytes("caf\\u00e9".encode("latin-1"), "a.csv")
    >>> d.text, d.encoding
    ('café', 'cp1252')
    >>> decode_bytes("id".encode("utf-16"), "a.csv").text
    'id'
    """
    bom = sniff_encoding(raw[:4])
    if bom == "utf-32":
        raise InputFileError(
            f"{file}: the file is UTF-32 text (it starts with a UTF-32 byte-order mark), which "
            f"paritykit does not read. {_ADVICE}"
        )
    if bom == "utf-16":
        try:
            return DecodedText(raw.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"{file}: the file starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                f"(at byte {exc.start:,}: {exc.reason}); it may be cut short. {_ADVICE}"
            ) from exc
    if bom == "utf-8-sig":
        body, encoding = raw[len(codecs.BOM_UTF8) :], "utf-8-sig"
    else:
        body, encoding = raw, "utf-8"
    _refuse_binary(body, file)
    try:
        return DecodedText(body.decode("utf-8"), encoding)
    except UnicodeDecodeError as exc:
        tail = body[exc.start :]
        earlier_utf8 = any(b >= 0x80 for b in body[: exc.start])
        if exc.reason == "unexpected end of data" and (earlier_utf8 or len(tail) > 1):
            # a multi-byte character begun but not finished at the very end: cut short
            raise InputFileError(
                f"{file}: the file ends in the middle of a UTF-8 character (byte {exc.start:,} "
                f"of {len(body):,}); it looks cut short. Copy or export it again."
            ) from exc
        first_bad = exc.start
    try:
        text = body.decode("cp1252")
        used = "cp1252"
        label = "Windows-1252 (cp1252)"
    except UnicodeDecodeError:
        text = body.decode("latin-1")
        used = "latin-1"
        label = "Latin-1 (ISO-8859-1)"
    line = body.count(b"\n", 0, first_bad) + 1
    note = (
        f"{file}: not UTF-8 (byte {body[first_bad]:#04x} on line {line}); read as {label}. "
        "Check accented letters; save the file as UTF-8 to avoid this note."
    )
    return DecodedText(text, used, note)


def read_text(
    path: str | os.PathLike[str], *, what: str = "text", max_bytes: int = MAX_CONFIG_BYTES
) -> DecodedText:
    """Read and decode a text file, refusing one larger than ``max_bytes``.

    Parameters
    ----------
    path : path
    what : str
        What the file is, for the size message ("plan facts", "billing mapping").
    max_bytes : int

    Returns
    -------
    DecodedText

    Raises
    ------
    InputFileError
        Missing, a folder, too large, or not decodable (see :func:`decode_bytes`).
    """
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"{p}: no such file")
    if p.is_dir():
        raise InputFileError(f"{p}: is a folder; expected a {what} file")
    check_size(p, max_bytes, what)
    return decode_bytes(p.read_bytes(), str(p))


# --- YAML ---------------------------------------------------------------------------------


def _yaml_node_count(root: Any, file: str) -> int:
    """Count nodes with aliases expanded (memoized, so the count itself stays cheap)."""
    import yaml

    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Any) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise InputFileError(
                f"{file}: the YAML refers to itself (a recursive alias); paritykit reads plain "
                "YAML without self-references."
            )
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child)
                if total > MAX_YAML_NODES:
                    break
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
                if total > MAX_YAML_NODES:
                    break
        active.discard(key)
        sizes[key] = total
        return total

    return size(root)


def load_yaml(
    text: str, file: str, *, max_aliases: int = MAX_YAML_ALIASES, max_nodes: int = MAX_YAML_NODES
) -> Any:
    """Parse YAML safely: plain data only, with bounded aliases and expanded size.

    Parameters
    ----------
    text : str
        The YAML text (decode files with :func:`read_text`).
    file : str
        The file's name, for messages.
    max_aliases, max_nodes : int
        Limits on aliases and on nodes with aliases expanded.

    Returns
    -------
    object
        What ``yaml.safe_load`` would return (None for an empty document).

    Raises
    ------
    InputFileError
        Invalid YAML (the message gives line and column), more than one document, too many
        aliases, or a document that would expand past ``max_nodes``.

    Examples
    --------
    >>> load_yaml("a: &x [1, 2]\\nb: *x\\n", "m.yaml")
    {'a': [1, 2], 'b': [1, 2]}
    >>> laughs = "a: &a [x, x]\\n" + "".join(
    ...     f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]\\n" for i in range(20))
    >>> load_yaml(laughs, "bomb.yaml")
    Traceback (most recent call last):
    ...
    paritykit.errors.InputFileError: bomb.yaml: the YAML expands to more than 1,000,000 nodes...
    """
    import yaml

    class _Loader(yaml.SafeLoader):
        aliases = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > max_aliases:
                    mark = self.peek_event().start_mark
                    raise InputFileError(
                        f"{file}: the YAML uses more than {max_aliases:,} aliases (line "
                        f"{mark.line + 1}); paritykit refuses it to stay within memory. Write "
                        "the values out instead of repeating them with aliases."
                    )
            return super().compose_node(parent, index)

    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        count = _yaml_node_count(node, file)
        if count > max_nodes:
            raise InputFileError(
                f"{file}: the YAML expands to more than {max_nodes:,} nodes once its "
                f"{loader.aliases:,} aliases are followed (a 'billion laughs' file); paritykit "
                "refuses it to stay within memory. Write the values out instead of nesting "
                "aliases."
            )
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise InputFileError(f"{file}: not valid YAML ({' '.join(str(exc).split())})") from exc
    except RecursionError as exc:
        raise InputFileError(f"{file}: the YAML is nested too deeply to read; flatten it.") from exc
    finally:
        loader.dispose()


# --- CSV ----------------------------------------------------------------------------------


def guess_delimiter(line: str, candidates: str = ",;\t|") -> str:
    """Return the delimiter used in a header ``line``, counting characters outside quotes.

    One pass over the line (``csv.Sniffer`` can take minutes on a long field). Ties and lines
    without any candidate give ``","``.

    Examples
    --------
    >>> guess_delimiter("a;b;c"), guess_delimiter('"x,y"\\tb\\tc'), guess_delimiter("abc")
    (';', '\\t', ',')
    """
    counts = dict.fromkeys(candidates, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(candidates, key=lambda c: (counts[c], c == ","))
    return best if counts[best] else ","


@dataclass(frozen=True)
class CsvText:
    """A CSV file's records as read.

    Attributes
    ----------
    rows : list of list of str
        Every record, header included, as text.
    delimiter : str
    encoding : str
    notes : tuple of str
        The encoding note, if any.
    """

    rows: list[list[str]]
    delimiter: str
    encoding: str
    notes: tuple[str, ...] = ()


def _sample_delimiter(text: str, lines: int = 30, width: int = 20_000) -> str:
    """Guess the delimiter from the first non-blank lines (a title row above the header has few
    delimiters; the header and the rows below it have many). Each line is cut at ``width``
    characters, so the guess stays linear however long a field is."""
    votes: dict[str, int] = {}
    seen = 0
    for line in io.StringIO(text[: lines * width], newline=None):
        if not line.strip():
            continue
        delimiter = guess_delimiter(line[:width])
        if any(ch in line for ch in ",;\t|"):
            votes[delimiter] = votes.get(delimiter, 0) + 1
        seen += 1
        if seen >= lines:
            break
    return max(votes, key=lambda d: (votes[d], d == ",")) if votes else ","


def read_csv_text(
    path: str | os.PathLike[str],
    *,
    delimiter: str | None = None,
    max_bytes: int = MAX_TABLE_BYTES,
    max_field: int = MAX_FIELD_CHARS,
    what: str = "CSV",
) -> CsvText:
    """Read a CSV/TSV file into text records with the limits of this module.

    Parameters
    ----------
    path : path
    delimiter : str, optional
        Default: guessed from the first non-blank line (``,``, ``;``, tab or ``|``).
    max_bytes, max_field : int
        Largest file in bytes, longest field in characters.
    what : str
        What the file is, for messages.

    Returns
    -------
    CsvText

    Raises
    ------
    InputFileError
        Too large, not decodable, a field longer than ``max_field`` (with its line and
        column), or a quote left open at the end of the file (cut short).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("a;b\\n1;2\\n")
    >>> read_csv_text(p).rows
    [['a', 'b'], ['1', '2']]
    """
    p = Path(path)
    check_size(p, max_bytes, what)
    decoded = decode_bytes(p.read_bytes(), str(p))
    text = decoded.text
    if delimiter is None:
        delimiter = _sample_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    header: list[str] = []
    try:
        for row in reader:
            for i, cell in enumerate(row):
                if len(cell) > max_field:
                    raise InputFileError(_long_field(p, reader.line_num, header, i, max_field))
            if not header and any(c.strip() for c in row):
                header = [c.strip() for c in row]
            rows.append(row)
    except csv.Error as exc:
        line = reader.line_num
        if "field larger than field limit" in str(exc):
            index = _long_piece(text, line, delimiter, max_field)
            raise InputFileError(_long_field(p, line, header, index, max_field)) from exc
        if "unexpected end of data" in str(exc):
            raise InputFileError(
                f"{p}: the file ends inside a quoted field (a '\"' opened by line {line} is "
                "never closed); it looks cut short, or a closing quote is missing. Export the "
                "file again."
            ) from exc
        raise InputFileError(
            f"{p}: line {line}: not readable as CSV ({exc}). Re-export it as CSV with one "
            "header row."
        ) from exc
    notes = (decoded.note,) if decoded.note else ()
    return CsvText(rows, delimiter, decoded.encoding, notes)


def _long_field(path: Path, line: int, header: list[str], index: int | None, limit: int) -> str:
    where = f"line {line}"
    if index is not None:
        where += f", column {header[index] if index < len(header) else index + 1!r}"
    return (
        f"{path}: {where}: a field longer than {limit:,} characters; paritykit reads fields up "
        f"to {limit:,} characters. Check for a quote that is never closed, or shorten the text."
    )


def _long_piece(text: str, line: int, delimiter: str, limit: int) -> int | None:
    """The position of the over-long field on physical ``line`` (best effort, for messages)."""
    for number, physical in enumerate(io.StringIO(text, newline=None), start=1):
        if number == line:
            for i, piece in enumerate(physical.split(delimiter)):
                if len(piece) > limit:
                    return i
            return None
    return None
