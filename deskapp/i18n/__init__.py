"""The one translation catalogue.

Every user-facing string is looked up with :func:`t`. Messages live in the modules of
:mod:`deskapp.i18n.catalog`, one per area, each defining
``MESSAGES: dict[str, tuple[str, str]]`` as ``key: (中文, English)``. Chinese is the
default; :func:`set_language` switches to English.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from deskapp.i18n import catalog as _catalog_pkg

LANGUAGES = ("zh", "en")
_language = "zh"


@cache
def messages() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(_catalog_pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{_catalog_pkg.__name__}.{info.name}")
        for key, pair in getattr(module, "MESSAGES", {}).items():
            if key in merged:
                raise RuntimeError(f"catalogue key {key!r} defined twice ({info.name})")
            merged[key] = pair
    return merged


def set_language(lang: str) -> None:
    global _language
    _language = "en" if lang.lower().startswith("en") else "zh"


def language() -> str:
    return _language


def t(key: str, /, **params: object) -> str:
    """Translate ``key`` into the current language, formatting ``{name}`` params.

    ``key`` is positional-only, so a message may itself have a ``{key}`` parameter
    (``t("palette.goto.help", key="F2")``) without colliding with it.
    """
    pair = messages().get(key)
    if pair is None:
        return key
    text = pair[1] if _language == "en" else pair[0]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def has(key: str) -> bool:
    return key in messages()
