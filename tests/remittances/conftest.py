"""Helpers for the remittance tests: build small 835 files by hand."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest

Builder = Callable[..., Path]


def render_835(
    body: Sequence[str],
    *,
    element: str = "*",
    component: str = ":",
    terminator: str = "~",
    repetition: str = "^",
    line_breaks: bool = True,
    control: int = 1,
) -> str:
    """One interchange with one transaction set whose body segments are written with '*' and ':'.

    ``body`` holds the segments between ST and SE, written with '*' and ':'; they are translated
    to the requested separators. SE, GE and IEA counts are computed.
    """
    segs = [
        "ISA*00*          *00*          *ZZ*TESTPAYER      *ZZ*TESTPRACTICE   *240301*1200*"
        f"{repetition}*00501*{control:09d}*0*T*{component}",
        f"GS*HP*TESTPAYER*TESTPRACTICE*20240301*1200*{control}*X*005010X221A1",
        "ST*835*0001",
        *body,
    ]
    segs.append(f"SE*{len(body) + 2}*0001")
    segs += [f"GE*1*{control}", f"IEA*1*{control:09d}"]
    out = []
    for i, s in enumerate(segs):
        if i == 0:
            # ISA16 is already the component separator; only swap element separators
            out.append(s.replace("*", element))
        else:
            out.append(s.replace(":", component).replace("*", element))
    end = terminator + ("\n" if line_breaks else "")
    return "".join(s + end for s in out)


#: A header for one payer and one payment, then claims follow.
HEADER = [
    "BPR*I*{total}*C*ACH*CCP*01*999999999*DA*1234*1999999999**01*888888888*DA*5678*20240301",
    "TRN*1*TRACE001*1999999999",
    "N1*PR*TEST PAYER*XV*TP01",
    "N1*PE*TEST PRACTICE*XX*1999999999",
    "LX*1",
]


def header(total: str) -> list[str]:
    return [s.format(total=total) for s in HEADER]


@pytest.fixture
def make_835(tmp_path: Path) -> Builder:
    """Build a one-payer 835 around claim segments; returns the file path.

    ``make_835(claims, total="100.00", name=None, **separators)``: ``claims`` are the segments
    from CLP on, written with '*' and ':'; ``raw_body=True`` means ``claims`` is the whole body.
    """
    counter = {"n": 0}

    def _make(
        claims: Sequence[str],
        *,
        total: str = "0",
        name: str | None = None,
        raw_body: bool = False,
        **options: object,
    ) -> Path:
        counter["n"] += 1
        body = list(claims) if raw_body else header(total) + list(claims)
        path = tmp_path / (name or f"built{counter['n']}.835")
        path.write_text(render_835(body, **options), encoding="ascii")  # type: ignore[arg-type]
        return path

    return _make


@pytest.fixture
def write_835_text(tmp_path: Path) -> Builder:
    """Write text (or a body rendered by :func:`render_835`) to a file and return its path."""
    counter = {"n": 0}

    def _write(text: str, name: str | None = None) -> Path:
        counter["n"] += 1
        path = tmp_path / (name or f"remit{counter['n']}.835")
        path.write_text(text, encoding="ascii")
        return path

    return _write


@pytest.fixture
def x12() -> SimpleNamespace:
    """The builders themselves: ``x12.header(total)`` and ``x12.render(body, **separators)``."""
    return SimpleNamespace(header=header, render=render_835)
