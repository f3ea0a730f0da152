"""Plan facts: the subject of a complaint (plan, type, sponsor, administrator, state, year).

Read from YAML, TOML or JSON, from a ``Plan facts`` sheet (two columns: ``field``, ``value``) in
an Excel workbook such as the benefits template, or from a dict. Validated like every input.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Final

import pandas as pd

from paritykit.errors import ConfigurationError, InputFileError
from paritykit.validate.problems import ProblemLog, did_you_mean
from paritykit.vocab import (
    LEGACY_GROUP_PLAN_TYPES,
    PLAN_TYPES,
    PlanType,
    normalize_plan_type,
    normalize_token,
)

__all__ = [
    "PLAN_FACTS_SHEET",
    "PLAN_TYPES",
    "US_STATES",
    "PlanFacts",
    "PlanType",
    "read_plan_facts",
]

PLAN_FACTS_SHEET: Final = "Plan facts"

US_STATES: Final[dict[str, str]] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands",
    "AS": "American Samoa", "MP": "Northern Mariana Islands",
}  # fmt: skip

_REQUIRED: Final = ("plan_name", "plan_type", "state", "plan_year")
#: Values of ``funding``.
FUNDING_VALUES: Final[tuple[str, ...]] = ("insured", "self_funded")
_TEXT_FIELDS: Final = (
    "plan_name",
    "plan_id",
    "sponsor",
    "administrator",
    "complainant",
    "member_id",
    "group_number",
    "policy_number",
    "sponsor_ein",
    "plan_number",
    "claim_numbers",
    "administrator_address",
)


@dataclass(frozen=True)
class PlanFacts:
    """The jurisdiction facts of a complaint.

    Attributes
    ----------
    plan_name : str
        The plan's name as its documents give it.
    plan_type : str
        One of :data:`paritykit.vocab.PLAN_TYPES` (other spellings such as ``"self-funded"``
        or ``"church plan"`` are accepted and normalized); decides which regulator receives
        the complaint.
    state : str
        Two-letter state (or territory) code where the plan is issued or administered.
    plan_year : int
        The plan year the evidence concerns.
    plan_id : str or None
        The ``plan_id`` of this plan in the benefits and claims data, when they hold several.
    sponsor : str or None
        The employer or other plan sponsor.
    administrator : str or None
        The insurer (insured plans) or claims administrator (self-funded plans).
    complainant : str or None
        Who files (optional; a name is the filer's choice, never required).
    funding : str or None
        ``"insured"`` or ``"self_funded"``; read for non-federal governmental plans, where it
        decides whether the state insurance regulator or CMS is addressed first.
    member_id, group_number, policy_number, sponsor_ein, plan_number : str or None
        Identifiers printed in the letters' identifier block (a bracketed placeholder where
        not given). ``plan_number`` is the three-digit ERISA plan number of Form 5500.
    claim_numbers : str or None
        The claims the complaint concerns, with their dates, as one line of text.
    administrator_address : str or None
        The postal address of the plan administrator (the disclosure request letter).
    """

    plan_name: str
    plan_type: str
    state: str
    plan_year: int
    plan_id: str | None = None
    sponsor: str | None = None
    administrator: str | None = None
    complainant: str | None = None
    funding: str | None = None
    member_id: str | None = None
    group_number: str | None = None
    policy_number: str | None = None
    sponsor_ein: str | None = None
    plan_number: str | None = None
    claim_numbers: str | None = None
    administrator_address: str | None = None

    @property
    def state_name(self) -> str:
        """The full name of :attr:`state`."""
        return US_STATES[self.state]

    def to_frame(self) -> pd.DataFrame:
        """Return the facts as a two-column table (``field``, ``value``)."""
        return pd.DataFrame(
            [{"field": k, "value": v} for k, v in asdict(self).items()], dtype=object
        )


def read_plan_facts(source: str | os.PathLike[str] | dict[str, object]) -> PlanFacts:
    """Read and validate plan facts.

    Parameters
    ----------
    source : path or dict
        A ``.yaml``/``.yml``, ``.toml`` or ``.json`` file, an ``.xlsx`` workbook with a
        ``Plan facts`` sheet (columns ``field`` and ``value``), or a dict.

    Returns
    -------
    PlanFacts

    Raises
    ------
    DataValidationError
        Listing every missing or invalid field.

    Examples
    --------
    >>> facts = read_plan_facts({"plan_name": "Acme Health Plan", "plan_type": "erisa_insured",
    ...                          "state": "oh", "plan_year": 2026})
    >>> facts.state, facts.state_name
    ('OH', 'Ohio')
    """
    if isinstance(source, dict):
        data, file = dict(source), "<dict>"
    else:
        path = Path(source)
        file = str(path)
        if not path.is_file():
            raise InputFileError(f"{path}: no such file")
        data = _read_file(path)
    return _validate(_without_control_characters(data, file), file)


def _without_control_characters(data: dict[str, object], file: str) -> dict[str, object]:
    """Remove invisible control characters from text values, as the table readers do.

    A plan id typed with an escape or bell character would otherwise never match the same id
    in the benefits table, whose reader removes them. Each change is said in a warning.
    """
    import warnings

    from paritykit.errors import ParityKitWarning
    from paritykit.load.tables import CONTROL_CHARACTERS

    out: dict[str, object] = {}
    for key, value in data.items():
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            clean = CONTROL_CHARACTERS.sub("", value)
            warnings.warn(
                f"{file}: removed control characters from {key} ({value!r} is read as {clean!r})",
                ParityKitWarning,
                stacklevel=3,
            )
            value = clean
        out[key] = value
    return out


def _read_file(path: Path) -> dict[str, object]:
    from paritykit.load.text import MAX_CONFIG_BYTES, load_yaml, read_text

    suffix = path.suffix.lower()
    text_kinds = (".yaml", ".yml", ".toml", ".json")
    text = ""
    if suffix in text_kinds:
        # one decoder and size limit for every text input (paritykit.load.text)
        decoded = read_text(path, what="plan facts", max_bytes=MAX_CONFIG_BYTES)
        if decoded.note:
            import warnings

            from paritykit.errors import ParityKitWarning

            warnings.warn(decoded.note, ParityKitWarning, stacklevel=3)
        text = decoded.text
        if not text.strip():
            raise InputFileError(f"{path}: the file is empty")
    try:
        if suffix in (".yaml", ".yml"):
            loaded = load_yaml(text, str(path))
        elif suffix == ".toml":
            loaded = tomllib.loads(text)
        elif suffix == ".json":
            loaded = json.loads(text)
        elif suffix in (".xlsx", ".xlsm"):
            from paritykit.load.tables import read_raw_table

            raw = read_raw_table(path, expected_columns=("field", "value"), sheet=PLAN_FACTS_SHEET)
            loaded = {
                str(rec["field"]).strip(): rec.get("value")
                for rec in raw.frame.to_dict("records")
                if rec.get("field") is not None
            }
        else:
            raise InputFileError(
                f"{path}: unsupported plan facts file '{suffix}'; use .yaml, .toml, .json or an "
                f".xlsx with a '{PLAN_FACTS_SHEET}' sheet"
            )
    except InputFileError:
        raise
    except Exception as exc:  # parser errors of several libraries
        raise InputFileError(f"{path}: cannot parse plan facts ({exc})") from exc
    if not isinstance(loaded, dict):
        raise InputFileError(f"{path}: plan facts must be a mapping of field: value")
    if isinstance(loaded.get("plan"), dict):  # allow a [plan] table / plan: section
        loaded = loaded["plan"]
    return loaded


def _validate(data: dict[str, object], file: str) -> PlanFacts:
    log = ProblemLog(file, "plan facts")
    known = [f.name for f in fields(PlanFacts)]
    values: dict[str, object] = {}
    for key, value in data.items():
        name = normalize_token(key)
        if name not in known:
            log.add(
                f"unknown field '{key}'{did_you_mean(name, known)}",
                column=str(key),
                expected="one of " + ", ".join(known),
            )
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        values[name] = value.strip() if isinstance(value, str) else value
    for name in _REQUIRED:
        if name not in values:
            log.add(f"'{name}' is required", column=name, expected=_EXPECTED[name])
    if "plan_type" in values:
        token = normalize_token(values["plan_type"])
        try:
            values["plan_type"] = normalize_plan_type(token)
        except ConfigurationError:
            message = (
                f"plan type '{token}' does not say whether the employer plan is insured or "
                "self-funded, which decides the regulator: use erisa_insured or erisa_self_funded"
                if token in LEGACY_GROUP_PLAN_TYPES
                else f"unknown plan type{did_you_mean(token, PLAN_TYPES)}"
            )
            log.add(
                message,
                column="plan_type",
                value=values["plan_type"],
                expected=_EXPECTED["plan_type"],
            )
    if "state" in values:
        code = str(values["state"]).strip().upper()
        by_name = {v.upper(): k for k, v in US_STATES.items()}
        code = by_name.get(code, code)
        if code not in US_STATES:
            log.add(
                "unknown state", column="state", value=values["state"], expected=_EXPECTED["state"]
            )
        values["state"] = code
    if "plan_year" in values:
        try:
            year = int(str(values["plan_year"]).strip())
        except ValueError:
            year = -1
        if not 2008 <= year <= 2100:
            log.add(
                "plan year is not a year from 2008 on",
                column="plan_year",
                value=values["plan_year"],
                expected=_EXPECTED["plan_year"],
            )
        values["plan_year"] = year
    for name in _TEXT_FIELDS:
        if name in values:
            values[name] = str(values[name])
    if "funding" in values:
        funding = normalize_token(values["funding"]).replace("self_insured", "self_funded")
        funding = {"fully_insured": "insured"}.get(funding, funding)
        if funding not in FUNDING_VALUES:
            log.add(
                "unknown funding",
                column="funding",
                value=values["funding"],
                expected="insured or self_funded",
            )
        values["funding"] = funding
    log.raise_if_any()
    return PlanFacts(**values)  # type: ignore[arg-type]


_EXPECTED: Final[dict[str, str]] = {
    "plan_name": "the plan's name as its documents give it",
    "plan_type": "one of " + ", ".join(PLAN_TYPES),
    "state": "a two-letter state code such as OH (or the state's name)",
    "plan_year": "a four-digit plan year such as 2026",
}
