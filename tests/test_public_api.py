"""The public API keeps its promises: documented, typed, examples that run (as doctests)."""

from __future__ import annotations

import inspect

import pytest

import paritykit as pk

PUBLIC = [(name, getattr(pk, name)) for name in pk.__all__ if not name.startswith("_")]
FUNCTIONS = [(n, o) for n, o in PUBLIC if inspect.isfunction(o)]
CLASSES = [(n, o) for n, o in PUBLIC if inspect.isclass(o)]


def test_all_names_exist() -> None:
    missing = [n for n in pk.__all__ if not hasattr(pk, n)]
    assert missing == []
    assert len(set(pk.__all__)) == len(pk.__all__)


@pytest.mark.parametrize(("name", "func"), FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_functions_have_numpydoc_with_an_example_and_type_hints(name: str, func: object) -> None:
    doc = inspect.getdoc(func) or ""
    assert doc, f"{name} has no docstring"
    assert "Examples\n--------" in doc, f"{name}: numpydoc Examples section missing"
    assert ">>> " in doc, f"{name}: the example has no runnable code"
    signature = inspect.signature(func)  # type: ignore[arg-type]
    assert signature.return_annotation is not inspect.Signature.empty, f"{name}: no return type"
    for param in signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        assert param.annotation is not inspect.Parameter.empty, f"{name}({param.name}) untyped"


@pytest.mark.parametrize(("name", "cls"), CLASSES, ids=[n for n, _ in CLASSES])
def test_classes_are_documented(name: str, cls: type) -> None:
    assert inspect.getdoc(cls), f"{name} has no docstring"


def test_errors_subclass_value_error() -> None:
    assert issubclass(pk.DataValidationError, ValueError)
    assert issubclass(pk.DataValidationError, pk.ParityKitError)


def test_package_is_typed() -> None:
    from importlib.resources import files

    assert files("paritykit").joinpath("py.typed").is_file()


def test_import_loads_no_heavy_library() -> None:
    """``import paritykit`` imports public names when first used (PEP 562), not at once."""
    import subprocess
    import sys

    code = (
        "import sys, paritykit; "
        "print(','.join(m for m in ('pandas', 'statsmodels', 'scipy', 'matplotlib', 'ibis', "
        "'openpyxl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert pk.read_835.__module__ == "paritykit.load.x12"  # loaded on first use
    assert "read_835" in dir(pk)


def test_command_line_help_loads_no_heavy_library() -> None:
    """``paritykit --help`` builds every command's help without pandas or the engines."""
    import subprocess
    import sys

    code = (
        "import sys; from paritykit.cli import cli; from click.testing import CliRunner; "
        "r = CliRunner().invoke(cli, ['--help']); assert r.exit_code == 0, r.output; "
        "print(','.join(m for m in ('pandas', 'statsmodels', 'scipy', 'matplotlib', 'ibis', "
        "'openpyxl', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
