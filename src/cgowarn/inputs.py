"""What the reports call the files they read.

A path from the command line is whatever bytes the file system holds; Python carries the bytes
that are not UTF-8 as lone surrogates, which no UTF-8 output (JSON, XML, a terminal) can hold. A
report names such a file with those bytes written as `\\xNN`, which every format can show; the file
itself is opened with its real name.
"""

from __future__ import annotations

import os


def shown_name(path: str) -> str:
    """`path` as reports show it: its bytes that are not UTF-8 written as `\\xNN`."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path
