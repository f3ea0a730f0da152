"""Versioned classification rule sets, read from data files (not if-chains in code).

The default rule set ships as ``paritykit/data/codesets/parity_default.yaml``. A user copies it,
edits code lists, bumps ``version`` and passes the file (or a :class:`RuleSet`) as ``rules=``.
Every classified table records ``name@version`` in its ``ruleset_version`` column.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from paritykit.errors import ConfigurationError

__all__ = [
    "DEFAULT_RULES_FILE",
    "DENIAL_CATEGORIES",
    "RULES_VERSION",
    "SETTINGS",
    "RuleSet",
    "default_rules",
    "load_rules",
]

#: Name of the bundled default rule set file in ``paritykit/data/codesets``.
DEFAULT_RULES_FILE = "parity_default.yaml"
#: Version of the bundled default rule set (also in its file).
RULES_VERSION = "2025.2"
#: What a place of service or bill type can map to.
SETTINGS: tuple[str, ...] = ("inpatient", "emergency", "office_visits", "all_other_outpatient")
#: Denial reason groups counted by :func:`paritykit.summarize_outcomes`.
DENIAL_CATEGORIES: tuple[str, ...] = (
    "medical_necessity",
    "prior_auth",
    "missing_information",
    "non_covered",
    "administrative",
    "benefit_limit",
)

Range = tuple[str, str]


@dataclass(frozen=True)
class RuleSet:
    """Code sets that decide side (MH/SUD or M/S) and classification of a claim line.

    Attributes
    ----------
    name, version : str
        Recorded as ``name@version`` on every classified line.
    diagnosis_ranges : tuple of (str, str)
        ICD-10-CM category ranges (3 characters, inclusive) that are MH/SUD.
    procedure_ranges, procedure_codes : CPT/HCPCS ranges and single codes that are MH/SUD.
    revenue_ranges, revenue_codes : revenue code ranges and codes (4 digits) that are MH/SUD.
    place_of_service : mapping of POS code -> setting (one of :data:`SETTINGS`).
    revenue_settings : mapping of revenue code (4 digits) -> setting, for revenue codes that name
        a level of care (partial hospitalization, intensive outpatient, residential treatment).
    bill_type_prefixes : mapping of the first two digits of a 3-digit type of bill -> setting.
    procedure_settings : mapping of CPT/HCPCS code -> setting, used only when neither place of
        service, revenue code nor bill type decides (e.g. HCPCS H0018 residential, no POS).
    emergency_revenue_prefixes : revenue code prefixes that mark an emergency line.
    denial_reasons : mapping of denial category -> CARC codes.

    Examples
    --------
    >>> r = default_rules()
    >>> r.label, r.diagnosis_ranges
    ('paritykit-default@2025.2', (('F01', 'F99'),))
    """

    name: str
    version: str
    diagnosis_ranges: tuple[Range, ...]
    procedure_ranges: tuple[Range, ...] = ()
    procedure_codes: tuple[str, ...] = ()
    revenue_ranges: tuple[Range, ...] = ()
    revenue_codes: tuple[str, ...] = ()
    place_of_service: Mapping[str, str] = field(default_factory=dict)
    revenue_settings: Mapping[str, str] = field(default_factory=dict)
    bill_type_prefixes: Mapping[str, str] = field(default_factory=dict)
    procedure_settings: Mapping[str, str] = field(default_factory=dict)
    emergency_revenue_prefixes: tuple[str, ...] = ()
    denial_reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""
    path: str | None = None

    def __post_init__(self) -> None:
        _check_rules(self)

    @property
    def label(self) -> str:
        """``name@version``, as recorded in the ``ruleset_version`` column."""
        return f"{self.name}@{self.version}"

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> RuleSet:
        """Read a rule set from a YAML file shaped like the bundled default."""
        return load_rules(path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: str | None = None) -> RuleSet:
        """Build a rule set from the parsed content of a rules file."""
        where = path or "<rules>"
        if not isinstance(data, Mapping):
            raise ConfigurationError(f"rules {where} is not a mapping; see {DEFAULT_RULES_FILE}.")
        for key in ("name", "version", "mhsud", "setting"):
            if key not in data:
                raise ConfigurationError(
                    f"rules {where} lacks '{key}'; expected keys name, version, mhsud, setting "
                    f"and denial_reasons as in the bundled {DEFAULT_RULES_FILE}."
                )
        mh = data["mhsud"] or {}
        st = data["setting"] or {}
        return cls(
            name=str(data["name"]),
            version=str(data["version"]),
            diagnosis_ranges=_ranges(mh.get("diagnosis_ranges"), "mhsud.diagnosis_ranges", where),
            procedure_ranges=_ranges(mh.get("procedure_ranges"), "mhsud.procedure_ranges", where),
            procedure_codes=tuple(str(c).upper() for c in mh.get("procedure_codes") or ()),
            revenue_ranges=_ranges(mh.get("revenue_ranges"), "mhsud.revenue_ranges", where),
            revenue_codes=tuple(str(c) for c in mh.get("revenue_codes") or ()),
            place_of_service={
                str(k): str(v) for k, v in (st.get("place_of_service") or {}).items()
            },
            revenue_settings={str(k): str(v) for k, v in (st.get("revenue_codes") or {}).items()},
            bill_type_prefixes={
                str(k): str(v) for k, v in (st.get("bill_type_prefixes") or {}).items()
            },
            procedure_settings={
                str(k).upper(): str(v) for k, v in (st.get("procedure_codes") or {}).items()
            },
            emergency_revenue_prefixes=tuple(
                str(c) for c in st.get("emergency_revenue_prefixes") or ()
            ),
            denial_reasons={
                str(k): tuple(str(c).upper() for c in v or ())
                for k, v in (data.get("denial_reasons") or {}).items()
            },
            source=str(data.get("source", "")),
            path=path,
        )


def _ranges(value: Any, what: str, where: str) -> tuple[Range, ...]:
    out: list[Range] = []
    for item in value or ():
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise ConfigurationError(
                f"rules {where}: {what} entry {item!r} is not a [low, high] pair."
            )
        lo, hi = (str(x).upper() for x in item)
        out.append((lo, hi))
    return tuple(out)


def _check_rules(rules: RuleSet) -> None:
    where = rules.path or rules.name
    for lo, hi in (*rules.procedure_ranges, *rules.revenue_ranges, *rules.diagnosis_ranges):
        if len(lo) != len(hi) or lo > hi:
            raise ConfigurationError(
                f"rules {where}: range [{lo}, {hi}] must have ends of equal length, low <= high."
            )
    for lo, hi in rules.diagnosis_ranges:
        if len(lo) != 3:
            raise ConfigurationError(
                f"rules {where}: diagnosis range [{lo}, {hi}] must use 3-character ICD-10-CM "
                "categories (e.g. [F01, F99])."
            )
    bad = {
        k: v
        for mapping in (
            rules.place_of_service,
            rules.revenue_settings,
            rules.bill_type_prefixes,
            rules.procedure_settings,
        )
        for k, v in mapping.items()
        if v not in SETTINGS
    }
    if bad:
        raise ConfigurationError(f"rules {where}: settings {bad} are not among {list(SETTINGS)}.")
    unknown = [k for k in rules.denial_reasons if k not in DENIAL_CATEGORIES]
    if unknown:
        raise ConfigurationError(
            f"rules {where}: denial reason groups {unknown} are not among "
            f"{list(DENIAL_CATEGORIES)}."
        )


def load_rules(path: str | os.PathLike[str]) -> RuleSet:
    """Read a rule set from a YAML file.

    Examples
    --------
    >>> from importlib import resources
    >>> p = resources.files("paritykit") / "data" / "codesets" / "parity_default.yaml"
    >>> load_rules(p).version
    '2025.2'
    """
    import yaml

    path = Path(os.fspath(path)) if not hasattr(path, "read_text") else path  # type: ignore[assignment]
    try:
        text = path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    except FileNotFoundError as exc:
        raise ConfigurationError(f"rules file not found: {path}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"cannot parse rules file {path}: {exc}") from exc
    return RuleSet.from_dict(data, path=str(path))


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """Return the bundled default rule set (PARITY.md section 6 defaults).

    Examples
    --------
    >>> default_rules().place_of_service["23"]
    'emergency'
    """
    return load_rules(resources.files("paritykit") / "data" / "codesets" / DEFAULT_RULES_FILE)
