"""The one catalogue: every key used in the code exists, in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path

from deskapp.i18n import messages, set_language, t

ROOT = Path(__file__).resolve().parents[2] / "deskapp"
KEY_CALL = re.compile(
    r"""(?:\bt|ValidationError|PermissionDenied|NotFound|InvalidTransition|Conflict|DeskError)"""
    r"""\(\s*["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']"""
)


def test_every_entry_has_both_languages() -> None:
    for key, pair in messages().items():
        assert isinstance(pair, tuple) and len(pair) == 2, key
        zh, en = pair
        assert zh.strip() and en.strip(), key


def test_params_match_between_languages() -> None:
    field = re.compile(r"{(\w+)")
    for key, (zh, en) in messages().items():
        assert set(field.findall(zh)) == set(field.findall(en)), key


def test_every_literal_key_in_the_code_exists() -> None:
    missing = []
    for path in ROOT.rglob("*.py"):
        for key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
            if key not in messages():
                missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert not missing, "\n".join(missing)


def test_switching_language() -> None:
    set_language("en")
    assert t("role.supervisor") == "CS supervisor"
    set_language("zh")
    assert t("role.supervisor") == "客服主管"
