"""Settings layer defaults < config file < environment < flags, each with its origin."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from feedback_writer.cli import cli
from feedback_writer.config import load_settings
from feedback_writer.errors import ConfigError


def test_precedence_and_origins(tmp_path, monkeypatch):
    cfg = tmp_path / "c.toml"
    cfg.write_text('model = "gpt-4o-mini"\ntimeout = 30\nexport_policy = "review"\n')
    monkeypatch.setenv("FEEDBACK_WRITER_CONFIG", str(cfg))
    monkeypatch.setenv("FEEDBACK_WRITER_TIMEOUT", "45")
    loaded = load_settings({"export_policy": "edit"})
    s = loaded.settings
    assert (s.model, s.timeout, s.export_policy, s.max_retries) == ("gpt-4o-mini", 45.0, "edit", 3)
    assert loaded.origins["model"] == str(cfg)
    assert loaded.origins["timeout"] == "env FEEDBACK_WRITER_TIMEOUT"
    assert loaded.origins["export_policy"] == "flag --export-policy"
    assert loaded.origins["max_retries"] == "default"


def test_config_show_json(tmp_path, monkeypatch):
    monkeypatch.setenv("FEEDBACK_WRITER_MODEL", "ollama_chat/llama3.1")
    result = CliRunner().invoke(cli, ["config", "show", "--format", "json"])
    data = json.loads(result.output)
    assert data["model"] == {"value": "ollama_chat/llama3.1", "origin": "env FEEDBACK_WRITER_MODEL"}
    assert data["api_base"]["origin"] == "default"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("model = \n", "invalid TOML"),
        ("colour = 'red'\n", "unknown setting 'colour'"),
        ("export_policy = 'yolo'\n", "export_policy"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, monkeypatch, content, message):
    cfg = tmp_path / "c.toml"
    cfg.write_text(content)
    monkeypatch.setenv("FEEDBACK_WRITER_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match=message):
        load_settings()
    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code == 2


def test_no_api_key_setting_exists():
    from feedback_writer.config import Settings

    assert not any("key" in name for name in Settings.model_fields)
