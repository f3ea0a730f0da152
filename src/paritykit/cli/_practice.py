"""Inputs shared by the practice commands (``payers``, ``appeals``, ``appeal-letter``).

835 remittances (files or folders), billing-export CSVs read with a mapping, or claims tables in
the claims contract are read into one table of claim lines, and every file read is listed for
provenance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click
import pandas as pd

from paritykit.errors import ConfigurationError

__all__ = ["PracticeInputs", "billing_options", "read_inputs"]

_TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq")


@dataclass
class PracticeInputs:
    """Claim lines read, the files behind them and what was said about them."""

    claims: pd.DataFrame
    files: list[tuple[Path, str]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def billing_options(func):  # type: ignore[no-untyped-def]
    """Add ``--billing`` and ``--mapping`` to a command."""
    func = click.option(
        "--mapping",
        default=None,
        help="Billing-export mapping: simplepractice_like, therapynotes_like (illustrative "
        "examples), or a YAML/TOML file. See docs/practices.md.",
    )(func)
    return click.option(
        "--billing",
        "billing",
        multiple=True,
        type=click.Path(path_type=Path),
        help="A billing-system CSV export (repeatable), read with --mapping.",
    )(func)


def read_inputs(
    paths: Sequence[Path], billing: Sequence[Path], mapping: str | None
) -> PracticeInputs:
    """Read 835 files/folders and claims tables in ``paths`` and billing CSVs in ``billing``."""
    from paritykit.load.billing import read_billing_export
    from paritykit.load.tables import read_parquet_frame
    from paritykit.load.x12 import read_835

    if not paths and not billing:
        raise ConfigurationError(
            "no input given; pass 835 files or folders, or --billing CSV with --mapping."
        )
    frames: list[pd.DataFrame] = []
    out = PracticeInputs(pd.DataFrame())
    tables = [p for p in paths if p.suffix.lower() in _TABLE_SUFFIXES]
    remits = [p for p in paths if p not in tables]
    if remits:
        result = read_835(remits)
        frames.append(result.claims)
        out.files += [(Path(f), "835 remittance") for f in result.files]
        out.messages.append(result.summary())
    for path in tables:
        if path.suffix.lower() in (".parquet", ".pq"):
            if not path.is_file():
                raise ConfigurationError(f"claims file not found: {path}.")
            frames.append(read_parquet_frame(path, "claims table"))
            out.files.append((path, "claims table"))
        else:
            export = read_billing_export(path, mapping=mapping)
            frames.append(export.claims)
            out.files.append((path, "claims table"))
            out.messages.append(export.summary())
    for path in billing:
        export = read_billing_export(path, mapping=mapping)
        frames.append(export.claims)
        out.files.append((path, f"billing export (mapping {export.mapping})"))
        out.messages.append(export.summary())
    frames = [f for f in frames if len(f)]
    if not frames:
        raise ConfigurationError("the inputs hold no claim lines.")
    out.claims = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out
