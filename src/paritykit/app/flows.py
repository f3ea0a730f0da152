"""What each page of the web app does, as plain functions over files (no Streamlit here).

The pages in :mod:`paritykit.app.main` only collect uploads and form values, call these
functions and show what they return; these functions only call the same library functions as
the command line (``paritykit report``, ``payers``, ``appeals``, ``appeal-letter``), so a pack
made on the page is the pack the command makes from the same files. Everything is written
inside a working folder the caller owns (the page uses a :class:`tempfile.TemporaryDirectory`
per run); nothing leaves it unless the user downloads it.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from paritykit.analysis.denials import OpenDenials
    from paritykit.analysis.payers import PayerScorecard
    from paritykit.evidence.appeal_letter import AppealLetter
    from paritykit.regulators import RegulatorRoute
    from paritykit.report import EvidencePack

__all__ = [
    "BENEFITS_SUFFIXES",
    "PACK_FOLDER",
    "SBC_SUFFIXES",
    "AdvocateResult",
    "PracticeResult",
    "advocate_pack",
    "appeal_letter_files",
    "appeal_log_supported",
    "error_lines",
    "plan_facts_yaml",
    "practice_results",
    "regulator_for",
    "save_upload",
    "zip_folder",
]

#: Benefits files the advocate page takes (the same as ``paritykit report --benefits``).
BENEFITS_SUFFIXES: tuple[str, ...] = ("xlsx", "xlsm", "csv", "parquet")
#: A plan's Summary of Benefits and Coverage, read with ``paritykit.read_sbc``.
SBC_SUFFIXES: tuple[str, ...] = ("pdf",)
#: The folder of the pack inside the working folder (and inside the zip).
PACK_FOLDER = "evidence_pack"
#: The plan facts the form collected, written beside the pack (and put in the zip).
PLAN_FACTS_FILE = "plan.yaml"


def save_upload(name: str, data: bytes, folder: Path) -> Path:
    """Write an uploaded file into ``folder`` under its own base name and return the path.

    Only the base name is kept (``../x.xlsx`` becomes ``x.xlsx``), so an upload cannot land
    outside ``folder``.
    """
    base = Path(str(name).replace("\\", "/")).name or "upload"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / base
    target.write_bytes(data)
    return target


def error_lines(exc: BaseException, folders: Sequence[Path] = ()) -> list[str]:
    """The message the command line prints for ``exc``: its line, then the first problems.

    The same text as ``paritykit ...`` shows on stderr (``Error: ...`` and the problem rows
    with file, row, column and value). Paths inside ``folders`` (the temporary folders the
    uploads were saved in) are shown by the uploaded file's name alone.
    """
    from paritykit.cli import one_line, problem_lines

    if isinstance(exc, FileNotFoundError | IsADirectoryError | PermissionError):
        lines = [f"{exc.strerror}: {exc.filename}"]
    else:
        lines = [one_line(exc), *problem_lines(exc)]
    for folder in folders:
        lines = [line.replace(f"{folder}{os.sep}", "") for line in lines]
    return lines


def regulator_for(state: str, plan_type: str) -> RegulatorRoute:
    """The offices a complaint about this plan goes to, from the regulator directory.

    :func:`paritykit.regulators.regulator_route`, which the complaint letter also uses.
    """
    from paritykit.regulators import regulator_route

    return regulator_route(state, plan_type)


def plan_facts_yaml(facts: dict[str, Any]) -> str:
    """The plan facts as the YAML ``paritykit report --plan`` reads (blank fields left out)."""
    import yaml

    clean = {k: v for k, v in facts.items() if v not in (None, "")}
    return yaml.safe_dump(clean, sort_keys=False, allow_unicode=True)


@dataclass(frozen=True, eq=False)
class AdvocateResult:
    """What the advocate page shows and offers for download.

    Attributes
    ----------
    pack : EvidencePack
        From :func:`paritykit.build_evidence_pack`, the call ``paritykit report`` makes.
    findings : pandas.DataFrame
        The pack's findings, most serious first.
    screening : pandas.DataFrame
        The quantitative test's screening without projected payments, with
        ``screening`` and ``screening_condition``.
    charts : tuple of (str, bytes)
        The pack's chart images (PNG), by file name.
    zip_bytes : bytes
        The whole pack (report, workbook, charts, letter, manifest) and the plan facts, zipped.
    zip_name : str
    """

    pack: EvidencePack
    findings: pd.DataFrame
    screening: pd.DataFrame
    charts: tuple[tuple[str, bytes], ...]
    zip_bytes: bytes
    zip_name: str = "paritykit_evidence_pack.zip"

    def by_severity(self, severity: str) -> pd.DataFrame:
        """The findings of one severity (``noncompliant``, ``warning_sign``, ...)."""
        return self.findings[self.findings["severity"] == severity].reset_index(drop=True)

    def depending_on_payments(self) -> pd.DataFrame:
        """The screening rows that depend on the plan's projected payments, with the condition."""
        from paritykit import columns as C

        frame = self.screening
        if not len(frame):
            return frame
        return frame[frame[C.SCREENING] == "depends_on_payments"].reset_index(drop=True)


def _benefits_source(path: Path) -> tuple[Any, Any]:
    """A benefits file as ``paritykit report --benefits`` takes it, or an SBC PDF read as
    ``paritykit report --sbc`` reads it: (benefits, NQTL inventory or None)."""
    if path.suffix.lower().lstrip(".") not in SBC_SUFFIXES:
        return path, None
    from paritykit.load.sbc import read_sbc

    read = read_sbc(path)
    return read.contract_benefits(), (read.nqtls if len(read.nqtls) else None)


def advocate_pack(
    benefits: Path,
    facts: dict[str, Any],
    workdir: Path,
    *,
    claims: Path | None = None,
    prepared_on: dt.date | None = None,
) -> AdvocateResult:
    """Build the evidence pack from an uploaded benefits file and the form's plan facts.

    Parameters
    ----------
    benefits : pathlib.Path
        A filled benefits template (or table), or an SBC PDF (read with
        ``paritykit.read_sbc`` where this version has it).
    facts : dict
        The plan facts form (``plan_name``, ``plan_type``, ``state``, ``plan_year``, and
        optionally ``plan_id``, ``sponsor``, ``administrator``).
    workdir : pathlib.Path
        The working folder: ``plan.yaml`` and the pack (``evidence_pack/``) are written here.
    claims : pathlib.Path, optional
        Claim lines (claims contract), as ``paritykit report --claims``.
    prepared_on : datetime.date, optional
        The date on the report and letter (default today).

    Returns
    -------
    AdvocateResult

    Raises
    ------
    ParityKitError
        With the same message as ``paritykit report`` gives for the same files.
    """
    from paritykit.report import build_evidence_pack

    plan = workdir / PLAN_FACTS_FILE
    plan.write_text(plan_facts_yaml(facts), encoding="utf-8")
    out = workdir / PACK_FOLDER
    source, nqtls = _benefits_source(benefits)
    option = "--sbc" if nqtls is not None or not isinstance(source, Path) else "--benefits"
    command = ["paritykit", "report", option, benefits.name, "--plan", PLAN_FACTS_FILE]
    if claims is not None:
        command += ["--claims", claims.name]
    command += ["--out", PACK_FOLDER]
    if prepared_on is not None:
        command += ["--date", prepared_on.isoformat()]
    pack = build_evidence_pack(
        source,
        plan=plan,
        claims=claims,
        nqtls=nqtls,
        out=out,
        prepared_on=prepared_on,
        command=" ".join(command),
    )
    charts = tuple((p.name, p.read_bytes()) for p in sorted(pack.files) if p.suffix == ".png")
    payload = zip_folder(out, PACK_FOLDER, extra={PLAN_FACTS_FILE: plan})
    return AdvocateResult(
        pack=pack,
        findings=pack.findings,
        screening=pack.quantitative.screening,
        charts=charts,
        zip_bytes=payload,
    )


def zip_folder(folder: Path, prefix: str, extra: dict[str, Path] | None = None) -> bytes:
    """Zip every file under ``folder`` (as ``prefix/...``) and the ``extra`` files, in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")
        for name, path in (extra or {}).items():
            archive.write(path, f"{prefix}/{name}")
    return buffer.getvalue()


@dataclass(frozen=True, eq=False)
class PracticeResult:
    """What the practice page shows and offers for download.

    Attributes
    ----------
    scorecard : PayerScorecard
        From :func:`paritykit.payer_scorecard` (as ``paritykit payers``).
    scorecard_table : pandas.DataFrame
        The payer rows as the workbook shows them (small counts suppressed).
    scorecard_xlsx : bytes
        ``payer_scorecard.xlsx`` as ``paritykit payers`` writes it.
    chart : bytes
        ``payer_denial_rates.png`` (empty when none was drawn).
    denials : OpenDenials
        From :func:`paritykit.open_denials` (as ``paritykit appeals``).
    denials_xlsx : bytes
        The open denials as ``paritykit appeals --out open_denials.xlsx`` writes them.
    messages : list of str
        What reading the files said (one line per reader).
    problems : list of str
        Problems met while reading (files skipped, claims excluded).
    claims : pandas.DataFrame
        The claim lines read, for the appeal letters.
    files : list of (pathlib.Path, str)
        The input files and their kinds.
    """

    scorecard: PayerScorecard
    scorecard_table: pd.DataFrame
    scorecard_xlsx: bytes
    chart: bytes
    denials: OpenDenials
    denials_xlsx: bytes
    messages: list[str]
    problems: list[str]
    claims: pd.DataFrame = field(repr=False)
    files: list[tuple[Path, str]] = field(default_factory=list, repr=False)


def appeal_log_supported() -> bool:
    """Whether :func:`paritykit.open_denials` takes an appeal log in this version."""
    import inspect

    from paritykit.analysis.denials import open_denials

    return "log" in inspect.signature(open_denials).parameters


def practice_results(
    remits: Sequence[Path],
    workdir: Path,
    *,
    billing: Sequence[Path] = (),
    mapping: str | None = None,
    plan_type: str = "erisa_insured",
    as_of: dt.date | None = None,
    include_expired: bool = False,
    appeal_log: Path | None = None,
) -> PracticeResult:
    """Read 835 files (and billing exports) and make the scorecard and the open denials.

    The same calls as ``paritykit payers REMITS --out ...`` and ``paritykit appeals REMITS
    --plan-type TYPE --out open_denials.xlsx``; the workbooks are written in ``workdir``.

    Raises
    ------
    ParityKitError
        With the same message as the command line gives for the same files.
    """
    from paritykit.analysis.denials import open_denials
    from paritykit.analysis.payers import payer_scorecard
    from paritykit.cli._practice import read_inputs, write_open_denials
    from paritykit.evidence.payer_workbook import suppress_scorecard, write_payer_workbook
    from paritykit.vocab import normalize_plan_type

    plan_type = normalize_plan_type(plan_type, accept_group=True)
    inputs = read_inputs(list(remits), list(billing), mapping)
    card = payer_scorecard(inputs.claims)
    names = " ".join(p.name for p in [*remits])
    extra = " ".join(f"--billing {p.name}" for p in billing)
    extra += f" --mapping {mapping}" if mapping else ""
    out = workdir / "practice"
    written = write_payer_workbook(
        card,
        out,
        inputs=inputs.files,
        command=f"paritykit payers {names}{' ' + extra if extra else ''} --out practice",
    )
    options: dict[str, Any] = {}
    if appeal_log is not None:
        from paritykit.load.appeal_log import read_appeal_log

        options["log"] = read_appeal_log(appeal_log, claims=inputs.claims)
    denials = open_denials(
        inputs.claims,
        as_of=as_of or dt.date.today(),
        plan_type=plan_type,  # type: ignore[arg-type]
        include_expired=include_expired,
        **options,
    )
    table_file = write_open_denials(denials, out / "open_denials.xlsx")
    return PracticeResult(
        scorecard=card,
        # suppressed as the workbook's Scorecard sheet is (with the procedure rows' relations),
        # so that nothing hidden there shows here
        scorecard_table=_payer_rows(suppress_scorecard(card.to_frame())),
        scorecard_xlsx=written[0].read_bytes(),
        chart=next((p.read_bytes() for p in written if p.suffix == ".png"), b""),
        denials=denials,
        denials_xlsx=table_file.read_bytes(),
        messages=list(inputs.messages),
        problems=list(inputs.problem_lines),
        claims=inputs.claims,
        files=list(inputs.files),
    )


def appeal_letter_files(
    claims: pd.DataFrame,
    claim_id: str,
    workdir: Path,
    *,
    plan_type: str = "erisa_insured",
    as_of: dt.date | None = None,
) -> tuple[AppealLetter, dict[str, bytes]]:
    """Draft the appeal letter for one denied claim, as ``paritykit appeal-letter --claim``.

    Returns the letter and its files (``appeal_letter_<claim>.md`` and ``.docx``) by name.
    """
    from paritykit.evidence.appeal_letter import draft_appeal_letter, write_appeal_letter
    from paritykit.vocab import normalize_plan_type

    day = as_of or dt.date.today()
    letter = draft_appeal_letter(
        claims,
        claim_id=claim_id,
        plan_type=normalize_plan_type(plan_type, accept_group=True),  # type: ignore[arg-type]
        as_of=day,
        prepared_on=day,
    )
    written = write_appeal_letter(letter, workdir / "letters")
    return letter, {p.name: p.read_bytes() for p in written}


def names_of(files: Iterable[tuple[Path, str]]) -> list[str]:
    """The base names of input files (for showing what was read)."""
    return [p.name for p, _ in files]


def _payer_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The payer rows of a suppressed scorecard frame (not all payers, not payer by code)."""
    from paritykit import columns as C

    if C.GROUPING not in table.columns:
        return table.reset_index(drop=True)
    return table[table[C.GROUPING] == "payer"].reset_index(drop=True)
