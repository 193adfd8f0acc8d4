"""The link errors cgowarn reads, as the linker prints them in every language its catalogues
translate them into (patterns/translations.toml, generated from binutils' and gcc's own message
catalogues): each becomes needles and one more alternative of the diagnostic's pattern."""

from __future__ import annotations

import regex

from cgowarn.knowledge.models import Phrase, TranslationsFile

SUBJECTS = {
    "undefined_reference": "symbol",
    "more_undefined_references": "symbol",
    "multiple_definition": "symbol",
    "cannot_find_library": "library",
}
"""The diagnostics whose translated forms are read, and what their subject is. collect2's line
is read in any language by its own pattern; error_adding_symbols names its subject before the
translated words (the pattern's `(?P<subject>...)` already reads it in any language)."""


def _alternative(phrase: Phrase, subject: str) -> str | None:
    """One language's form as a pattern (linear in the line: possessive repeats, a literal
    first), or None when it has no words to anchor on."""
    words = phrase.before.strip()
    after = phrase.after.strip().rstrip(":").strip()
    if not words and not after:
        return None
    close = phrase.close.strip()
    stop = regex.escape(close) if close else ""
    if subject == "library":
        # At a word's start only: the runs of `-l...` a search tries never overlap.
        body = rf"(?<!\S)-l(?P<subject>[^\s:{stop}]++)"
    else:
        body = rf"(?P<subject>[^\s{stop}`'‘’\"]++)"
    parts = [
        regex.escape(words) + r"\s*+" if words else "",
        regex.escape(phrase.open.strip()) + r"\s*+" if phrase.open.strip() else "",
        body,
        r"\s*+" + regex.escape(close) if close else "",
        r"\s*+" + regex.escape(after) if after else "",
    ]
    return "".join(parts)


def localised_patterns(file: TranslationsFile) -> dict[str, tuple[tuple[str, ...], str]]:
    """Diagnostic id -> (needles, an alternation of its translated forms)."""
    needles: dict[str, set[str]] = {}
    forms: dict[str, set[str]] = {}
    for message in file.message:
        subject = SUBJECTS.get(message.id)
        if subject is None:
            continue
        for phrase in message.translations.values():
            form = _alternative(phrase, subject)
            if form is None:
                continue
            forms.setdefault(message.id, set()).add(form)
            needle = phrase.before.strip() or phrase.after.strip().rstrip(":").strip()
            needles.setdefault(message.id, set()).add(needle)
    return {id_: (tuple(sorted(needles[id_])), "|".join(sorted(forms[id_]))) for id_ in forms}
