"""paritykit: find and document mental-health parity (MHPAEA) violations.

The package reads as its pipeline: load -> validate -> classify -> aggregate -> test ->
evidence. Public names are re-exported here; each block below belongs to one pipeline stage.
"""

from paritykit._version import __version__
from paritykit.errors import (
    ConfigurationError,
    DataValidationError,
    InputFileError,
    ParityKitError,
    ParityKitWarning,
    UnmappedCodeError,
)

__all__ = [
    "ConfigurationError",
    "DataValidationError",
    "InputFileError",
    "ParityKitError",
    "ParityKitWarning",
    "UnmappedCodeError",
    "__version__",
]
