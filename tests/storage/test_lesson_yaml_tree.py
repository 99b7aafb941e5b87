"""The lesson loader reads every well-formed file exactly as PyYAML reads it (with every scalar kept as
text), and puts each node at the line and column PyYAML reports: checked on the bundled library and on
files that use YAML's trickier corners."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from studybuddy.core.lessons.tree import MarkedList, MarkedMap, Node
from studybuddy.storage.lesson_library import bundled_lessons_dir
from studybuddy.storage.lesson_yaml import UTF8_BOM, load_yaml_bytes

TRICKY = {
    "block scalars": (
        "keep: |+\n  kept\n\n"
        "strip: |-\n  stripped\n"
        "folded: >\n  one\n  two\n\n  three\n"
        "indented: |2\n    four spaces\n  two\n"
        "after: x\n"
    ),
    "flow collections": (
        "shape: [3, 4]\n"
        "nested: {a: [1, {b: c}], 'd e': \"f\"}\n"
        "multi_line: [one,\n  two, {three: 3,\n  four: 4}]\n"
        "empty: {}\n"
        "none: []\n"
    ),
    "quoted scalars with escapes": (
        'double: "tab\\there \\u00e9 \\"q\\""\n'
        "single: 'it''s'\n"
        "plain_quote: it's\n"
        "'quoted key': \"x\"\n"
        'folded_quote: "first\n  second"\n'
    ),
    "comments everywhere": (
        "# a heading comment\n"
        "a: 1  # after a value\n"
        "b:  # before a list\n"
        "  # inside\n"
        "  - x # an item\n"
        "  - 'y' # another\n"
        "# trailing\n"
    ),
    "explicit document markers": "---\nid: x\nlist:\n- a\n- b\n...\n",
    "empty values and keys written in full": "a:\nb: ''\nc:\n  d:\n? e\n: f\n",
    "multi-line plain text": "text: first line\n  continues here\n\n  new paragraph\nnext: 1\n",
    "not ASCII": "titre: démonstration de l'égalité\nσ: ½ · x²\nemoji: 🙂 ok\n",
    "nested lists of mappings": "a:\n  - - b: 1\n      c: [2]\n    - d\n  - e: {f: g}\n",
}


def reference(text: str) -> Any:
    """PyYAML's own node tree for ``text``, every scalar left as text (BaseLoader resolves nothing)."""
    return yaml.compose(text, Loader=yaml.BaseLoader)


def assert_same_tree(ours: Node, node: Any, text: str) -> None:
    """``ours`` holds the values and start positions of ``node``, PyYAML's reading of ``text``."""
    lines = text.split("\n")
    pending = [(ours, node)]
    while pending:
        mine, theirs = pending.pop()
        if isinstance(theirs, yaml.MappingNode):
            assert isinstance(mine, MarkedMap) and len(mine) == len(theirs.value)
            assert mine.mark[:2] == position(theirs)
            for key_node, value_node in theirs.value:
                key = key_node.value
                assert mine.key_marks[key][:2] == position(key_node)
                assert mine.value_marks[key][:2] == position(value_node)
                assert_text_column(mine.key_marks[key], key, key_node, lines)
                if isinstance(value_node, yaml.ScalarNode):
                    assert mine[key] == value_node.value
                    assert_text_column(mine.value_marks[key], value_node.value, value_node, lines)
                pending.append((mine[key], value_node))
        elif isinstance(theirs, yaml.SequenceNode):
            assert isinstance(mine, MarkedList) and len(mine) == len(theirs.value)
            assert mine.mark[:2] == position(theirs)
            for item, mark, item_node in zip(mine, mine.item_marks, theirs.value, strict=True):
                assert mark[:2] == position(item_node)
                if isinstance(item_node, yaml.ScalarNode):
                    assert item == item_node.value
                    assert_text_column(mark, item_node.value, item_node, lines)
                pending.append((item, item_node))
        else:
            assert mine == theirs.value


def position(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def assert_text_column(mark: Any, value: str, node: Any, lines: list[str]) -> None:
    """A text column is given exactly when the text can be found at it (so carets land right)."""
    if mark.text_column is not None:
        line = lines[mark.line - 1]
        assert line[mark.text_column - 1 : mark.text_column - 1 + len(value)] == value
    one_line = node.start_mark.line == node.end_mark.line
    if one_line and node.style in ("", None) and value:
        assert mark.text_column == mark.column


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_yaml_reads_as_pyyaml_reads_it(name: str) -> None:
    text = TRICKY[name]
    assert_same_tree(load_yaml_bytes(text.encode(), "f.yaml"), reference(text), text)


def test_a_byte_order_mark_and_windows_line_ends_change_nothing() -> None:
    text = TRICKY["comments everywhere"] + TRICKY["block scalars"]
    crlf = UTF8_BOM + text.replace("\n", "\r\n").encode()
    assert load_yaml_bytes(crlf, "f.yaml") == load_yaml_bytes(text.encode(), "f.yaml")
    assert_same_tree(load_yaml_bytes(crlf, "f.yaml"), reference(text), text)


def test_the_bundled_lessons_read_as_pyyaml_reads_them() -> None:
    files = sorted(Path(bundled_lessons_dir()).rglob("*.yaml"))
    assert len(files) >= 24
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert_same_tree(load_yaml_bytes(file.read_bytes(), file.name), reference(text), text)


def test_the_tricky_values_are_the_text_written() -> None:
    tree = load_yaml_bytes(TRICKY["quoted scalars with escapes"].encode(), "f.yaml")
    assert tree == {
        "double": 'tab\there é "q"',
        "single": "it's",
        "plain_quote": "it's",
        "quoted key": "x",
        "folded_quote": "first second",
    }
    assert isinstance(tree, MarkedMap)
    assert tree.value_marks["single"].text_column is None  # '' is one character written as two
    assert tree.value_marks["plain_quote"].text_column == 14
