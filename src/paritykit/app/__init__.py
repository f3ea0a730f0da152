"""paritykit's local web app: ``paritykit app`` serves it on 127.0.0.1 (needs ``paritykit[app]``).

:mod:`paritykit.app.flows` holds what each page does as plain functions (no Streamlit);
:mod:`paritykit.app.main` is the Streamlit script; :mod:`paritykit.app.server` starts it.
"""

from __future__ import annotations

__all__: list[str] = []
