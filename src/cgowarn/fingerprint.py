"""Stable fingerprints of findings: the same problem gets the same fingerprint in every run.

A build's temporary paths (`/tmp/go-link-NNN/000007.o`, `/tmp/ccXXXXXX.o`, `/tmp/go-build…`),
line numbers and counts change from run to run and from one commit to the next; a finding's
identity does not: the libc function and the code that pulled it in (the origin ids of the
knowledge base, such as `go:os/user`). Baselines, SARIF's partialFingerprints, GitLab's Code
Quality fingerprints and the annotations all use this one function.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from cgowarn import regexes

SCHEME = "cgowarn/v1"
"""Changes only if the identity of a finding changes meaning; baselines record it."""


def fingerprint(kind: str, subject: str, origins: Iterable[str] = ()) -> str:
    """32 hex digits identifying (kind, subject, origins): kind is "finding" or a diagnostic kind,
    subject the libc symbol (or what the diagnostic names). Origins are sorted, so their order
    does not matter."""
    parts = [SCHEME, kind, subject, *sorted(set(origins))]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


# A build's temporary names: Go's link and build directories, and gcc's `ccXXXXXX` files (also
# its LTO parts, `ccXXXXXX.ltrans0.ltrans.o`), wherever TMPDIR puts them.
_TEMPORARY = regexes.compile(
    "fingerprint.TEMPORARY", r"(?<![\w-])(go-link-|go-build)\d+|(?<![\w-])cc[0-9A-Za-z]{6}(?=\.)"
)


def without_temporary_names(text: str) -> str:
    """`text` with the run-specific part of temporary names replaced by `*`, so that a subject
    naming `/tmp/ccAbCdEf.o` is the same in every run."""
    return str(_TEMPORARY.sub(lambda m: f"{m.group(1)}*" if m.group(1) else "cc*", text))
