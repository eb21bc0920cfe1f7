"""Every CLI test signs in with the fixtures' password through DESKAPP_PASSWORD, the
variable scripts use; tests of the door itself unset it."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _cli_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKAPP_PASSWORD", PASSWORD)
