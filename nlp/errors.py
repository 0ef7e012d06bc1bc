"""The library's own exceptions.

The CLI and the service translate these into messages and status codes; nothing inside
`nlp` exits the process or knows about HTTP.
"""


class TriageError(Exception):
    """Base class of every error triage raises on purpose.

    The data, training and storage errors outside `nlp` derive from it too, so the
    command line reports any of them as one `Error: <message>` without importing the
    modules that raise them.
    """


class InvalidInputError(TriageError, ValueError):
    """Input that cannot be classified: not a string, empty, or over a limit."""


class ModelLoadError(TriageError):
    """A model folder that is missing, truncated, corrupt or not a triage model."""


class IncompatibleModelError(ModelLoadError):
    """A valid model folder written by versions this code cannot safely load."""


class RoutingTableError(TriageError):
    """A routing table that does not map every label to a complete department."""
