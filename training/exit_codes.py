"""The `triage` command's exit codes, shared by the parser and the commands it runs."""

from typing import Final

#: The command did what it was asked.
EXIT_OK: Final = 0
#: The command failed and said why on standard error (argparse uses 2 for a bad
#: command line).
EXIT_FAILURE: Final = 1
