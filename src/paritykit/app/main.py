"""The paritykit web app (a Streamlit script): pages Advocate, Practice and Analyst.

Run it with ``paritykit app`` (:mod:`paritykit.app.server`), which binds it to 127.0.0.1. The
pages hold no analysis of their own: they collect uploads and form values, call
:mod:`paritykit.app.flows` (the same library calls as the command line) inside a temporary
folder, and show the results. Uploaded files are written only into a
:class:`tempfile.TemporaryDirectory` that is removed when the run ends.

Tests drive the pages with :class:`streamlit.testing.v1.AppTest`, which cannot fill a file
uploader: they put ``(name, bytes)`` pairs in ``st.session_state`` under the keys of
:data:`TEST_UPLOADS` instead, and the page uses them when its uploader is empty.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import streamlit as st

from paritykit.app import flows

#: Session-state keys tests fill with ``[(name, bytes), ...]`` in place of an upload.
TEST_UPLOADS = {
    "benefits": "test_upload_benefits",
    "claims": "test_upload_claims",
    "remits": "test_upload_remits",
    "billing": "test_upload_billing",
    "appeal_log": "test_upload_appeal_log",
}
PAGES = ("Advocate", "Practice", "Analyst")
DISCLAIMER = "paritykit gives evidence, not legal advice. Nothing you upload leaves this computer."
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")



def _readable(frame):  # type: ignore[no-untyped-def]
    """The table as a reader sees it: headers and coded values in words (display only)."""
    from paritykit import vocab

    shown = frame.copy()
    for column in shown.columns:
        if shown[column].dtype == object or str(shown[column].dtype).startswith("str"):
            shown[column] = shown[column].map(
                lambda v: vocab.label_for(v) if vocab.is_code(v) else v
            )
    return shown.rename(columns={c: vocab.column_label(c) for c in shown.columns})

def _escape(text: str) -> str:
    """Text shown as it is, not as Markdown."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def _show_error(exc: BaseException, folders: tuple[Path, ...] = ()) -> None:
    """The command line's message for ``exc`` (with file, row, column), on the page."""
    lines = flows.error_lines(exc, folders)
    st.error("  \n".join(["**Error:** " + _escape(lines[0]), *(_escape(x) for x in lines[1:])]))


def _uploads(files: object, key: str) -> list[tuple[str, bytes]]:
    """What the uploader holds as ``(name, bytes)`` pairs, or what a test put in its place."""
    if files:
        items = files if isinstance(files, list) else [files]
        return [(f.name, f.getvalue()) for f in items]  # type: ignore[attr-defined]
    return list(st.session_state.get(TEST_UPLOADS[key]) or [])


def _facts_form() -> dict[str, object]:
    """The plan facts form; returns the values as ``paritykit report --plan`` reads them."""
    from paritykit.load.plan_facts import US_STATES
    from paritykit.vocab import PLAN_TYPE_LABELS, PLAN_TYPES

    st.subheader("2. Plan facts")
    st.caption("From the plan's documents (the SBC's first page, the insurance card).")
    plan_name = st.text_input("Plan name", key="plan_name", help="As the plan documents give it.")
    plan_type = st.selectbox(
        "Plan type",
        PLAN_TYPES,
        format_func=lambda code: PLAN_TYPE_LABELS.get(code, code),
        key="plan_type",
        help="Decides which regulator receives the complaint.",
    )
    codes = list(US_STATES)
    state = st.selectbox(
        "State where the plan is issued",
        codes,
        index=codes.index("OH"),
        format_func=lambda code: f"{US_STATES[code]} ({code})",
        key="state",
    )
    insurer = st.text_input(
        "Insurer or claims administrator", key="administrator", help="Optional."
    )
    sponsor = st.text_input("Employer or plan sponsor", key="sponsor", help="Optional.")
    plan_year = st.number_input(
        "Plan year",
        min_value=2000,
        max_value=2100,
        value=dt.date.today().year,
        step=1,
        key="plan_year",
    )
    plan_id = st.text_input(
        "Plan ID in the benefits table",
        key="plan_id",
        help="When the benefits table holds several plans (its plan_id column); leave blank "
        "to cover every plan.",
    )
    _show_regulator(str(state), str(plan_type))
    return {
        "plan_name": plan_name.strip(),
        "plan_id": plan_id.strip() or None,
        "plan_type": plan_type,
        "sponsor": sponsor.strip() or None,
        "administrator": insurer.strip() or None,
        "state": state,
        "plan_year": int(plan_year),
    }


def _show_regulator(state: str, plan_type: str) -> None:
    """The office the complaint goes to, from the regulator directory."""
    from paritykit.errors import ParityKitError

    try:
        route = flows.regulator_for(state, plan_type)
    except ParityKitError as exc:
        st.warning(_escape(flows.error_lines(exc)[0]))
        return
    lines = []
    for office in route.offices.to_dict("records"):
        role = "Complaint goes to" if office.get("role") == "primary" else "Copy to"
        contact = []
        if office.get("complaint_url"):
            contact.append(f"[{_escape(office['complaint_url'])}]({office['complaint_url']})")
        if office.get("phone"):
            contact.append("phone " + _escape(office["phone"]))
        lines.append(f"**{role}:** {_escape(office['name'])}  \n" + " · ".join(contact))
    if route.note:
        lines.append(_escape(route.note))
    st.info("  \n".join(lines) or "The directory lists no office for this plan.")


def advocate_page() -> None:
    """Upload benefits, fill the plan facts, see the findings, download the pack."""
    st.header("Advocate: an evidence pack for a parity complaint")
    st.write(
        "Upload the plan's filled benefits template (from `paritykit template`) or its Summary "
        "of Benefits and Coverage (SBC), fill in the plan facts, and build the evidence pack: "
        "the report, the workbook and a complaint letter addressed to the right regulator."
    )
    st.subheader("1. Benefits")
    upload = st.file_uploader(
        "Benefits template (.xlsx) or SBC (.pdf)",
        type=[*flows.BENEFITS_SUFFIXES, *flows.SBC_SUFFIXES],
        key="benefits_file",
    )
    claims_upload = st.file_uploader(
        "Claim lines (optional, .csv or .parquet in the claims contract)",
        type=["csv", "parquet"],
        key="claims_file",
    )
    facts = _facts_form()
    if st.button("Build the evidence pack", type="primary", key="build_pack"):
        benefits = _uploads(upload, "benefits")
        claims = _uploads(claims_upload, "claims")
        if not benefits:
            st.error("Upload a benefits template or an SBC first.")
        elif not facts["plan_name"]:
            st.error("Fill in the plan name (plan facts) first.")
        else:
            _run_advocate(benefits[0], claims[0] if claims else None, facts)
    result = st.session_state.get("advocate_result")
    if result is not None:
        _show_advocate(result)


def _run_advocate(
    benefits: tuple[str, bytes], claims: tuple[str, bytes] | None, facts: dict[str, object]
) -> None:
    from paritykit.errors import ParityKitError

    st.session_state.pop("advocate_result", None)
    failure: BaseException | None = None
    with (
        tempfile.TemporaryDirectory(prefix="paritykit-app-") as tmp,
        st.status("Building the evidence pack ...", expanded=True) as status,
    ):
        work = Path(tmp)
        try:
            st.write("Reading the uploaded files ...")
            path = flows.save_upload(*benefits, work / "inputs")
            claims_path = flows.save_upload(*claims, work / "inputs") if claims else None
            st.write("Running the quantitative test and writing the report ...")
            result = flows.advocate_pack(path, facts, work, claims=claims_path)
        except (ParityKitError, OSError) as exc:
            status.update(label="The evidence pack could not be built", state="error")
            failure = exc
        else:
            status.update(label="Evidence pack ready", state="complete", expanded=False)
            st.session_state["advocate_result"] = result
    if failure is not None:
        _show_error(failure, (work / "inputs",))


def _show_advocate(result: flows.AdvocateResult) -> None:
    st.subheader("3. Findings")
    counts = result.findings["severity"].value_counts()
    columns = st.columns(3)
    columns[0].metric("Fail the quantitative test", int(counts.get("noncompliant", 0)))
    columns[1].metric("Depend on payments", len(result.depending_on_payments()))
    columns[2].metric("Warning signs", int(counts.get("warning_sign", 0)))
    shown = ["rank", "plan_id", "finding", "exhibit", "citation"]
    st.markdown("**Fails the quantitative test (determined)**")
    fails = result.by_severity("noncompliant")
    if len(fails):
        st.dataframe(_readable(fails[shown]), hide_index=True, width="stretch")
    else:
        st.write("None.")
    st.markdown("**Depends on the plan's projected payments**")
    depends = result.depending_on_payments()
    if len(depends):
        keep = [
            c
            for c in (
                "plan_id",
                "classification",
                "sub_classification",
                "requirement_type",
                "screening",
                "screening_condition",
            )
            if c in depends.columns
        ]
        st.dataframe(_readable(depends[keep]), hide_index=True, width="stretch")
    else:
        st.write("None: every requirement screened is decided whatever the payments.")
    st.markdown("**Warning signs**")
    warnings = result.by_severity("warning_sign")
    if len(warnings):
        st.dataframe(_readable(warnings[shown]), hide_index=True, width="stretch")
    else:
        st.write("None.")
    others = result.findings[~result.findings["severity"].isin(["noncompliant", "warning_sign"])]
    if len(others):
        with st.expander(f"Other findings ({len(others)})"):
            st.dataframe(_readable(others[["severity", *shown]]), hide_index=True, width="stretch")
    for name, image in result.charts:
        st.image(image, caption=name)
    st.download_button(
        "Download the evidence pack (.zip: report, workbook, letter)",
        data=result.zip_bytes,
        file_name=result.zip_name,
        mime="application/zip",
        key="download_pack",
    )


def practice_page() -> None:
    """Upload 835 files, see the payer scorecard and open denials, draft appeal letters."""
    from paritykit.vocab import PLAN_TYPE_LABELS, PLAN_TYPES

    st.header("Practice: payers, open denials and appeal letters")
    st.write(
        "Upload your 835 remittance files (a folder's worth at once), or a billing-system "
        "export with its mapping. You get the payer scorecard, the open denials by appeal "
        "deadline, and a draft appeal letter for each denial."
    )
    remits = st.file_uploader("835 remittance files", accept_multiple_files=True, key="remit_files")
    billing = st.file_uploader(
        "Billing-system exports (.csv, optional)",
        type=["csv"],
        accept_multiple_files=True,
        key="billing_files",
    )
    mapping = st.selectbox(
        "Billing-export mapping",
        ["simplepractice_like", "therapynotes_like"],
        key="mapping",
        help="How to read the billing export's columns (see docs/practices.md).",
    )
    log_upload = None
    if flows.appeal_log_supported():
        log_upload = st.file_uploader("Appeal log (.csv, optional)", type=["csv"], key="log")
    plan_type = st.selectbox(
        "Plan type (decides the appeal deadlines)",
        PLAN_TYPES,
        format_func=lambda code: PLAN_TYPE_LABELS.get(code, code),
        key="practice_plan_type",
    )
    as_of = st.date_input("Count days left from", value=dt.date.today(), key="as_of")
    include_expired = st.checkbox(
        "Also list denials whose deadline has passed", key="include_expired"
    )
    if st.button("Read the remittances", type="primary", key="read_remits"):
        files = _uploads(remits, "remits")
        exports = _uploads(billing, "billing")
        log = _uploads(log_upload, "appeal_log")
        if not files and not exports:
            st.error("Upload 835 files or a billing export first.")
        else:
            _run_practice(files, exports, mapping if exports else None, log, plan_type, as_of,
                          include_expired)  # fmt: skip
    result = st.session_state.get("practice_result")
    if result is not None:
        _show_practice(result, str(plan_type), as_of)


def _run_practice(
    files: list[tuple[str, bytes]],
    exports: list[tuple[str, bytes]],
    mapping: str | None,
    log: list[tuple[str, bytes]],
    plan_type: str,
    as_of: dt.date,
    include_expired: bool,
) -> None:
    from paritykit.errors import ParityKitError

    st.session_state.pop("practice_result", None)
    st.session_state.pop("appeal_letter", None)
    failure: BaseException | None = None
    with (
        tempfile.TemporaryDirectory(prefix="paritykit-app-") as tmp,
        st.status(f"Reading {len(files) + len(exports)} file(s) ...", expanded=True) as status,
    ):
        work = Path(tmp)
        try:
            paths = [flows.save_upload(n, b, work / "remits") for n, b in files]
            billing = [flows.save_upload(n, b, work / "billing") for n, b in exports]
            log_path = flows.save_upload(*log[0], work / "log") if log else None
            st.write("Comparing payers and counting appeal deadlines ...")
            result = flows.practice_results(
                paths,
                work,
                billing=billing,
                mapping=mapping,
                plan_type=plan_type,
                as_of=as_of,
                include_expired=include_expired,
                appeal_log=log_path,
            )
        except (ParityKitError, OSError) as exc:
            status.update(label="The files could not be read", state="error")
            failure = exc
        else:
            status.update(label="Remittances read", state="complete", expanded=False)
            st.session_state["practice_result"] = result
    if failure is not None:
        _show_error(failure, (work / "remits", work / "billing", work / "log"))


def _show_practice(result: flows.PracticeResult, plan_type: str, as_of: dt.date) -> None:
    for message in result.messages:
        st.text(message)
    if result.problems:
        st.warning(
            f"{len(result.problems)} problem(s) while reading the remittances:  \n"
            + "  \n".join(_escape(x) for x in result.problems[:20])
        )
    st.subheader("Payer scorecard")
    table = result.scorecard_table.drop(
        columns=["grouping", "procedure_code", "suppressed", "suppressed_complementary"],
        errors="ignore",
    )
    from paritykit.evidence.workbook import PERCENT, number_format_for
    from paritykit.vocab import column_label

    rates = {
        column_label(c): st.column_config.NumberColumn(column_label(c), format="percent")
        for c in table.columns
        if number_format_for(str(c)) == PERCENT
    }
    st.dataframe(_readable(table), hide_index=True, width="stretch", column_config=rates)
    st.caption(
        "Blank cells are withheld: counts from 1 to 10, and figures that would reveal them, "
        "as in the workbook."
    )
    if result.chart:
        st.image(result.chart, caption="Denial rate by payer")
    st.download_button(
        "Download the payer scorecard (.xlsx)",
        data=result.scorecard_xlsx,
        file_name="payer_scorecard.xlsx",
        key="download_scorecard",
    )
    st.subheader("Open denials by appeal deadline")
    denials = result.denials.to_frame()
    st.write(result.denials.summary().splitlines()[0])
    shown = [
        c
        for c in (
            "deadline_status",
            "appeal_deadline",
            "claim_id",
            "plan_id",
            "procedure_code",
            "denial_reason",
            "carc_category",
            "next_step",
        )
        if c in denials.columns
    ]
    from paritykit.vocab import column_label

    deadline = column_label("appeal_deadline")
    st.dataframe(
        _readable(denials[shown]),
        hide_index=True,
        width="stretch",
        column_config={deadline: st.column_config.DateColumn(deadline)},
    )
    st.download_button(
        "Download the open denials (.xlsx)",
        data=result.denials_xlsx,
        file_name="open_denials.xlsx",
        key="download_denials",
    )
    if not len(denials):
        return
    st.subheader("Draft an appeal letter")
    claim = st.selectbox("Denied claim", denials["claim_id"].tolist(), key="letter_claim")
    if st.button("Draft the appeal letter", key="draft_letter"):
        _run_letter(result, str(claim), plan_type, as_of)
    letter = st.session_state.get("appeal_letter")
    if letter is not None:
        _claim, files, summary = letter
        st.text(summary)
        for name, data in files.items():
            st.download_button(
                f"Download {name}", data=data, file_name=name, key=f"download_{name}"
            )
        st.caption("Complete every [bracketed] item from the clinical record before sending.")


def _run_letter(result: flows.PracticeResult, claim: str, plan_type: str, as_of: dt.date) -> None:
    from paritykit.errors import ParityKitError

    st.session_state.pop("appeal_letter", None)
    with tempfile.TemporaryDirectory(prefix="paritykit-app-") as tmp:
        try:
            letter, files = flows.appeal_letter_files(
                result.claims, claim, Path(tmp), plan_type=plan_type, as_of=as_of
            )
        except (ParityKitError, OSError) as exc:
            _show_error(exc)
            return
    st.session_state["appeal_letter"] = (claim, files, letter.summary())


def analyst_page() -> None:
    """Where analysts go instead: the notebooks and the Python API."""
    st.header("Analyst: notebooks and the Python API")
    st.markdown(
        """
Analysts work best in JupyterLab, with the whole Python API:

- **Notebooks** in the `notebooks/` folder of the repository walk through each analysis
  start to finish (the quantitative test, claims disparities, NQTLs, payers, an analyst's own
  claims export). Open them with `jupyter lab notebooks/`.
- **Python API**: `import paritykit as pk`, then for example
  `pk.build_evidence_pack(...)` (what the Advocate page calls), `pk.read_835(...)`,
  `pk.payer_scorecard(...)`, `pk.open_denials(...)` and `pk.draft_appeal_letter(...)`
  (what the Practice page calls), `pk.quantitative_test(...)`, `pk.compare_rates(...)`.
  Every function has a docstring with examples: `help(pk.quantitative_test)`.
- **Command line**: `paritykit --help`; the reference is `docs/cli.md`.
- Claims from thousands to hundreds of millions of lines are aggregated in DuckDB (or Spark)
  through Ibis: see `docs/` for the data contracts.
"""
    )


def main() -> None:
    """Draw the page chosen in the sidebar."""
    st.set_page_config(page_title="paritykit", layout="wide")
    st.sidebar.title("paritykit")
    page = st.sidebar.radio("Page", PAGES, key="page")
    st.sidebar.caption(DISCLAIMER)
    {"Advocate": advocate_page, "Practice": practice_page, "Analyst": analyst_page}[page]()


if __name__ == "__main__":  # how Streamlit (and its AppTest) runs the script
    main()
