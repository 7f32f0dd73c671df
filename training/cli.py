"""What every ``python -m training.*`` command shares on the command line."""

from __future__ import annotations

import sys

from nlpkit.errors import NlpkitError


def fail(error: NlpkitError) -> int:
    """Print ``error: …`` (one line, or a config's list of bad keys under it) on stderr; return exit code 2."""
    print(f"error: {error}", file=sys.stderr)
    return 2
