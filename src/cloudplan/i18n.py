"""The one gate that messages for people pass through, ready for French output."""

from __future__ import annotations


def _(message: str) -> str:
    """Return *message* translated into the user's language.

    Only English exists yet; keys, codes and machine formats never go through
    here, so they stay stable when translations arrive.
    """
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the singular or plural form of a message for *n* items."""
    return singular if n == 1 else plural
