"""Fingerprints of code and settings, for markers that must go stale when either changes."""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["fingerprint"]


def fingerprint(parts: Mapping[str, Any], code: Iterable[Callable[..., Any]] = ()) -> str:
    """Return ``"sha256:"`` and 32 hex digits of ``parts`` (JSON) and the source of ``code``.

    The source text of each function goes in under ``"code"`` (its byte code when no source
    is installed), so a marker written by other code, or with other settings, no longer
    matches.

    Examples
    --------
    >>> fingerprint({"version": 1}).startswith("sha256:")
    True
    >>> fingerprint({"version": 1}) == fingerprint({"version": 2})
    False
    """
    sources = []
    for func in code:
        try:
            sources.append(inspect.getsource(func))
        except (OSError, TypeError):  # no source installed: the byte code stands in
            sources.append(func.__code__.co_code.hex() + repr(func.__code__.co_consts))
    data = {**parts, "code": sources} if sources else dict(parts)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    return f"sha256:{digest[:32]}"
