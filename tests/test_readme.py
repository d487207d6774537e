"""README is the first thing a user reads: it documents every setting and both commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoreboard.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_readme_documents_every_setting(name: str) -> None:
    assert f"`SCOREBOARD_{name.upper()}`" in README


def test_readme_gives_the_two_commands() -> None:
    assert "scripts/serve" in README
    assert "scripts/check" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "exec scripts/check" in ci
