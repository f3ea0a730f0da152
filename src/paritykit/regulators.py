"""The regulator directory: who a parity complaint letter is addressed to.

The directory ships as ``paritykit/data/regulators.csv`` (its sources, dates and gaps are in
``paritykit/data/REGULATORS_SOURCES.md``). It has one row per office: every state's and the
District of Columbia's insurance department (``state_insurance``) and Medicaid agency
(``state_medicaid``), the Department of Labor's Employee Benefits Security Administration
(``ebsa_national`` and its ``ebsa_regional`` field offices), CMS (``cms``: ``CMS-NFGP`` for
non-federal governmental plans, ``CMS-MARKET`` for issuers in the states that told CMS they do
not enforce the PHS Act market reforms) and OPM (``opm``; FEHB disputed claims under 5 CFR
890.105).

Every filled fact cell is backed by a source id in the row's ``sources`` column
(``"name,phone=S1;street,city,state_code,zip=S2"``); the ids are listed, with the address read
and the date, in ``REGULATORS_SOURCES.md`` (:func:`regulator_sources`). A blank cell means the
fact could not be confirmed in a source; it is never a guess. Code that addresses a letter must
therefore cope with a blank street, phone or complaint page.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from paritykit.errors import ConfigurationError, InputFileError
from paritykit.vocab import normalize_plan_type

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FACT_COLUMNS",
    "REGULATOR_COLUMNS",
    "REGULATOR_KINDS",
    "ROUTE_COLUMNS",
    "STATE_CODES",
    "RegulatorRoute",
    "ebsa_office_for",
    "find_regulators",
    "regulator_directory",
    "regulator_route",
    "regulator_sources",
    "regulators_version",
]

#: Columns of the directory, in file order.
REGULATOR_COLUMNS: tuple[str, ...] = (
    "office_id",
    "kind",
    "state",
    "name",
    "complaint_url",
    "website",
    "street",
    "po_box",
    "city",
    "state_code",
    "zip",
    "phone",
    "email",
    "serves_states",
    "parity_law",
    "phs_enforcer",
    "sources",
    "source_url",
    "checked_on",
    "note",
)

#: The columns holding facts about an office; each filled one must be named in the row's
#: ``sources`` with a source id (``name`` may be unconfirmed: its row's note then says so).
FACT_COLUMNS: tuple[str, ...] = (
    "name",
    "complaint_url",
    "website",
    "street",
    "po_box",
    "city",
    "state_code",
    "zip",
    "phone",
    "email",
    "serves_states",
    "parity_law",
    "phs_enforcer",
)

#: The kinds of office, in the order the directory lists them.
REGULATOR_KINDS: tuple[str, ...] = (
    "state_insurance",
    "state_medicaid",
    "ebsa_national",
    "ebsa_regional",
    "cms",
    "opm",
)

#: Columns :func:`regulator_route` adds to the directory's: ``role`` (``"primary"`` for the
#: office to address, ``"copy"`` for one to send a copy to) and ``reason`` (one sentence).
ROUTE_COLUMNS: tuple[str, ...] = ("role", "reason")

#: The 50 states and the District of Columbia, by USPS code.
STATE_CODES: tuple[str, ...] = (
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL",
    "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE",
    "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VA", "VT", "WA", "WI", "WV", "WY",
)  # fmt: skip

_STATE_KINDS = ("state_insurance", "state_medicaid")
_NATIONAL_KINDS = ("ebsa_national", "cms", "opm")
_VERSION_RE = re.compile(r"version\s*=\s*(\S+)")
_DATA_FILE = "regulators.csv"
_SOURCES_FILE = "REGULATORS_SOURCES.md"
_SOURCE_ROW = re.compile(
    r"^\|\s*`?(?P<id>[A-Z][A-Z0-9-]*)`?\s*\|\s*(?P<what>.+?)\s*\|\s*(?P<where>.+?)\s*\|"
    r"\s*(?P<read>\d{4}-\d{2}-\d{2})\s*\|\s*$"
)


@lru_cache(maxsize=1)
def _load() -> tuple[str, pd.DataFrame]:
    import pandas as pd

    text = (resources.files("paritykit") / "data" / _DATA_FILE).read_text("utf-8")
    lines = text.splitlines()
    version = None
    for line in lines:
        if not line.startswith("#"):
            break
        found = _VERSION_RE.search(line)
        if found:
            version = found.group(1)
    if version is None:
        raise InputFileError(
            f"paritykit/data/{_DATA_FILE}: no 'version=' comment line; the packaged regulator "
            "directory is damaged, reinstall paritykit."
        )
    body = "\n".join(line for line in lines if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO(body))
    if tuple(reader.fieldnames or ()) != REGULATOR_COLUMNS:
        raise InputFileError(
            f"paritykit/data/{_DATA_FILE}: columns {reader.fieldnames} differ from the expected "
            f"{list(REGULATOR_COLUMNS)}; reinstall paritykit."
        )
    frame = pd.DataFrame(list(reader), columns=list(REGULATOR_COLUMNS))
    frame = frame.astype("string")
    frame["kind"] = pd.Categorical(frame["kind"], categories=list(REGULATOR_KINDS))
    frame["checked_on"] = pd.to_datetime(frame["checked_on"].replace("", pd.NA), format="%Y-%m-%d")
    for column in REGULATOR_COLUMNS:
        if column not in ("kind", "checked_on"):
            frame[column] = frame[column].replace("", pd.NA)
    return version, frame


@lru_cache(maxsize=1)
def _load_sources() -> pd.DataFrame:
    import pandas as pd

    text = (resources.files("paritykit") / "data" / _SOURCES_FILE).read_text("utf-8")
    rows = []
    inside = False
    for line in text.splitlines():
        if line.startswith("## "):
            inside = line.strip().lower() == "## source list"
            continue
        found = _SOURCE_ROW.match(line) if inside else None
        if found:
            rows.append(found.groupdict())
    if not rows:
        raise InputFileError(
            f"paritykit/data/{_SOURCES_FILE}: no rows under '## Source list'; the packaged "
            "regulator directory is damaged, reinstall paritykit."
        )
    frame = pd.DataFrame(rows).rename(
        columns={"id": "source_id", "what": "source", "where": "address", "read": "read_on"}
    )
    frame = frame.astype("string")
    frame["read_on"] = pd.to_datetime(frame["read_on"], format="%Y-%m-%d")
    return frame


def regulator_sources() -> pd.DataFrame:
    """Return the sources the directory's facts were read in, one row per source id.

    Returns
    -------
    pandas.DataFrame
        Columns ``source_id`` (as used in the directory's ``sources`` column), ``source``
        (what it is), ``address`` (the URL read, or ``owner/repo path @ commit`` for a file in
        a public repository) and ``read_on`` (date).

    Raises
    ------
    InputFileError
        If the packaged ``REGULATORS_SOURCES.md`` has no source list.

    Examples
    --------
    >>> sources = regulator_sources()
    >>> sources.set_index("source_id").loc["TX3", "address"]
    'http://www.tdi.texas.gov/consumer/selffundedplans.html'
    """
    return _load_sources().copy()


def _parse_sources(text: object) -> dict[str, str]:
    """Map each fact column named in a ``sources`` cell to its source id."""
    mapping: dict[str, str] = {}
    if not isinstance(text, str):
        return mapping
    for part in text.split(";"):
        fields, _, source_id = part.partition("=")
        for field in fields.split(","):
            if field.strip():
                mapping[field.strip()] = source_id.strip()
    return mapping


def regulators_version() -> str:
    """Return the version of the packaged regulator directory.

    Returns
    -------
    str
        The ``version=`` value from the directory's header comment, such as ``"2026.2"``.

    Examples
    --------
    >>> regulators_version()
    '2026.2'
    """
    return _load()[0]


def regulator_directory() -> pd.DataFrame:
    """Return the packaged regulator directory, one row per office.

    The file is read once per process and cached; every call returns a fresh copy, so callers
    may change it freely.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`REGULATOR_COLUMNS`. ``kind`` is categorical (in the order of
        :data:`REGULATOR_KINDS`), ``checked_on`` is a date (``NaT`` where the row's facts were
        not confirmed in a source), every other column is a string column in which a fact that
        could not be confirmed is ``<NA>``. ``state`` is blank for federal offices;
        ``serves_states`` lists, for an EBSA regional office, the state codes it serves,
        separated by ``;``.

    Raises
    ------
    InputFileError
        If the packaged file is damaged (no version line, wrong columns).

    Examples
    --------
    >>> directory = regulator_directory()
    >>> directory.loc[directory["office_id"] == "OH-DOI", "name"].item()
    'Ohio Department of Insurance'
    >>> sorted(set(directory["kind"]))[:2]
    ['cms', 'ebsa_national']
    """
    return _load()[1].copy()


def _check_state(state: str) -> str:
    code = state.strip().upper() if isinstance(state, str) else state
    if code not in STATE_CODES:
        raise ConfigurationError(
            f"Unknown state {state!r}: use a two-letter code of the 50 states or DC, one of "
            f"{', '.join(STATE_CODES)}."
        )
    return code


def _served(directory: pd.DataFrame, code: str) -> pd.Series:
    return (
        directory["serves_states"]
        .fillna("")
        .map(lambda text: code in {part.strip() for part in text.split(";")})
        .astype(bool)
    )


def _for_state(directory: pd.DataFrame, code: str) -> pd.Series:
    """Rows that take complaints from one state (see :func:`find_regulators`)."""
    served = _served(directory, code)
    limited = directory["serves_states"].notna()
    own_state = directory["kind"].isin(_STATE_KINDS) & (directory["state"] == code).fillna(False)
    regional = (directory["kind"] == "ebsa_regional") & served
    national = directory["kind"].isin(_NATIONAL_KINDS) & (~limited | served)
    return (own_state | regional | national).astype(bool)


def find_regulators(
    state: str,
    kind: str | None = None,
    *,
    plan_type: str | None = None,
    insured: bool | None = None,
) -> pd.DataFrame:
    """Return the offices a complaint from one state can go to.

    Parameters
    ----------
    state : str
        Two-letter code of a state or ``"DC"`` (any case, surrounding spaces ignored).
    kind : str, optional
        One of :data:`REGULATOR_KINDS`. For ``state_insurance`` and ``state_medicaid`` the
        state's own office is returned; for ``ebsa_regional`` the field office(s) whose
        ``serves_states`` list the state (none while the directory lacks that fact); for the
        national kinds (``ebsa_national``, ``cms``, ``opm``) every such office that serves all
        states (blank ``serves_states``) or lists the state (``CMS-MARKET``). Without
        ``kind``, all of these together.
    plan_type : str, optional
        A plan type of :data:`paritykit.vocab.PLAN_TYPES` (or an accepted alias). When given,
        only the offices for a complaint about that plan are returned, in the order to address
        them, with the :data:`ROUTE_COLUMNS` added; see :func:`regulator_route`, which also
        says whom to contact where the directory has no office (a self-funded church plan).
        Cannot be combined with ``kind``.
    insured : bool, optional
        With ``plan_type``: whether an insurer pays the claims (for non-federal governmental
        and church plans; ignored for the others, whose plan type already says it).

    Returns
    -------
    pandas.DataFrame
        Rows of :func:`regulator_directory`, in directory order (or in routing order with
        ``plan_type``), index reset.

    Raises
    ------
    ConfigurationError
        If ``state`` is not one of the 51 codes (the message lists them), ``kind`` or
        ``plan_type`` is unknown, or both are given.

    Examples
    --------
    >>> find_regulators("oh", "state_insurance")["office_id"].tolist()
    ['OH-DOI']
    >>> find_regulators("OH")["kind"].astype(str).tolist()[:2]
    ['state_insurance', 'state_medicaid']
    >>> find_regulators("TX", plan_type="erisa_self_funded")["office_id"].tolist()
    ['EBSA-DALLAS']
    """
    if plan_type is not None:
        if kind is not None:
            raise ConfigurationError(
                f"find_regulators: give kind ({kind!r}) or plan_type ({plan_type!r}), not both."
            )
        return regulator_route(state, plan_type, insured=insured).offices.copy()
    code = _check_state(state)
    if kind is not None and kind not in REGULATOR_KINDS:
        raise ConfigurationError(
            f"Unknown regulator kind {kind!r}: use one of {', '.join(REGULATOR_KINDS)}."
        )
    directory = _load()[1]
    mask = _for_state(directory, code)
    if kind is not None:
        mask &= directory["kind"] == kind
    return directory[mask].reset_index(drop=True).copy()


#: Whom to contact where the directory holds no office for a plan (keyed by plan type).
_NO_OFFICE_NOTES = {
    "church": (
        "A self-funded church plan (29 U.S.C. 1002(33)) is outside ERISA unless it elected ERISA "
        "coverage (29 U.S.C. 1003(b)(2)), and no state insurance department regulates it, so "
        "no office in this directory takes the complaint: the Internal Revenue Code's parity "
        "rule (26 U.S.C. 9812) binds the plan and is enforced by the IRS through an excise tax "
        "(26 U.S.C. 4980D); appeal to the plan administrator named in the plan documents. If "
        "the plan elected ERISA coverage, use plan type erisa_self_funded."
    ),
}


@dataclass(frozen=True)
class RegulatorRoute:
    """The offices a parity complaint about one plan goes to, in the order to address them.

    Attributes
    ----------
    state : str
        The state's two-letter code.
    plan_type : str
        The canonical plan type (:data:`paritykit.vocab.PLAN_TYPES`).
    insured : bool or None
        Whether an insurer pays the claims, as given (``None``: not known).
    offices : pandas.DataFrame
        Directory rows with :data:`ROUTE_COLUMNS` added; the first row, ``role`` ``"primary"``,
        is the office to address, ``"copy"`` rows are copied. Empty when the directory holds no
        office for the plan (then ``note`` says whom to contact).
    note : str
        Whom to contact where no office is listed, and any caution about the routing; ``""``
        when there is nothing to add.
    """

    state: str
    plan_type: str
    insured: bool | None
    offices: pd.DataFrame
    note: str

    def to_frame(self) -> pd.DataFrame:
        """Return the offices, one row each, with ``route_state``, ``plan_type``, ``route_note``.

        Returns
        -------
        pandas.DataFrame
            A copy of :attr:`offices` with the three columns in front (``route_state`` is
            :attr:`state`, ``route_note`` :attr:`note`; the directory's own ``state`` and
            ``note`` columns are kept).
        """
        frame = self.offices.copy()
        frame.insert(0, "route_note", self.note)
        frame.insert(0, "plan_type", self.plan_type)
        frame.insert(0, "route_state", self.state)
        return frame


def regulator_route(state: str, plan_type: str, *, insured: bool | None = None) -> RegulatorRoute:
    """Return the offices a parity complaint about a plan in a state goes to.

    The routing follows who enforces the parity rules for each plan type:

    - ``erisa_insured``: the state insurance department (the policy is state regulated;
      primary), a copy to the EBSA office for the state (ERISA);
    - ``erisa_self_funded``: the EBSA office for the state (:func:`ebsa_office_for`);
    - ``individual``: the state insurance department;
    - ``non_federal_governmental``: CMS (``CMS-NFGP``; PHS Act title XXVII), and, when the plan
      is insured (``insured=True``, or not known), the state insurance department for the
      policy (as a copy);
    - ``medicaid_managed_care`` and ``chip``: the state Medicaid agency (42 CFR 438 subpart K,
      42 CFR 457.496), which for CHIP may run the program through a separate CHIP office;
    - ``fehb``: OPM (5 CFR 890.105);
    - ``church``: the state insurance department when an insurer pays the claims (``insured``
      true or not known); otherwise no office, and :attr:`RegulatorRoute.note` says whom to
      contact.

    For insured coverage (``erisa_insured``, ``individual``, insured governmental or church
    plans) in a state that told CMS it does not enforce the PHS Act market reforms
    (``phs_enforcer`` ``"cms"``), ``CMS-MARKET`` is added as a copy.

    Parameters
    ----------
    state : str
        Two-letter code of a state or ``"DC"`` (any case).
    plan_type : str
        A plan type of :data:`paritykit.vocab.PLAN_TYPES` or an accepted alias.
    insured : bool, optional
        Whether an insurer pays the claims (used for non-federal governmental and church
        plans).

    Returns
    -------
    RegulatorRoute
        The offices in the order to address them, and a note.

    Raises
    ------
    ConfigurationError
        If the state or plan type is unknown.

    Examples
    --------
    >>> route = regulator_route("TX", "erisa_insured")
    >>> route.offices["office_id"].tolist()
    ['TX-DOI', 'EBSA-DALLAS', 'CMS-MARKET']
    >>> regulator_route("OH", "church", insured=False).offices.empty
    True
    """
    import pandas as pd

    code = _check_state(state)
    canonical = normalize_plan_type(plan_type)
    directory = _load()[1].set_index("office_id", drop=False)
    picked: list[tuple[str, str, str]] = []
    notes: list[str] = []

    def add(office_id: str, role: str, reason: str) -> None:
        picked.append((office_id, role, reason))

    doi = f"{code}-DOI"
    medicaid = f"{code}-MEDICAID"
    ebsa = str(ebsa_office_for(code)["office_id"])
    ebsa_reason = (
        "EBSA enforces ERISA's parity rules (29 U.S.C. 1185a) for private employer plans"
        + ("" if ebsa != "EBSA-NATIONAL" else "; no field office is confirmed for this state")
        + "."
    )
    insured_coverage = False
    if canonical == "erisa_insured":
        add(doi, "primary", "The state regulates the insurance policy that pays the claims.")
        add(ebsa, "copy", ebsa_reason)
        insured_coverage = True
    elif canonical == "erisa_self_funded":
        add(ebsa, "primary", ebsa_reason)
    elif canonical == "individual":
        add(doi, "primary", "The state regulates individual health insurance policies.")
        insured_coverage = True
    elif canonical == "non_federal_governmental":
        add(
            "CMS-NFGP",
            "primary",
            "CMS enforces the PHS Act's parity rules (42 U.S.C. 300gg-26) for non-federal "
            "governmental plans.",
        )
        if insured is not False:
            add(
                doi,
                "copy",
                "The state regulates the insurance policy"
                + (", if an insurer pays the claims." if insured is None else "."),
            )
            insured_coverage = True
    elif canonical in ("medicaid_managed_care", "chip"):
        program = "Medicaid" if canonical == "medicaid_managed_care" else "CHIP"
        add(
            medicaid,
            "primary",
            f"The state {program} agency oversees its managed care plans' parity compliance"
            + (
                " (42 CFR 438 subpart K)."
                if canonical == "medicaid_managed_care"
                else " (42 CFR 457.496); some states run CHIP through a separate office."
            ),
        )
    elif canonical == "fehb":
        add("OPM-FEHB", "primary", "OPM reviews disputed FEHB claims (5 CFR 890.105).")
    elif canonical == "church":
        if insured is False:
            notes.append(_NO_OFFICE_NOTES["church"])
        else:
            add(
                doi,
                "primary",
                "The state regulates the insurer that pays the church plan's claims"
                + (" (if an insurer pays them)." if insured is None else "."),
            )
            insured_coverage = True
            if insured is None:
                notes.append(_NO_OFFICE_NOTES["church"])
    if insured_coverage and directory.at[doi, "phs_enforcer"] == "cms":
        add(
            "CMS-MARKET",
            "copy",
            f"{code} told CMS it does not enforce the PHS Act market reforms; CMS enforces them "
            "for issuers there (45 CFR 150.203).",
        )
    ids = [office_id for office_id, _, _ in picked]
    offices = directory.loc[ids].reset_index(drop=True)
    offices["role"] = pd.array([role for _, role, _ in picked], dtype="string")
    offices["reason"] = pd.array([reason for _, _, reason in picked], dtype="string")
    return RegulatorRoute(
        state=code,
        plan_type=canonical,
        insured=insured,
        offices=offices,
        note=" ".join(notes),
    )


def ebsa_office_for(state: str) -> pd.Series:
    """Return the EBSA office a complaint about an ERISA plan in a state should go to.

    The field office (regional or district) whose ``serves_states`` lists the state is
    returned. Where the directory records no field office for the state (see
    ``REGULATORS_SOURCES.md``: most jurisdictions are not yet confirmed from a source), the
    national office is returned instead: its toll-free line and Ask EBSA web form accept
    complaints from every state and route them to the right region.

    Parameters
    ----------
    state : str
        Two-letter code of a state or ``"DC"`` (any case).

    Returns
    -------
    pandas.Series
        One directory row (index: :data:`REGULATOR_COLUMNS`); its ``kind`` says whether it
        is the ``ebsa_regional`` or the ``ebsa_national`` office.

    Raises
    ------
    ConfigurationError
        If ``state`` is unknown, or if the directory lists more than one regional office for
        the state (a damaged directory).

    Examples
    --------
    >>> office = ebsa_office_for("OH")
    >>> office["kind"] in ("ebsa_regional", "ebsa_national")
    True
    >>> office["name"].startswith(("Employee Benefits", "U.S. Department of Labor"))
    True
    """
    code = _check_state(state)
    regional = find_regulators(code, "ebsa_regional")
    if len(regional) > 1:
        raise ConfigurationError(
            f"The regulator directory lists {len(regional)} EBSA regional offices for {code} "
            f"({', '.join(regional['office_id'])}); each state must have one."
        )
    if len(regional) == 1:
        return regional.iloc[0]
    national = find_regulators(code, "ebsa_national")
    return national.iloc[0]
