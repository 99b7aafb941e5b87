"""The lesson YAML loader against hostile and broken files: each refused with a precise, positioned
message, nothing executed, and the process still standing."""

from __future__ import annotations

import pytest

from studybuddy.core.lessons import LessonError
from studybuddy.core.lessons.tree import Mark, MarkedList, MarkedMap
from studybuddy.storage import lesson_yaml
from studybuddy.storage.lesson_yaml import MAX_FILE_BYTES, load_yaml_bytes


def refuse(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(LessonError) as caught:
        load_yaml_bytes(data, "pack/bad.yaml")
    return str(caught.value)


@pytest.fixture
def no_system_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record any attempt at os.system / subprocess while loading: a tag must never run."""
    import os
    import subprocess

    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: calls.append(repr(a)))
    return calls


def test_scalars_stay_the_text_the_author_wrote() -> None:
    tree = load_yaml_bytes(b"a: 010\nb: no\nc: 12:30\nd: 2024-05-01\ne: ~\nf: 1e3\ng: 'x'\n", "f.yaml")
    assert tree == {"a": "010", "b": "no", "c": "12:30", "d": "2024-05-01", "e": "~", "f": "1e3", "g": "x"}


def test_every_node_carries_its_line_and_column() -> None:
    tree = load_yaml_bytes(b"id: x\nsteps:\n  - expr: 2*x\n    reason: 'because'\n", "f.yaml")
    assert isinstance(tree, MarkedMap)
    assert tree.key_marks["steps"][:2] == (2, 1)
    steps = tree["steps"]
    assert isinstance(steps, MarkedList) and steps.item_marks[0] == Mark(3, 5)
    step = steps[0]
    assert isinstance(step, MarkedMap)
    assert step.value_marks["expr"] == Mark(3, 11, text_column=11)
    assert step.value_marks["reason"] == Mark(4, 13, text_column=14)  # inside the quote


def test_python_tag_is_refused_and_not_run(no_system_calls: list[str]) -> None:
    message = refuse("id: x\nrun: !!python/object/apply:os.system ['echo pwned']\n")
    assert message == (
        "pack/bad.yaml:2:6: run: tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed; "
        "a lesson file is plain YAML"
    )
    assert no_system_calls == []


def test_any_explicit_tag_is_refused() -> None:
    assert (
        refuse("a: !!str 1\n")
        == "pack/bad.yaml:1:4: a: tags (tag:yaml.org,2002:str) are not allowed; a lesson file is plain YAML"
    )
    assert refuse("a: !custom {}\n").startswith("pack/bad.yaml:1:4: a: tags (!custom) are not allowed")


def test_billion_laughs_is_refused_at_the_first_anchor() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 9):
        previous, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    message = refuse("\n".join(lines) + "\n")
    assert message == "pack/bad.yaml:1:4: a: anchors (&a) are not allowed; write the value out in full"


def test_alias_is_refused_with_its_name() -> None:
    assert (
        refuse("a: *x\n") == "pack/bad.yaml:1:4: a: aliases (*x) are not allowed; write the value out in full"
    )


def test_merge_key_bomb_is_refused() -> None:
    assert refuse("base: &b {x: 1}\nc:\n  <<: *b\n").startswith("pack/bad.yaml:1:7: base: anchors (&b)")
    assert refuse("c:\n  <<: {x: 1}\n") == "pack/bad.yaml:2:3: c: merge keys (<<) are not allowed"


class _StrictLibyaml:
    """A fast parser as a PyYAML release may ship it: it stops nesting at ``limit`` levels with an
    error in words of its own, before handing out the events that reach that depth."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, text: str):
        import yaml

        parser = lesson_yaml._CheckingParser(text)
        events = []
        depth = 0
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > self.limit:
                    raise yaml.scanner.ScannerError(
                        "while doing something", None, "some new wording", event.start_mark
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            events.append(event)
        return _Replay(events)


class _Replay:
    def __init__(self, events):
        self.events = iter(events)

    def get_event(self):
        return next(self.events)


@pytest.mark.parametrize(
    ("libyaml_limit", "depth"),
    [(None, 30_000), (1000, 1_200), (40, 1_200), (3, 1_200)],
    ids=["installed, 30,000 [", "libyaml stops at 1,000", "at 40", "at 3"],
)
def test_thirty_thousand_nested_brackets_meet_our_limit_whatever_pyyaml_does(
    libyaml_limit: int | None, depth: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Our limit and our words, where the file breaks it, whatever limit libyaml has of its own.
    (The stand-ins read with PyYAML's pure-Python scanner, which slows down with the square of the
    depth: they get a depth just past libyaml's.)"""
    if libyaml_limit is not None:
        monkeypatch.setattr(lesson_yaml, "_Parser", _StrictLibyaml(libyaml_limit))
    message = refuse("a: " + "[" * depth + "]" * depth + "\n")
    # the mapping is level 1, so the 32nd '[' (column 3 + 32) opens level 33
    assert message.startswith("pack/bad.yaml:1:35: a[0]")
    assert message.endswith(f"nesting is deeper than {lesson_yaml.MAX_DEPTH} levels")
    message = refuse("a: " + "[" * depth)
    assert message.startswith("pack/bad.yaml:1:35: ")


def test_a_limit_of_libyaml_alone_does_not_refuse_a_good_lesson(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lesson_yaml, "_Parser", _StrictLibyaml(3))
    tree = load_yaml_bytes(b"a:\n  b:\n    c: [[1]]\n", "f.yaml")
    assert tree == {"a": {"b": {"c": [["1"]]}}}


def test_deep_block_nesting_is_refused_too() -> None:
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(40)) + "  " * 40 + "v\n"
    message = refuse(text)
    assert f"nesting is deeper than {lesson_yaml.MAX_DEPTH} levels" in message
    assert message.startswith(f"pack/bad.yaml:{lesson_yaml.MAX_DEPTH + 1}:")


def test_duplicate_key_names_both_lines() -> None:
    message = refuse("id: one\ntitle: T\nid: two\n")
    assert message == "pack/bad.yaml:3:1: duplicate key 'id' (first written at line 1)"


def test_duplicate_key_deep_inside_names_the_field_path() -> None:
    text = "exercises:\n  - id: a\n    hints: [h]\n  - id: b\n    hints: [h]\n    hints: [g]\n"
    assert refuse(text) == "pack/bad.yaml:6:5: exercises[1]: duplicate key 'hints' (first written at line 5)"


def test_tab_indentation_is_explained() -> None:
    assert (
        refuse("id: x\nsymbols:\n\tx: real\n")
        == "pack/bad.yaml:3:1: a tab is used for indentation; indent with spaces"
    )


def test_bad_indentation_is_explained() -> None:
    assert refuse("a:\n  - 1\n - 2\n") == (
        "pack/bad.yaml:3:2: this line's indentation does not line up with the lines above it"
    )
    assert refuse("id: x\n  title: y\n").startswith(
        "pack/bad.yaml:2:8: unexpected ':' here: check this line's indentation"
    )


def test_invalid_utf8_points_at_the_byte() -> None:
    assert refuse(b"id: x\ntitle: caf\xe9 au lait\n") == (
        "pack/bad.yaml:2:11: the file is not valid UTF-8 (byte 0xe9); save it as UTF-8"
    )


def test_utf8_bom_is_accepted_and_utf16_refused() -> None:
    assert load_yaml_bytes(b"\xef\xbb\xbfid: x\n", "f.yaml") == {"id": "x"}
    assert (
        refuse("id: x\n".encode("utf-16"))
        == "pack/bad.yaml:1:1: the file is saved as UTF-16; save it as UTF-8"
    )


def test_empty_and_comment_only_files() -> None:
    expected = "pack/bad.yaml:1:1: the file is empty; a lesson starts with a line like 'id: my-lesson'"
    assert refuse("") == expected
    assert refuse("\n  \n") == expected
    assert refuse("# just a comment\n") == expected


def test_two_documents_are_refused_at_the_second() -> None:
    assert refuse("id: a\n---\nid: b\n") == (
        "pack/bad.yaml:2:1: a lesson file holds one YAML document; remove the second '---' or split the file"
    )


def test_one_megabyte_file_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lesson_yaml, "_build", lambda *a: pytest.fail("a huge file must not be parsed"))
    data = b"a: " + b"x" * (1024 * 1024) + b"\n"
    assert refuse(data) == "pack/bad.yaml:1:1: the file is 1.0 MB; a lesson file may be at most 256 KiB"
    assert len(b"a: b\n" * (MAX_FILE_BYTES // 5)) <= MAX_FILE_BYTES  # the cap itself is allowed


def test_control_character_is_refused_with_its_code() -> None:
    assert (
        refuse("id: x\ntitle: a\x07b\n")
        == "pack/bad.yaml:2:9: the character U+0007 is not allowed in a lesson file"
    )


@pytest.mark.parametrize(
    ("text", "place", "code"),
    [
        ('id: x\ntitle: "Evil \\e]52;c;aGVsbG8=\\a title"\n', "2:8: title", "U+001B (ESC)"),
        ('id: x\ntitle: "ring \\a"\n', "2:8: title", "U+0007 (BEL)"),
        ('id: x\ntitle: "clear \\e[2J"\n', "2:8: title", "U+001B (ESC)"),
        ('id: x\ntitle: "\\x9b2J (C1 CSI)"\n', "2:8: title", "U+009B"),
        ('id: x\ntitle: "over\\rwrite"\n', "2:8: title", "U+000D (CR)"),
        ('id: x\ntitle: "nul \\0"\n', "2:8: title", "U+0000 (NUL)"),
        ('id: x\ntitle: "next line \\N"\n', "2:8: title", "U+0085"),
        ('id: x\nhints:\n  - ok\n  - "\\u001b[31mred"\n', "4:5: hints[1]", "U+001B (ESC)"),
        ('id: x\n"ke\\ey": 1\n', "2:1", "U+001B (ESC)"),
    ],
    ids=["osc52", "bell", "clear-screen", "c1-csi", "carriage-return", "nul", "nel", "list-item", "key"],
)
def test_a_control_character_written_as_an_escape_is_refused_where_it_is_written(
    text: str, place: str, code: str
) -> None:
    """YAML's reader refuses control characters written as they are; its double-quoted escapes make
    them, and `lessons list` then sent a stranger's ESC sequences (OSC 52 clipboard writes, clear
    screen) to the terminal."""
    assert refuse(text) == (
        f"pack/bad.yaml:{place}: the text holds the control character {code}, written as an escape; "
        "lesson text may not hold control characters (they would drive the terminal it is shown in)"
    )


def test_tabs_and_newlines_written_as_escapes_are_text() -> None:
    tree = load_yaml_bytes(b'id: x\ntitle: "a\\tb\\nc"\n', "pack/ok.yaml")
    assert isinstance(tree, MarkedMap) and tree["title"] == "a\tb\nc"


def test_unclosed_brackets_and_quotes() -> None:
    assert refuse("a: [1, 2\nb: 3\n") == "pack/bad.yaml:2:2: a list opened with '[' is not closed with ']'"
    assert (
        refuse("a: 'abc\nb: 1\n") == "pack/bad.yaml:3:1: a quoted text is not closed; add the closing quote"
    )


def test_directive_is_refused() -> None:
    assert refuse("%TAG ! tag:evil.example,2000:\n---\na: 1\n") == (
        "pack/bad.yaml:1:1: YAML directives (lines starting with %) are not allowed"
    )


def test_complex_key_is_refused() -> None:
    assert refuse("? [a, b]\n: 1\n") == "pack/bad.yaml:1:3: a key must be plain text, not a list or a mapping"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "exercises:\n  - id: a\n    hints: [ok, !!str x]\n",
            "3:17: exercises[0].hints[1]: tags (tag:yaml.org,2002:str) are not allowed; "
            "a lesson file is plain YAML",
        ),
        (
            "a:\n  - b:\n      - {c: *x}\n",
            "3:13: a[0].b[0].c: aliases (*x) are not allowed; write the value out in full",
        ),
        ("a:\n  - &m {b: 1}\n", "2:5: a[0]: anchors (&m) are not allowed; write the value out in full"),
        ("a: [{b: 1, b: 2}]\n", "1:12: a[0]: duplicate key 'b' (first written at line 1)"),
        ("a:\n  - x: 1\n    <<: {y: 2}\n", "3:5: a[0]: merge keys (<<) are not allowed"),
        ("a:\n  - {[x]: 1}\n", "2:6: a[0]: a key must be plain text, not a list or a mapping"),
    ],
)
def test_refusals_deep_inside_name_the_field_path(text: str, message: str) -> None:
    assert refuse(text) == f"pack/bad.yaml:{message}"


def test_a_quoted_merge_key_is_plain_text() -> None:
    assert load_yaml_bytes(b"'<<': 1\n", "f.yaml") == {"<<": "1"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: [1, 2\nb: 3\n", "2:2: a list opened with '[' is not closed with ']'"),
        ("a: {b: 1\n", "2:1: a mapping opened with '{' is not closed with '}'"),
        ('a: "x\n', "2:1: a quoted text is not closed; add the closing quote"),
        ("a:\n\t- x\n", "2:1: a tab is used for indentation; indent with spaces"),
        ("a: >\n x\n\ty\n", "3:1: a tab is used for indentation; indent with spaces"),
        ("a: b: c\n", "1:5: unexpected ':' here: check this line's indentation, or put the text in quotes"),
        ("a:\n  b: 1\n c: 2\n", "3:2: this line's indentation does not line up with the lines above it"),
        ("a:\n  - x\n  y: 2\n", "3:3: this line's indentation does not line up with the lines above it"),
        ("a: b\n- c\n", "2:1: this line's indentation does not line up with the lines above it"),
        ("a: @x\n", "1:4: a value cannot start with '@'; put the text in quotes"),
    ],
)
def test_syntax_errors_are_told_in_our_words(text: str, message: str) -> None:
    """Told from what was being read and where (PyYAML's marks), not from PyYAML's wording."""
    assert refuse(text).startswith(f"pack/bad.yaml:{message}")
