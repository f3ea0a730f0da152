"""Output safety: what paritykit writes can never run, escape ``--out`` or overwrite an input.

Every writer of the evidence layer and every ``--out`` of the command line goes through this
module, so text taken from the inputs (plan, payer, benefit and NQTL names, plan ids) is made
harmless once, the same way everywhere:

- **Spreadsheet formulas.** A text value that starts with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return could be run as a formula by Excel, LibreOffice or Google Sheets (CSV or
  formula injection, see OWASP). Such text is prefixed with a single quote ``'``, in CSV files
  (the OWASP advice) and in ``.xlsx`` cells alike, and ``.xlsx`` cells are stored with the string
  data type, never as formulas. Numbers stay numbers: a negative amount is a number, not text,
  and a text that is only a number (``"-20"``) is left alone.
- **Control characters.** Excel cannot store control characters (openpyxl's
  ``ILLEGAL_CHARACTERS_RE``); they are removed from text written to ``.xlsx`` and ``.docx`` files
  and the sheet says how many were removed.
- **Markup.** Markdown and HTML markers in values put into letters are escaped, so a
  ``<script>`` tag or a ``[link](...)`` from the plan facts appears as text.
- **File names.** Names built from data (plan or claim ids) are reduced to letters, digits,
  ``.``, ``_`` and ``-`` and to a bounded length; a name that had to be changed gets a short hash
  of the original so different ids never share a file. Every written path is checked to be
  inside the output folder.
- **Inputs are never outputs.** :func:`refuse_inputs_as_outputs` refuses an output path that
  is one of the inputs, or inside an input folder, before anything is written.
- **Whole output folders.** :func:`publish` moves files from a staging folder into the output
  folder only after checking that nothing is in the way, then removes the files an earlier
  run's ``manifest.json`` listed that this run did not write (never any other file).
"""

from __future__ import annotations

import contextlib
import fnmatch
import glob
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from paritykit.errors import ConfigurationError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMULA_TRIGGERS",
    "MAX_STEM_LENGTH",
    "OutputPathError",
    "append_text_row",
    "csv_safe_frame",
    "ensure_inside",
    "escape_formula",
    "escape_markdown",
    "excel_text",
    "needs_formula_escape",
    "publish",
    "refuse_inputs_as_outputs",
    "safe_stem",
    "staged_output",
    "strip_control",
    "write_csv",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_TRIGGERS: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")
#: Longest file stem built from data (file systems allow 255 bytes per name).
MAX_STEM_LENGTH: Final = 80

# openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE: characters an .xlsx (XML 1.0) file cannot hold.
_ILLEGAL: Final = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_PLAIN_NUMBER: Final = re.compile(r"[+-]?(\d[\d,]*)?\.?\d+([eE][+-]?\d+)?%?")
_UNSAFE_NAME: Final = re.compile(r"[^A-Za-z0-9._-]+")
# Markdown and HTML markers (CommonMark lets a backslash escape any ASCII punctuation).
_MARKUP: Final = re.compile(r"([\\`*_\[\]<>|])")
_PLACEHOLDER: Final = re.compile(r"\[([^\[\]()<>]*)\]([.,;:!?]?)")
_GLOB: Final = re.compile(r"[*?\[]")


class OutputPathError(ConfigurationError):
    """An output path cannot be written safely (an input, outside ``--out``, or blocked)."""


# --- cell text --------------------------------------------------------------------------------


def needs_formula_escape(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula.

    Examples
    --------
    >>> [needs_formula_escape(s) for s in ("=1+1", "@SUM(A1)", "-2+3", "-20", "-", "Acme")]
    [True, True, True, False, False, False]
    """
    if len(text) < 2 or not text.startswith(FORMULA_TRIGGERS):
        return False
    return not _PLAIN_NUMBER.fullmatch(text)


def escape_formula(value: Any) -> Any:
    """Prefix text that could run as a formula with ``'``; return anything else unchanged.

    Examples
    --------
    >>> escape_formula('=HYPERLINK("http://x.invalid","click")')
    '\\'=HYPERLINK("http://x.invalid","click")'
    >>> escape_formula(-3.5), escape_formula("-3.5"), escape_formula("Plan A")
    (-3.5, '-3.5', 'Plan A')
    """
    if isinstance(value, str) and needs_formula_escape(value):
        return "'" + value
    return value


def strip_control(text: str) -> str:
    """Remove the control characters an ``.xlsx`` or ``.docx`` file cannot hold.

    Tab, line feed and carriage return are kept.

    Examples
    --------
    >>> strip_control("Plan\\x00 A\\x1b")
    'Plan A'
    """
    return _ILLEGAL.sub("", text)


def excel_text(value: Any) -> tuple[Any, int]:
    """Return ``value`` ready for an openpyxl cell and the number of characters removed.

    Text loses control characters and is escaped with :func:`escape_formula`; other values are
    returned as they are.

    Examples
    --------
    >>> excel_text("=1+1\\x07"), excel_text(-2)
    (("'=1+1", 1), (-2, 0))
    """
    if not isinstance(value, str):
        return value, 0
    clean = strip_control(value)
    return escape_formula(clean), len(value) - len(clean)


def append_text_row(ws: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet with its text kept verbatim but never a formula.

    For input workbooks (templates) that paritykit reads back: text loses only the control
    characters Excel cannot store and is stored with the string data type, so ``=1+1`` stays
    the text ``=1+1`` and is read back unchanged.
    """
    ws.append([strip_control(v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells and column names cannot run as formulas.

    Only text values change (see :func:`escape_formula`); numeric columns are untouched.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"plan_id": ["=cmd|'/c calc'!A1", "P"], "amount": [-5.0, 2.0]})
    >>> csv_safe_frame(t).to_dict("list")
    {'plan_id': ["'=cmd|'/c calc'!A1", 'P'], 'amount': [-5.0, 2.0]}
    """
    import pandas as pd

    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        if pd.api.types.is_datetime64_any_dtype(column):
            continue
        if column.map(lambda v: isinstance(v, str) and needs_formula_escape(v)).any():
            out[name] = column.astype(object).map(escape_formula)
    out.columns = [escape_formula(c) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """Write ``frame`` to a CSV file atomically, with :func:`csv_safe_frame` applied.

    ``index=False`` unless given; other keyword arguments go to ``DataFrame.to_csv``.
    """
    from paritykit._atomic import atomic_path

    kwargs.setdefault("index", False)
    with atomic_path(path) as tmp:
        csv_safe_frame(frame).to_csv(tmp, **kwargs)
    return Path(path)


def escape_markdown(text: str) -> str:
    """Make text from the inputs inert in Markdown and HTML: one line, markers escaped.

    Control characters are removed and line breaks become spaces, so a value can add neither
    blocks nor formatting, links, images or HTML tags. A value that is one bracketed
    placeholder (``[your name]``) keeps its brackets: alone it is no link.

    Examples
    --------
    >>> escape_markdown("<script>x</script> [click](http://x.invalid) *A*")
    '\\\\<script\\\\>x\\\\</script\\\\> \\\\[click\\\\](http://x.invalid) \\\\*A\\\\*'
    """
    flat = " ".join(strip_control(text).split())
    placeholder = _PLACEHOLDER.fullmatch(flat)
    if placeholder:  # "[your name]": a visible placeholder, not a link
        return "[" + _MARKUP.sub(r"\\\1", placeholder[1]) + "]" + placeholder[2]
    escaped = _MARKUP.sub(r"\\\1", flat)
    if escaped.startswith("#"):
        return "\\" + escaped
    if escaped[:1] in ("-", "+") and escaped[1:2].isspace():
        return "\\" + escaped
    number = re.match(r"\d{1,9}(?=[.)]\s)", escaped)
    if number:
        return escaped[: number.end()] + "\\" + escaped[number.end() :]
    return escaped


# --- file names and paths ----------------------------------------------------------------------


def safe_stem(text: str, *, max_length: int = MAX_STEM_LENGTH) -> str:
    """Return a file stem made of letters, digits, ``.``, ``_`` and ``-``, of bounded length.

    A stem that is already safe and short is returned unchanged. Otherwise unsafe characters
    become ``_`` and the first 8 hex digits of the SHA-256 of ``text`` are appended, so two
    different ids never give the same name.

    Examples
    --------
    >>> safe_stem("level_shares_sample-b_outpatient_in_network_copay")
    'level_shares_sample-b_outpatient_in_network_copay'
    >>> safe_stem("../../pwned")
    'pwned-19ebe2ef'
    >>> len(safe_stem("x" * 500))
    80
    """
    text = str(text)
    slug = _UNSAFE_NAME.sub("_", text)
    slug = re.sub(r"[._-]{2,}", "_", slug).strip("._-")
    if slug == text and len(slug) <= max_length:
        return slug
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    head = slug[: max_length - len(digest) - 1].rstrip("._-") or "x"
    return f"{head}-{digest}"


def _real(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.realpath(os.path.abspath(path)))


def ensure_inside(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """Return ``path`` when it is inside ``root`` (symbolic links resolved); raise otherwise.

    Raises
    ------
    OutputPathError
        When ``path`` would land outside ``root``.

    Examples
    --------
    >>> ensure_inside("/tmp/out", "/tmp/out/charts/a.png").name
    'a.png'
    >>> ensure_inside("/tmp/out", "/tmp/out/../pwned.png")
    Traceback (most recent call last):
    ...
    paritykit.safety.OutputPathError: refusing to write /tmp/out/../pwned.png: it is outside ...
    """
    if not _real(path).is_relative_to(_real(root)):
        raise OutputPathError(f"refusing to write {path}: it is outside the output folder {root}")
    return Path(path)


def _input_paths(inputs: Iterable[Any]) -> tuple[list[Path], list[str]]:
    """Input paths as given, and glob patterns (with the files they match among the paths)."""
    paths: list[Path] = []
    patterns: list[str] = []
    for item in inputs:
        if item is None or not isinstance(item, str | os.PathLike):
            continue
        text = os.fspath(item)
        if not isinstance(text, str) or not text:
            continue
        if _GLOB.search(text) and not os.path.exists(text):
            patterns.append(os.path.abspath(text))
            paths.extend(Path(m) for m in glob.glob(text, recursive=True))
        else:
            paths.append(Path(text))
    return paths, patterns


def refuse_inputs_as_outputs(
    outputs: Mapping[str, str | os.PathLike[str] | None],
    inputs: Iterable[Any],
    *,
    folder_writes: Sequence[str] = (),
) -> None:
    """Refuse, before anything is written, an output path that would overwrite an input.

    Parameters
    ----------
    outputs : mapping
        Option name (``"--out"``) -> output file or folder (None: not given).
    inputs : iterable
        Input paths (files, folders or globs); other values (data frames, dicts) are skipped.
    folder_writes : sequence of str
        For an output folder: the names paritykit writes in it (``"evidence.xlsx"``,
        ``"charts"``); an input at one of those names is refused too.

    Raises
    ------
    OutputPathError
        When an output is an input, is inside an input folder, or (for a folder) would replace
        an input file.

    Examples
    --------
    >>> refuse_inputs_as_outputs({"--out": "plan.csv"}, ["plan.csv"])
    Traceback (most recent call last):
    ...
    paritykit.safety.OutputPathError: --out plan.csv is one of the inputs; writing it would ...
    """
    paths, patterns = _input_paths(inputs)
    sources = [(p, _real(p)) for p in paths]
    for option, target in outputs.items():
        if target is None:
            continue
        real = _real(target)
        for pattern in patterns:
            if fnmatch.fnmatch(os.path.abspath(target), pattern):
                raise OutputPathError(
                    f"{option} {target} matches the input pattern {pattern}; it would be read "
                    "as an input next time. Choose another path."
                )
        for given, source in sources:
            if real == source:
                raise OutputPathError(
                    f"{option} {target} is one of the inputs; writing it would overwrite the "
                    "input. Choose another path."
                )
            if source.is_dir() and real.is_relative_to(source):
                raise OutputPathError(
                    f"{option} {target} is inside the input folder {given}; outputs there "
                    "would be read as inputs next time. Choose a path outside it."
                )
            for name in folder_writes:
                spot = real / name
                if source == spot or source.is_relative_to(spot):
                    raise OutputPathError(
                        f"{option} {target} would replace the input {given}; move the input "
                        "or choose another output folder."
                    )


def _check_target(out_dir: Path, target: Path) -> None:
    """Refuse a target that a file or folder blocks, or that would land outside ``out_dir``."""
    ensure_inside(out_dir, target)
    relative = target.relative_to(out_dir)
    here = out_dir
    for part in relative.parts[:-1]:
        here = here / part
        if here.exists() and not here.is_dir():
            raise OutputPathError(
                f"cannot write {target}: {here} is a file, not a folder. Move or delete it, "
                "or choose another output folder."
            )
    if target.is_dir():
        raise OutputPathError(
            f"cannot write {target}: a folder of that name is in the way. Move or delete it, "
            "or choose another output folder."
        )


def _previous_files(out_dir: Path) -> list[Path]:
    """Files the manifest of an earlier run in ``out_dir`` lists (inside ``out_dir`` only)."""
    manifest = out_dir / "manifest.json"
    try:
        payload = json.loads(manifest.read_text(encoding="utf-8"))
        listed = [str(f["path"]) for f in payload.get("files", [])]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []
    files = []
    for name in listed:
        path = out_dir / name
        if _real(path).is_relative_to(_real(out_dir)) and path.is_file():
            files.append(path)
    return files


def publish(
    staging: Path,
    out_dir: Path,
    written: Sequence[Path],
    *,
    keep: Iterable[Any] = (),
) -> list[Path]:
    """Move ``written`` from ``staging`` into ``out_dir``; return the final paths.

    Every target is checked first (inside ``out_dir``, no file where a folder must go, no
    folder where a file must go), so a blocked run moves nothing. Afterwards the files that an
    earlier run's ``manifest.json`` listed and this run did not write are removed, except any
    path in ``keep`` (the inputs); files paritykit did not list are never touched.

    Raises
    ------
    OutputPathError
        Naming the blocking path in ``out_dir`` (never the staging folder).
    """
    pairs = [(path, out_dir / path.relative_to(staging)) for path in written]
    for _, target in pairs:
        _check_target(out_dir, target)
    previous = _previous_files(out_dir)
    final: list[Path] = []
    for source, target in pairs:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        final.append(target)
    kept = {_real(p) for p in _input_paths(keep)[0]} | {_real(p) for p in final}
    for old in previous:
        if _real(old) not in kept:
            with contextlib.suppress(OSError):
                old.unlink()
            with contextlib.suppress(OSError):
                if old.parent != out_dir and not any(old.parent.iterdir()):
                    old.parent.rmdir()
    return final


@contextlib.contextmanager
def staged_output(out_dir: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a fresh staging folder inside ``out_dir``; remove it afterwards, whatever happens.

    Write every file into the staging folder, then call :func:`publish` inside the ``with``
    block. A file system error while writing is reported with the output folder's path in
    place of the staging folder's.

    Raises
    ------
    OutputPathError
        When ``out_dir`` is a file, or writing failed.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputPathError(
            f"the output folder {out} is a file; give a folder (it is created when missing)."
        )
    here = out
    while not here.exists() and here.parent != here:
        here = here.parent
    if not here.is_dir():
        raise OutputPathError(
            f"cannot create the output folder {out}: {here} is a file, not a folder."
        )
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".paritykit-staging-", dir=out))
    try:
        yield staging
    except OutputPathError:
        raise
    except OSError as exc:
        detail = (exc.strerror or str(exc)).replace(str(staging), str(out))
        name = str(exc.filename or "").replace(str(staging), str(out))
        raise OutputPathError(
            f"cannot write the output in {out}: {detail}" + (f": {name}" if name else "")
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
