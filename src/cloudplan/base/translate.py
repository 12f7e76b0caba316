"""The one gate that messages for people pass through: English as written, or French from the catalogue; pure.

The language of a run is decided once, before the command line is built (see
cloudplan.language, which also reads the catalogue from disk); this module only holds
the decision and looks each message up when it is made. The catalogue is opened on the
first message that needs it, through the loader it was given, so a run that says
nothing opens nothing.

Keys, codes and machine formats (JSON, CSV, iCalendar) never go through here, so they
stay the same in every language.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Protocol

LANGUAGES = ("en", "fr")
DEFAULT = "en"


class Catalog(Protocol):
    """What a gettext translations object offers (gettext.GNUTranslations is one)."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...

    def pgettext(self, context: str, message: str, /) -> str: ...

    def npgettext(self, context: str, singular: str, plural: str, n: int, /) -> str: ...


Loader = Callable[[str], "Catalog | None"]

_language = DEFAULT
_loader: Loader | None = None
_catalogs: dict[str, Catalog | None] = {}


def use(language: str, loader: Loader | None = None) -> None:
    """Speak *language* from now on ('en' or 'fr'; anything else is English).

    *loader* returns the catalogue of a language, or None when it has none; it is called
    at most once per language, on the first message to translate.
    """
    global _language, _loader
    _language = language if language in LANGUAGES else DEFAULT
    if loader is not None and loader is not _loader:
        _loader = loader
        _catalogs.clear()


def language() -> str:
    """Return the language messages are made in: 'en' or 'fr'.

    English when the catalogue of the language asked for cannot be read (the loader found none):
    then days, numbers and periods are English too, not French inside English sentences.
    """
    if _language == DEFAULT or _loader is None or _catalog() is not None:
        return _language
    return DEFAULT


@contextlib.contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Make the messages of a block in *language* (None: the current one), then speak as before.

    For what must not follow the user: the note an edit writes into a plan follows the plan's own
    language; the JSON of `check` is the same in every language.
    """
    global _language
    before = _language
    if language in LANGUAGES:
        _language = language
    try:
        yield
    finally:
        _language = before


def _catalog() -> Catalog | None:
    try:
        return _catalogs[_language]
    except KeyError:
        found = _loader(_language) if _loader is not None else None
        _catalogs[_language] = found
        return found


def catalog() -> Catalog | None:
    """Return the catalogue messages are made from now: None in English, or when there is none."""
    return None if _language == DEFAULT else _catalog()


def _(message: str) -> str:
    """Return *message* in the language of the run (as it is, in English or when it has no translation)."""
    if _language == DEFAULT:
        return message
    catalog = _catalog()
    return message if catalog is None else catalog.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the form of a message for *n* items: in English n == 1 is singular; in French 0 and 1 are."""
    if _language != DEFAULT:
        catalog = _catalog()
        if catalog is not None:
            return catalog.ngettext(singular, plural, n)
    return singular if n == 1 else plural


def pgettext(context: str, message: str) -> str:
    """Return *message* as `_()` does, told apart by *context* from the same English words meaning another thing.

    The catalogue holds it with `msgctxt` *context*: `pgettext("count", "Done")` heads a number of
    milestones, `pgettext("day", "Done")` a date; French writes them differently.
    """
    if _language == DEFAULT:
        return message
    catalog = _catalog()
    return message if catalog is None else catalog.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """Return the form of a message for *n* items as `ngettext()` does, told apart by *context*."""
    if _language != DEFAULT:
        catalog = _catalog()
        if catalog is not None:
            return catalog.npgettext(context, singular, plural, n)
    return singular if n == 1 else plural


def N_(message: str) -> str:  # gettext's own name for it, which extractors know
    """Return *message* unchanged: marks a message that is translated later, where it is shown, for the extractor."""
    return message


class Translator(Protocol):
    """What says messages in one language: the gate speaking it (see `speaker`), or gettext's translations."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


class _Speaker:
    """The gate speaking one language (None: the run's), whatever the run speaks."""

    def __init__(self, language: str | None) -> None:
        self.language = language

    def gettext(self, message: str, /) -> str:
        with speaking(self.language):
            return _(message)

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        with speaking(self.language):
            return ngettext(singular, plural, n)


def speaker(language: str | None) -> Translator:
    """Return the gate speaking *language* ('fr' or 'en'; None: the run's), from cloudplan's catalogue.

    One run may so write French to one contact and English to another (`cloudplan notify`).
    """
    return _Speaker(language)


GATE: Translator = speaker(None)  # the gate in the language of the run, as a translator
