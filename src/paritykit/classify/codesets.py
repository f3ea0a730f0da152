"""The ICD-10-CM code set used to validate diagnosis codes and the bundled rule sets.

The code set comes from the maintained ``simple-icd-10-cm`` package (re-exported here from
:mod:`paritykit.validate.claims`, which checks claim lines against it).
"""

from __future__ import annotations

import re

from paritykit.validate.claims import icd10cm_codes, icd10cm_release

__all__ = ["icd10cm_codes", "icd10cm_release", "is_icd10cm_code", "normalize_diagnosis"]

_DOT_SPACE = re.compile(r"[.\s]")


def normalize_diagnosis(code: object) -> str:
    """Return a diagnosis code without dots or spaces, upper case.

    Examples
    --------
    >>> normalize_diagnosis(" f32.9 ")
    'F329'
    """
    return _DOT_SPACE.sub("", str(code)).upper()


def is_icd10cm_code(code: object) -> bool:
    """Return whether ``code`` (dotted or not, any case) is in the ICD-10-CM code set.

    Examples
    --------
    >>> is_icd10cm_code("f32.9"), is_icd10cm_code("F32.99X")
    (True, False)
    """
    return normalize_diagnosis(code) in icd10cm_codes()
