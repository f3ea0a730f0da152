"""Fixtures for executing the notebooks in a kernel that runs this interpreter (the venv)."""

from __future__ import annotations

from pathlib import Path

import pytest

#: Name of the kernel spec the notebook tests install into a temporary Jupyter path.
KERNEL_NAME = "paritykit-test"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "notebook: executes a notebook in notebooks/ with a Jupyter kernel"
    )


@pytest.fixture(scope="session")
def jupyter_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary Jupyter data folder holding one kernel spec for ``sys.executable``.

    A ``python3`` kernel spec in the user's or the system's Jupyter folders may point at
    another Python; this one always runs the interpreter running the tests, where paritykit is
    installed.
    """
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("jupyter")
    install(kernel_name=KERNEL_NAME, display_name="paritykit tests", prefix=str(prefix))
    data = prefix / "share" / "jupyter"
    spec = data / "kernels" / KERNEL_NAME / "kernel.json"
    if not spec.is_file():  # pragma: no cover - depends on ipykernel's layout
        pytest.fail(f"ipykernel did not write a kernel spec at {spec}")
    return data


@pytest.fixture
def notebook_kernel(jupyter_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The kernel name to execute notebooks with, its spec visible to jupyter_client."""
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    return KERNEL_NAME
