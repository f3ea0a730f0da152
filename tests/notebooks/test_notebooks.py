"""The notebooks: authored as jupytext percent scripts, paired with stripped .ipynb, and they run.

Each notebook is written in ``notebooks/NN_name.py`` (jupytext "percent" format: plain Python
with ``# %%`` cell markers, which diffs and reviews like code) and paired with
``notebooks/NN_name.ipynb`` for JupyterLab. ``make docs`` (``jupytext --sync notebooks/*.py``)
brings the pair back in step after either side is edited.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = [
    "01_quickstart",
    "02_claims_disparities",
    "03_advocate_complaint",
    "04_practice_payers",
    "05_public_issuer_data",
    "06_claims_own_columns",
]


def test_every_notebook_is_there() -> None:
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_are_stripped(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert dirty == [], f"{path.name}: code cells {dirty} carry outputs or execution counts"
    assert "widgets" not in nb.metadata
    assert all("widgets" not in cell.metadata for cell in nb.cells)
    assert all("execution" not in cell.metadata for cell in nb.cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_with_markdown_for_its_reader(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown"
    text = "".join(first["source"])
    assert "Who this is for" in text
    assert "not legal advice" in text


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source.strip()) for cell in nb.cells]


def pairing_problems(script: Path, notebook: Path) -> list[str]:
    """What differs between a percent script and its paired notebook (empty: in step)."""
    import jupytext

    problems = []
    text = jupytext.read(script)
    nb = nbformat.read(notebook, as_version=4)
    if _cells(text) != _cells(nb):
        problems.append(f"{notebook.name} cells differ from {script.name}")
    formats = nb.metadata.get("jupytext", {}).get("formats", "")
    if formats != "ipynb,py:percent":
        problems.append(f"{notebook.name} is not paired with a percent script ({formats!r})")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_paired_with_its_percent_script(path: Path) -> None:
    script = path.with_suffix(".py")
    assert script.is_file(), f"{path.name} has no paired {script.name}; run make docs"
    assert pairing_problems(script, path) == [], "run `make docs` (jupytext --sync)"


def test_every_percent_script_has_its_notebook() -> None:
    scripts = sorted(p.stem for p in NOTEBOOK_DIR.glob("*.py"))
    assert scripts == EXPECTED


def test_pairing_check_sees_an_edit_on_either_side(tmp_path: Path) -> None:
    import shutil

    script = tmp_path / "01_quickstart.py"
    notebook = tmp_path / "01_quickstart.ipynb"
    shutil.copy(NOTEBOOK_DIR / script.name, script)
    shutil.copy(NOTEBOOK_DIR / notebook.name, notebook)
    assert pairing_problems(script, notebook) == []

    nb = nbformat.read(notebook, as_version=4)
    code = next(cell for cell in nb.cells if cell.cell_type == "code")
    code.source += "\nprint('edited in JupyterLab')"
    nbformat.write(nb, notebook)
    differ = f"{notebook.name} cells differ from {script.name}"
    assert pairing_problems(script, notebook) == [differ]

    shutil.copy(NOTEBOOK_DIR / notebook.name, notebook)
    script.write_text(script.read_text(encoding="utf-8") + "\n# %%\nx = 1\n", encoding="utf-8")
    assert pairing_problems(script, notebook) != []


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path: Path, notebook_kernel: str) -> None:
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name=notebook_kernel,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError naming the cell when one fails
    elapsed = time.perf_counter() - start
    errors = [
        output
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code_cells)
    print(f"{path.name}: {elapsed:.1f} s")
