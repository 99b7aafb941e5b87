"""The config file: defaults when absent; each mistake ignored and named in the file's own words (file,
line, what was used instead), never fatal; the theme chosen in the app written back by a one-line edit."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest

from studybuddy.storage.config import Config, ConfigWriteError, load_config, save_theme


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_file_means_every_default(tmp_path: Path) -> None:
    assert load_config(tmp_path / "absent.toml") == Config()


def test_settings_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path, 'home = "~/study"\n[timer]\nminutes = 50\nrotation = ["calculus", "probability"]\n'
    )
    config = load_config(path)
    assert (config.home, config.timer_minutes, config.rotation) == (
        Path("~/study").expanduser(),
        50,
        ("calculus", "probability"),
    )
    assert config.source == path
    assert config.problems == ()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("home = 5", 1, "home must be text in quotes, not 5; ignored"),
        ('\n[timer]\nminutes = "sixty"', 3, 'timer.minutes must be a whole number, not "sixty"; using 60'),
        ("[timer]\nminutes = true", 2, "timer.minutes must be a whole number, not true; using 60"),
        ("[timer]\nminutes = 0", 2, "timer.minutes must be from 1 to 1440, not 0; using 60"),
        ("timer = 3", 1, "timer must be a table, not 3; ignored"),
        ("[timer]\nrotation = 3", 2, "timer.rotation must be a list [...], not 3; ignored"),
        ('[timer]\nrotation = ["calculus", 3]', 2, "timer.rotation lists 3, not text in quotes; left out"),
        ("theme = 1", 1, "theme must be text in quotes, not 1; ignored"),
        ('[keys]\n"timer.toggle" = 1', 2, "keys.timer.toggle must be text in quotes, not 1; not remapped"),
        ('[keys]\ntimer.toggle = "ctrl+t"', 2, "keys.timer is a table; a binding id with a dot needs quotes"),
        ('them = "nord"', 1, "them is not a setting (did you mean theme?); ignored"),
        ("[timers]\nminutes = 50", 1, "timers is not a setting (did you mean timer?); ignored"),
        ("[timer]\nminute = 50", 2, "timer.minute is not a setting (did you mean timer.minutes?); ignored"),
        ("minutes = 50", 1, "minutes is not a setting (did you mean timer.minutes?); ignored"),
    ],
)
def test_a_bad_entry_is_ignored_and_named_with_its_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, text + "\n")
    config = load_config(path)
    assert len(config.problems) == 1, config.problems
    assert config.problems[0].startswith(f"{path}:{line}: {message}")


def test_good_entries_are_kept_beside_bad_ones(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '# my settings\nhome = 5\ntheme = "nord"\n'
        '[timer]\nminutes = "sixty"\nrotation = ["calculus", 3, "ml"]\n'
        '[keys]\n"timer.toggle" = "ctrl+t"\n"mode.lessons" = 2\n',
    )
    config = load_config(path)
    assert (config.home, config.theme, config.timer_minutes, config.rotation, dict(config.keys)) == (
        None,
        "nord",
        60,
        ("calculus", "ml"),
        {"timer.toggle": "ctrl+t"},
    )
    assert [problem.split(": ", 1)[0] for problem in config.problems] == [
        f"{path}:2",
        f"{path}:5",
        f"{path}:6",
        f"{path}:9",
    ]


@pytest.mark.parametrize(
    ("text", "place"),
    [("[timer]\nminutes = sixty\n", "3:11"), ("[timer]\nminutes = [\n", "3")],
    ids=["bad-value", "unclosed-list"],
)
def test_a_file_that_is_not_toml_is_ignored_whole_with_where(tmp_path: Path, text: str, place: str) -> None:
    path = write(tmp_path, 'theme = "nord"\n' + text)
    config = load_config(path)
    assert (config.theme, config.timer_minutes, config.source) == (None, 60, path)
    assert len(config.problems) == 1
    assert config.problems[0].startswith(f"{path}:{place}: not valid TOML (")
    assert config.problems[0].endswith("the whole file is ignored and every setting is at its default")


def test_a_file_that_is_not_utf8_or_is_a_folder_is_ignored_whole(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"home = '\xff'\n")
    assert load_config(path).problems == (
        f"{path}: not UTF-8 text (byte 8); the whole file is ignored and every setting is at its default",
    )
    (problem,) = load_config(tmp_path).problems
    assert problem.startswith(f"{tmp_path}: cannot be read (")


def test_a_relative_home_is_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "dotfiles"
    folder.mkdir()
    (folder / "config.toml").write_text('home = "study"\n')
    monkeypatch.chdir(tmp_path)  # started from elsewhere: the home must not follow the working folder
    assert load_config(folder / "config.toml").home == folder / "study"


# ---- the theme chosen in the app, written back -----------------------------------------------------

COMMENTED = """\
# studybuddy settings, by hand
home = "~/study"   # synced with git
theme = 'textual-dark'  # dark at night

# the hour
[timer]
minutes = 50
rotation = ["linear algebra", "calculus"]
"""


def test_choosing_a_theme_changes_only_the_theme_line(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    save_theme(path, "nord")
    assert path.read_text(encoding="utf-8") == COMMENTED.replace("'textual-dark'", '"nord"')
    assert load_config(path).theme == "nord"


def test_a_theme_is_added_after_the_other_top_level_settings(tmp_path: Path) -> None:
    text = COMMENTED.replace("theme = 'textual-dark'  # dark at night\n", "")
    path = write(tmp_path, text)
    save_theme(path, "gruvbox")
    assert path.read_text(encoding="utf-8") == text.replace(
        "# synced with git\n", '# synced with git\ntheme = "gruvbox"\n'
    )
    assert tomllib.loads(path.read_text(encoding="utf-8"))["timer"] == {
        "minutes": 50,
        "rotation": ["linear algebra", "calculus"],
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# my settings\n[timer]\nminutes = 50\n", '# my settings\ntheme = "nord"\n[timer]\nminutes = 50\n'),
        (
            "# my settings\n\n# the hour\n[timer]\nminutes = 50\n",
            '# my settings\n\ntheme = "nord"\n# the hour\n[timer]\nminutes = 50\n',
        ),
    ],
    ids=["under-the-files-comment", "above-the-tables-comment"],
)
def test_a_theme_is_added_above_the_first_table(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    save_theme(path, "nord")
    assert path.read_text(encoding="utf-8") == expected


@pytest.mark.parametrize(
    "text", ["", "# only a comment", 'home = "~/study"'], ids=["empty", "comment", "no-newline"]
)
def test_a_theme_is_added_to_a_file_without_tables(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    save_theme(path, "nord")
    assert path.read_text(encoding="utf-8").startswith(text)
    assert tomllib.loads(path.read_text(encoding="utf-8")).get("theme") == "nord"


def test_a_missing_config_file_is_created_with_the_theme(tmp_path: Path) -> None:
    path = tmp_path / "config" / "studybuddy" / "config.toml"
    save_theme(path, "nord")
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\n'


def test_a_symlinked_config_file_stays_a_link_and_its_target_is_edited(tmp_path: Path) -> None:
    target = write(tmp_path, COMMENTED)
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    save_theme(link, "nord")
    assert link.is_symlink()
    assert load_config(target).theme == "nord"


@pytest.mark.parametrize(
    "text",
    ['theme = "nord"\n[timer]\nminutes = [\n', 'theme = """\nnord"""\n'],
    ids=["not-toml", "multi-line-string"],
)
def test_a_file_a_line_edit_cannot_handle_is_left_alone(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigWriteError, match=str(path)):
        save_theme(path, "gruvbox")
    assert path.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"], "no temporary file left behind"


# ---- files that break Python's TOML reader, or are no file at all ------------------------------------

WHOLE = "the whole file is ignored and every setting is at its default"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
            "{path}: not valid TOML (nested too deeply to be read)",
        ),
        (
            "x = " + "{a=" * 5_000 + "1" + "}" * 5_000 + "\n",
            "{path}: not valid TOML (nested too deeply to be read)",
        ),
        (
            "[timer]\nminutes = " + "9" * 5_000 + "\n",
            "{path}:2: not valid TOML (a number too long to be read)",
        ),
        (
            "[timer]\nminutes = 1" + "_0" * 5_000 + "\n",
            "{path}:2: not valid TOML (a number too long to be read)",
        ),
    ],
    ids=["deep-array", "deep-table", "huge-integer", "huge-with-underscores"],
)
def test_a_file_pythons_toml_reader_cannot_read_is_ignored_whole_with_a_message(
    tmp_path: Path, content: str, problem: str
) -> None:
    """Every command printed a traceback (RecursionError, ValueError) for these."""
    path = write(tmp_path, content)
    config = load_config(path)
    assert config.problems == (f"{problem.format(path=path)}; {WHOLE}",)
    assert (config.theme, config.timer_minutes, config.source) == (None, 60, path)


@pytest.mark.parametrize("number", ["9" * 4000, "0x" + "f" * 5000, "-" + "9" * 30])
def test_a_whole_number_too_large_for_a_setting_is_named_short(tmp_path: Path, number: str) -> None:
    """Python reads a 5,000-digit hexadecimal number but cannot print it (str() refuses over 4,300
    digits): the message must not try."""
    path = write(tmp_path, f"[timer]\nminutes = {number}\n")
    (problem,) = load_config(path).problems
    assert (
        problem == f"{path}:2: timer.minutes must be from 1 to 1440, not a number of over 20 digits; using 60"
    )


def test_a_byte_order_mark_is_skipped_and_kept_when_the_theme_is_written(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'\xef\xbb\xbftheme = "nord"\n[timer]\nminutes = 50\n')
    config = load_config(path)
    assert (config.theme, config.timer_minutes, config.problems) == ("nord", 50, ())
    save_theme(path, "gruvbox")
    assert path.read_bytes() == b'\xef\xbb\xbftheme = "gruvbox"\n[timer]\nminutes = 50\n'


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: os.mkfifo(path), "it is a named pipe (FIFO), not a regular file"),
        (lambda path: path.symlink_to("/dev/zero"), "it is a device, not a regular file"),
        (lambda path: path.write_bytes(b"# " + b"x" * (2 * 1024 * 1024)), "it is 2.0 MB, larger than 1.0 MB"),
    ],
    ids=["fifo", "dev-zero", "two-megabytes"],
)
def test_a_fifo_a_device_or_a_huge_file_is_not_read(tmp_path: Path, make: object, reason: str) -> None:
    """A FIFO in the config's place hung every command; /dev/zero read until memory ran out."""
    path = tmp_path / "config.toml"
    make(path)  # type: ignore[operator]
    assert load_config(path).problems == (f"{path}: cannot be read ({reason}); {WHOLE}",)
    with pytest.raises(ConfigWriteError, match=f"cannot read {path} to keep the theme: {re.escape(reason)}"):
        save_theme(path, "nord")  # choosing a theme in the app neither hangs nor replaces the FIFO


def test_a_home_with_a_nul_character_is_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, 'home = "a\\u0000b"\ntheme = "nord"\n')
    config = load_config(path)
    assert (config.home, config.theme) == (None, "nord")
    assert config.problems == (
        f"{path}:1: home holds a NUL character (\\u0000), which no folder name can; ignored",
    )


def test_control_characters_in_the_file_are_escaped_in_messages(tmp_path: Path) -> None:
    path = write(
        tmp_path, '"x\\u001b[2J" = 1\ntheme = "\\u001b]52;c;aGk=\\u0007"\n[timer]\nminutes = "\\u0007"\n'
    )
    problems = load_config(path).problems
    assert len(problems) == 2
    for problem in problems:
        assert "\x1b" not in problem and "\x07" not in problem
    assert problems[0] == f"{path}: x\\x1b[2J is not a setting; ignored"
    assert problems[1] == f'{path}:4: timer.minutes must be a whole number, not "\\x07"; using 60'
