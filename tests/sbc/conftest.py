"""The synthetic SBC corpus, generated once per test session from structured source data."""

from __future__ import annotations

from pathlib import Path

import pytest

from paritykit.synth.sbc import sample_sbc_specs, write_sample_sbc, write_sbc_pdf


@pytest.fixture(scope="session")
def sbc_corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each sample plan's SBC PDF (and ``scanned``, an image-only SBC), by name."""
    folder = tmp_path_factory.mktemp("sbc")
    paths = {
        name: write_sbc_pdf(spec, folder / f"{name}.pdf")
        for name, spec in sample_sbc_specs().items()
    }
    paths["scanned"] = write_sample_sbc(folder / "scanned.pdf", scanned=True)
    return paths


@pytest.fixture(scope="session")
def sbc_reads(sbc_corpus: dict[str, Path]) -> dict[str, object]:
    from paritykit.load.sbc import read_sbc

    return {name: read_sbc(path) for name, path in sbc_corpus.items() if name != "scanned"}
