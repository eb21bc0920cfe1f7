"""The one-character search index's tokens (issue #17; see
:mod:`deskapp.services.textsearch`). A module of its own, with no imports, because the
engine registers :func:`char_tokens` on every SQLite connection it opens."""

from __future__ import annotations

CHAR_TOKENS_FUNCTION = "deskapp_char_tokens"
"""SQL name of :func:`char_tokens`, registered on every SQLite connection of the engine."""

_OTHER = "\ue000"  # a private-use character: a token of its own for unicode61


def char_tokens(value: str | None) -> str | None:
    """``value`` as one token per character for the ``_chars`` index: letters and digits
    as themselves, everything else (punctuation, spaces) as one placeholder token."""
    if value is None:
        return None
    return " ".join(c if c.isalnum() else _OTHER for c in str(value))


def char_phrase(term: str) -> str | None:
    """``term`` as an FTS5 phrase over the ``_chars`` index, or None when the term holds a
    character that is neither a letter nor a digit (that term is matched with LIKE)."""
    if not term or not all(c.isalnum() for c in term):
        return None
    return '"' + " ".join(term) + '"'
