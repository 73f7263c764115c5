"""The README documents every command and option the CLI has."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from tts.cli import app

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = {c.name: c for c in typer.main.get_command(app).commands.values()}


def test_every_command_is_documented():
    for name in COMMANDS:
        assert f"tts {name}" in README, name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_has_help_and_appears_in_the_readme(name):
    command = COMMANDS[name]
    for param in command.params:
        if param.param_type_name != "option" or param.name == "help":
            continue
        assert param.help, f"{name} {param.opts} has no help"
        longest = max(param.opts, key=len)
        assert re.search(re.escape(longest) + r"\b", README), f"{name} {longest} missing from README"


def test_readme_names_the_two_setup_commands():
    assert "uv run tts build articles/gansu-tianjin-wuqing-jingning.txt" in README
    assert "uv run pytest" in README


def test_help_runs_for_every_command():
    runner = CliRunner()
    for name in COMMANDS:
        assert runner.invoke(app, [name, "--help"]).exit_code == 0
