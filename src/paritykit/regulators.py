"""The regulator directory: who a parity complaint letter is addressed to.

The directory ships as ``paritykit/data/regulators.csv`` (its sources, dates and gaps are in
``paritykit/data/REGULATORS_SOURCES.md``). It has one row per office: every state's and the
District of Columbia's insurance department (``state_insurance``) and Medicaid agency
(``state_medicaid``), the Department of Labor's Employee Benefits Security Administration
(``ebsa_national`` and its ``ebsa_regional`` offices), CMS (``cms``; non-federal governmental
plans, and issuers in states that do not enforce MHPAEA) and OPM (``opm``; FEHB disputed
claims under 5 CFR 890.105).

A blank cell means the fact could not be confirmed in a source; it is never a guess. Code that
addresses a letter must therefore cope with a blank street, phone or complaint page.
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from paritykit.errors import ConfigurationError, InputFileError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "REGULATOR_COLUMNS",
    "REGULATOR_KINDS",
    "STATE_CODES",
    "ebsa_office_for",
    "find_regulators",
    "regulator_directory",
    "regulators_version",
]

#: Columns of the directory, in file order.
REGULATOR_COLUMNS: tuple[str, ...] = (
    "office_id",
    "kind",
    "state",
    "name",
    "complaint_url",
    "street",
    "po_box",
    "city",
    "state_code",
    "zip",
    "phone",
    "email",
    "serves_states",
    "parity_law",
    "source_url",
    "checked_on",
    "note",
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

#: The 50 states and the District of Columbia, by USPS code.
STATE_CODES: tuple[str, ...] = (
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL",
    "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE",
    "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VA", "VT", "WA", "WI", "WV", "WY",
)  # fmt: skip

_STATE_KINDS = ("state_insurance", "state_medicaid")
_VERSION_RE = re.compile(r"version\s*=\s*(\S+)")
_DATA_FILE = "regulators.csv"


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


def regulators_version() -> str:
    """Return the version of the packaged regulator directory.

    Returns
    -------
    str
        The ``version=`` value from the directory's header comment, such as ``"2026.1"``.

    Examples
    --------
    >>> regulators_version()
    '2026.1'
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


def find_regulators(state: str, kind: str | None = None) -> pd.DataFrame:
    """Return the offices a complaint from one state can go to.

    Parameters
    ----------
    state : str
        Two-letter code of a state or ``"DC"`` (any case, surrounding spaces ignored).
    kind : str, optional
        One of :data:`REGULATOR_KINDS`. For ``state_insurance`` and ``state_medicaid`` the
        state's own office is returned; for ``ebsa_regional`` the regional office(s) whose
        ``serves_states`` list the state (none while the directory lacks that fact); for the
        national kinds (``ebsa_national``, ``cms``, ``opm``) every such office, since they
        serve all states. Without ``kind``, all of these together.

    Returns
    -------
    pandas.DataFrame
        Rows of :func:`regulator_directory`, in directory order, index reset.

    Raises
    ------
    ConfigurationError
        If ``state`` is not one of the 51 codes (the message lists them) or ``kind`` is
        unknown.

    Examples
    --------
    >>> find_regulators("oh", "state_insurance")["office_id"].tolist()
    ['OH-DOI']
    >>> find_regulators("OH")["kind"].astype(str).tolist()[:2]
    ['state_insurance', 'state_medicaid']
    """
    code = _check_state(state)
    if kind is not None and kind not in REGULATOR_KINDS:
        raise ConfigurationError(
            f"Unknown regulator kind {kind!r}: use one of {', '.join(REGULATOR_KINDS)}."
        )
    directory = _load()[1]
    served = (
        directory["serves_states"]
        .fillna("")
        .map(lambda text: code in {part.strip() for part in text.split(";")})
    )
    own_state = directory["kind"].isin(_STATE_KINDS) & (directory["state"] == code).fillna(False)
    regional = (directory["kind"] == "ebsa_regional") & served
    national = directory["kind"].isin(["ebsa_national", "cms", "opm"])
    mask = own_state | regional | national
    if kind is not None:
        mask &= directory["kind"] == kind
    return directory[mask].reset_index(drop=True).copy()


def ebsa_office_for(state: str) -> pd.Series:
    """Return the EBSA office a complaint about an ERISA plan in a state should go to.

    The regional office whose ``serves_states`` lists the state is returned. Where the
    directory records no regional office for the state (see ``REGULATORS_SOURCES.md``: the
    regional jurisdictions are not yet confirmed from a source), the national office is
    returned instead: its toll-free line and Ask EBSA web form accept complaints from every
    state and route them to the right region.

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
