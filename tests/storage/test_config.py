"""The config file: defaults when absent, and every mistake named in the file's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from studybuddy.storage.config import Config, ConfigError, load_config


def test_a_missing_file_means_every_default(tmp_path: Path) -> None:
    assert load_config(tmp_path / "absent.toml") == Config()


def test_settings_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('home = "~/study"\n[timer]\nminutes = 50\nrotation = ["calculus", "probability"]\n')
    config = load_config(path)
    assert (config.home, config.timer_minutes, config.rotation) == (
        Path("~/study").expanduser(),
        50,
        ("calculus", "probability"),
    )
    assert config.source == path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("home = 5", "home must be text in quotes, not 5"),
        ('[timer]\nminutes = "x"', "timer.minutes must be a whole number, not 'x'"),
        ("[timer]\nminutes = true", "timer.minutes must be a whole number, not True"),
        ("[timer]\nminutes = 0", "timer.minutes must be between 1 and 1440, not 0"),
        ("timer = 3", "[timer] must be a table, not 3"),
        ('[timer]\nrotation = "calculus"', "timer.rotation must be a list [...], not 'calculus'"),
        ('[keys]\n"timer.toggle" = 1', "keys.timer.toggle must be text in quotes, not 1"),
        ("home = [", "Invalid value"),
    ],
)
def test_a_mistake_names_the_file_and_the_setting(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text + "\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_a_file_that_is_not_utf8_or_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"home = '\xff'\n")
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte 8\)"):
        load_config(path)
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_config(tmp_path)


def test_a_relative_home_is_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "dotfiles"
    folder.mkdir()
    (folder / "config.toml").write_text('home = "study"\n')
    monkeypatch.chdir(tmp_path)  # started from elsewhere: the home must not follow the working folder
    assert load_config(folder / "config.toml").home == folder / "study"
