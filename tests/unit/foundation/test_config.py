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


# --- each config mistake is an error naming the file and line (exit 2) -------------------


def _config(tmp_path, monkeypatch, content: str):
    cfg = tmp_path / "c.toml"
    cfg.write_text(content)
    monkeypatch.setenv("FEEDBACK_WRITER_CONFIG", str(cfg))
    return cfg


def _fails(message: str) -> str:
    with pytest.raises(ConfigError, match=message) as info:
        load_settings()
    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    return str(info.value)


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        # written above the table header: TOML makes it a top-level key beside the table
        ('pseudonymise = ["Bo"]\n\n[feedback-writer]\nmodel = "x"\n', 1, "outside the"),
        ('# c\n[feedback-writer]\nmodel = "x"\n[other]\na = 1\n', 4, "unknown top-level key"),
        ("# c\nfeedback-writer = 5\n", 2, "must be a table, not an integer"),
        ("[feedback-writer]\n# t\ntimeout = 1e400\n", 3, "timeout: Input should be a finite"),
        ("timeout = nan\n", 1, "finite number"),
        ("# r\nmax_retries = true\n", 2, "max_retries: Input should be a valid integer"),
        ("max-retries = 2.0\n", 1, "max_retries: Input should be a valid integer"),
        ("timeout = false\n", 1, "timeout: Input should be a valid number"),
        ("\nmodel = 5\n", 2, "model: Input should be a valid string"),
        ("\n\npseudonymise = [[1]]\n", 3, r"pseudonymise\.0: Input should be a valid string"),
        ("[feedback-writer]\n\n  colour = 'red'\n", 3, "unknown setting 'colour'"),
        ("max_retries = 1\nmax-retries = 2\n", 2, "set twice"),
    ],
)
def test_config_mistakes_name_file_and_line(tmp_path, monkeypatch, content, line, message):
    cfg = _config(tmp_path, monkeypatch, content)
    assert f"{cfg}:{line}: " in _fails(message)


def test_deeply_nested_array_is_an_error_not_a_crash(tmp_path, monkeypatch):
    cfg = _config(tmp_path, monkeypatch, "# deep\npseudonymise = " + "[" * 5000 + "]" * 5000)
    assert f"{cfg}:2: " in _fails("nested too deeply")


def test_moderately_nested_array_is_a_type_error(tmp_path, monkeypatch):
    _config(tmp_path, monkeypatch, "pseudonymise = " + "[" * 300 + "]" * 300)
    _fails("pseudonymise.0: Input should be a valid string")


@pytest.mark.parametrize(
    ("env", "value", "message"),
    [
        ("FEEDBACK_WRITER_TIMEOUT", "inf", "FEEDBACK_WRITER_TIMEOUT='inf': timeout must be finite"),
        ("FEEDBACK_WRITER_TIMEOUT", "nan", "must be a finite number"),
        ("FEEDBACK_WRITER_TIMEOUT", "soon", "timeout must be a number"),
        ("FEEDBACK_WRITER_TIMEOUT", "-1", "env FEEDBACK_WRITER_TIMEOUT: timeout: Input should be"),
        ("FEEDBACK_WRITER_MAX_RETRIES", "true", "max_retries must be a whole number"),
        ("FEEDBACK_WRITER_MAX_RETRIES", "2.5", "max_retries must be a whole number"),
        ("FEEDBACK_WRITER_MAX_REPAIRS", "9", "env FEEDBACK_WRITER_MAX_REPAIRS: max_repairs"),
    ],
)
def test_bad_environment_values(monkeypatch, env, value, message):
    monkeypatch.setenv(env, value)
    _fails(message.replace("must be finite", "must be a finite number"))


def test_environment_numbers_are_converted(monkeypatch):
    monkeypatch.setenv("FEEDBACK_WRITER_MAX_RETRIES", " 5 ")
    monkeypatch.setenv("FEEDBACK_WRITER_TIMEOUT", "2.5")
    monkeypatch.setenv("FEEDBACK_WRITER_PSEUDONYMISE", "Bo, Cy ,")
    s = load_settings().settings
    assert (s.max_retries, s.timeout, s.pseudonymise) == (5, 2.5, ["Bo", "Cy"])


def test_settings_in_the_table_and_dashed_keys(tmp_path, monkeypatch):
    cfg = _config(tmp_path, monkeypatch, "[feedback-writer]\nmax-retries = 1\ntimeout = 5\n")
    loaded = load_settings()
    assert (loaded.settings.max_retries, loaded.settings.timeout) == (1, 5.0)
    assert loaded.origins["max_retries"] == str(cfg)
    assert loaded.config_file == cfg


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_config_flag_must_name_an_existing_file(tmp_path, kind):
    target = tmp_path / "c.toml"
    if kind == "folder":
        target.mkdir()
    expected = "is a folder" if kind == "folder" else "no such config file"
    with pytest.raises(ConfigError, match=expected):
        load_settings(config_file=target)
    result = CliRunner().invoke(cli, ["--config", str(target), "people"])
    assert result.exit_code == 2
    assert f"{target}: {expected}" in result.output


def test_config_env_may_name_a_missing_file_but_not_a_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FEEDBACK_WRITER_CONFIG", str(tmp_path / "none.toml"))
    assert load_settings().config_file is None
    monkeypatch.setenv("FEEDBACK_WRITER_CONFIG", str(tmp_path))
    _fails("is a folder")


def test_every_field_is_described():
    from feedback_writer.config import Settings

    for name, info in Settings.model_fields.items():
        assert info.description and len(info.description) > 10, name
    result = CliRunner().invoke(cli, ["config", "template"])
    assert "# Seconds to wait for a model answer." in result.output


def test_key_line_finds_keys_per_table():
    from feedback_writer.config import key_line

    text = 'model = "a"\n[feedback-writer]\n"model" = "b"\n[x]\nmodel = 1\n'
    assert key_line(text, "model") == 1
    assert key_line(text, "model", "feedback-writer") == 3
    assert key_line('feedback-writer.model = "x"\n', "model", "feedback-writer") == 1
    assert key_line("[feedback-writer]\n", "feedback-writer") == 1
    assert key_line("nothing\n", "model") is None
