"""Hostile input on the command line: an ``Error:`` line naming the file, never a traceback."""

from __future__ import annotations

from . import input_corpus as corpus
from ._cli import error_line, run


def test_two_digit_years_in_billing_export(tmp_path):
    export, mapping = corpus.two_digit_year_export(tmp_path)
    line = error_line(run(["appeals", "--billing", export, "--mapping", mapping]))
    assert f"billing export {export}: 1 date value(s) could not be read: line 3" in line
    assert "payment_date='03/20/0024'" in line


def test_two_digit_years_service_dates_are_counted_problems(tmp_path):
    import paritykit as pk

    export, mapping = corpus.two_digit_year_export(tmp_path)
    result = pk.read_billing_export(export, mapping=mapping, errors="exclude")
    assert result.claims["claim_id"].tolist() == ["TN-3"]
    reasons = result.excluded.set_index("row")["reason"]
    assert "two-digit years" in reasons[3]  # ERA date 03/20/0024
    assert "service_date" in reasons[2]  # DOS 03/04/24 (year 24 or 3)


def test_garbage_parquet_to_appeals(tmp_path):
    path = corpus.garbage_parquet(tmp_path)
    line = error_line(run(["appeals", path]))
    assert line.startswith(f"Error: {path}: ")
    assert "Parquet" in line


def test_garbage_parquet_to_payers(tmp_path):
    path = corpus.garbage_parquet(tmp_path)
    line = error_line(run(["payers", path, "--out", tmp_path / "out"]))
    assert line.startswith(f"Error: {path}: ")


def test_cut_short_parquet_to_payers(tmp_path):
    path = corpus.cut_short_parquet(tmp_path)
    line = error_line(run(["payers", path, "--out", tmp_path / "out"]))
    assert f"{path}: the Parquet file is cut short" in line


def test_amount_1e300_in_parquet_claims(tmp_path):
    path = corpus.claims_1e300_parquet(tmp_path)
    line = error_line(run(["outcomes", path, "--json"]))
    assert f"claims {path}: 1 of 2 line(s) break the claims contract" in line
    assert "'paid_amount' implausibly large" in line and "'1e+300' (claim C1 line 1)" in line


def test_latin1_plan_facts_are_read(tmp_path):
    import paritykit as pk

    path = tmp_path / "plan.yaml"
    path.write_bytes(corpus.PLAN_FACTS.replace("Example", "Exâmple").encode("latin-1"))
    facts = pk.read_plan_facts(path)
    assert facts.plan_name == "Exâmple Health Plan"


def test_notes_are_one_warning_line_on_the_command_line(tmp_path):
    import warnings as w

    import paritykit as pk

    path = corpus.hidden_benefits_sheet(tmp_path)
    with w.catch_warnings():
        w.simplefilter("always", pk.ParityKitWarning)  # also under pytest -W ignore
        result = run(["qtl", path])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("Warning:")]
    assert warnings == [
        f"Warning: {path}: sheet 'Benefits' is hidden and was not read; read the visible sheet "
        "'Benefits 2026' instead (pass sheet='Benefits' to read the hidden one)."
    ]
    assert "ParityKitWarning" not in result.output


def test_every_corpus_file_gives_a_message_not_a_traceback(tmp_path):
    """Each hostile table through ``paritykit qtl``: a result or one Error: line naming it."""
    makers = [
        corpus.million_char_field_benefits,
        corpus.utf16_benefits,
        corpus.cut_short_csv,
        corpus.cut_short_utf8,
        corpus.cut_short_xlsx,
        corpus.garbage_parquet,
        corpus.duplicated_header_csv,
        corpus.decimal_comma_benefits,
        corpus.uncached_formula_workbook,
        corpus.control_character_benefits,
        corpus.latin1_export,
        corpus.plan_facts_bomb,
    ]
    for make in makers:
        folder = tmp_path / make.__name__
        folder.mkdir()
        path = make(folder)
        result = run(["qtl", path])
        if result.exit_code:
            line = error_line(result)
            assert str(path) in line, (make.__name__, line)
