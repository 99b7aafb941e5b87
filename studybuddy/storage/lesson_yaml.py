"""A YAML loader for untrusted lesson files.

Lesson files are shared between people, so this accepts plain YAML and nothing else: no tags (so no
``!!python/...``), no anchors or aliases (so no "billion laughs"), no merge keys, no duplicate keys,
one document, at most 256 KiB and a bounded nesting depth. Every scalar stays the string the author
wrote. The tree is built from parser *events* with an explicit stack: PyYAML's composer and the C
composer both recurse per nesting level, so 30,000 nested ``[`` would exhaust the stack before any
depth check could run; here the depth is checked on each event before anything is built.

A UTF-8 byte order mark is accepted and skipped (Windows editors write one); UTF-16 is refused.
Every error is a :class:`LessonError` reading ``file:line:column: field.path: message``.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml import events

from studybuddy.core.lessons.errors import LessonError, Location
from studybuddy.core.lessons.tree import Mark, MarkedList, MarkedMap, Node

try:  # libyaml's parser emits the same events several times faster than the pure-Python one
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 32  # a lesson needs about 6 levels; the cap only stops hostile files

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_ScalarEvent = events.ScalarEvent
_MappingStart = events.MappingStartEvent
_MappingEnd = events.MappingEndEvent
_SequenceStart = events.SequenceStartEvent
_SequenceEnd = events.SequenceEndEvent
_Alias = events.AliasEvent
_DocumentStart = events.DocumentStartEvent
_DocumentEnd = events.DocumentEndEvent
_StreamEnd = events.StreamEndEvent


def load_yaml_bytes(data: bytes, source: str) -> Node:
    """Parse one lesson file's bytes into a marked tree, or raise LessonError saying where and why."""
    if len(data) > MAX_FILE_BYTES:
        raise _error(
            source,
            1,
            1,
            f"the file is {_size(len(data))}; a lesson file may be at most {_size(MAX_FILE_BYTES)}",
        )
    return load_yaml_text(_decode(data, source), source)


def load_yaml_text(text: str, source: str) -> Node:
    """Parse already-decoded lesson text (see :func:`load_yaml_bytes`)."""
    if not text.strip():
        raise _error(source, 1, 1, "the file is empty; a lesson starts with a line like 'id: my-lesson'")
    parser = _Parser(text)
    try:
        return _build(parser, source)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, source, text) from None
    except yaml.reader.ReaderError as error:
        line, column = _line_column(text, error.position)
        raise _error(source, line, column, _reader_problem(error)) from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


def _decode(data: bytes, source: str) -> str:
    if data.startswith(UTF16_BOMS):
        raise _error(source, 1, 1, "the file is saved as UTF-16; save it as UTF-8")
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", errors="replace")) + 1
        raise _error(
            source,
            line,
            column,
            f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8",
        ) from None


def _build(parser: Any, source: str) -> Node:
    """Turn the event stream into a marked tree with an explicit stack (no recursion)."""
    get_event = parser.get_event
    get_event()  # StreamStart
    start = get_event()
    if type(start) is _StreamEnd:  # only comments or directives
        raise _error(source, 1, 1, "the file is empty; a lesson starts with a line like 'id: my-lesson'")
    if start.tags or start.version:
        raise _error_at(
            source, start.start_mark, "", "YAML directives (lines starting with %) are not allowed"
        )

    # Each frame: [container, last key, its mark, whether a key comes next]; the root sits in a list.
    root: list[Node] = []
    stack: list[list[Any]] = []
    while True:
        event = get_event()
        kind = type(event)
        if kind is _ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                _refuse_anchor_or_tag(event, source, stack)
            mark = event.start_mark
            line = mark.line + 1
            column = mark.column + 1
            value = event.value
            end = event.end_mark
            text_column = None
            if end.line == mark.line:
                width = end.column - mark.column
                if width == len(value):
                    text_column = column
                elif width == len(value) + 2 and event.style in ("'", '"'):
                    text_column = column + 1
            _attach(stack, root, value, Mark(line, column, text_column), source, event)
        elif kind is _MappingStart or kind is _SequenceStart:
            if event.anchor is not None or event.tag is not None:
                _refuse_anchor_or_tag(event, source, stack)
            if len(stack) >= MAX_DEPTH:
                raise _error_at(
                    source, event.start_mark, _path(stack), f"nesting is deeper than {MAX_DEPTH} levels"
                )
            mark = event.start_mark
            node_mark = Mark(mark.line + 1, mark.column + 1)
            node: Node = MarkedMap(node_mark) if kind is _MappingStart else MarkedList(node_mark)
            _attach(stack, root, node, node_mark, source, event)
            stack.append([node, None, None, True])
        elif kind is _MappingEnd or kind is _SequenceEnd:
            stack.pop()
        elif kind is _DocumentEnd:
            break
        elif kind is _Alias:
            raise _error_at(
                source,
                event.start_mark,
                _path(stack),
                f"aliases (*{event.anchor}) are not allowed; write the value out in full",
            )
        else:  # pragma: no cover - the parser emits no other events inside a document
            raise _error_at(source, event.start_mark, _path(stack), "unexpected YAML structure")

    following = get_event()
    if type(following) is not _StreamEnd:
        raise _error_at(
            source,
            following.start_mark,
            "",
            "a lesson file holds one YAML document; remove the second '---' or split the file",
        )
    return root[0]


def _attach(
    stack: list[list[Any]], root: list[Node], value: Node, mark: Mark, source: str, event: Any
) -> None:
    """Put a finished node where it belongs: the root, a list item, a mapping key or a mapping value."""
    if not stack:
        root.append(value)
        return
    frame = stack[-1]
    container = frame[0]
    if type(container) is MarkedList:
        container.append(value)
        container.item_marks.append(mark)
    elif frame[3]:  # this node is a key
        if type(value) is not str:
            raise _error_at(
                source, event.start_mark, _path(stack), "a key must be plain text, not a list or a mapping"
            )
        if value == "<<" and event.style in (None, ""):
            raise _error_at(source, event.start_mark, _path(stack), "merge keys (<<) are not allowed")
        if value in container:
            first = container.key_marks[value]
            raise _error_at(
                source,
                event.start_mark,
                _path(stack),
                f"duplicate key '{value}' (first written at line {first.line})",
            )
        frame[1] = value
        frame[2] = mark
        frame[3] = False
    else:
        key = frame[1]
        container[key] = value
        container.key_marks[key] = frame[2]
        container.value_marks[key] = mark
        frame[3] = True


def _refuse_anchor_or_tag(event: Any, source: str, stack: list[list[Any]]) -> None:
    if event.tag is not None:
        message = f"tags ({event.tag}) are not allowed; a lesson file is plain YAML"
    else:
        message = f"anchors (&{event.anchor}) are not allowed; write the value out in full"
    raise _error_at(source, event.start_mark, _path(stack), message)


def _path(stack: list[list[Any]]) -> str:
    """The field path of the node being read, e.g. ``exercises[2].mistakes[0].answer``."""
    path = ""
    last = len(stack) - 1
    for depth, (container, key, _, expecting_key) in enumerate(stack):
        if type(container) is MarkedList:
            # Enclosing lists already hold the item being read; the innermost one does not yet.
            path += f"[{len(container) - (depth < last)}]"
        elif key is not None and not (depth == last and expecting_key):
            path += f".{key}" if path else key
    return path


def _syntax_error(error: yaml.MarkedYAMLError, source: str, text: str) -> LessonError:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = error.problem or ""
    context = error.context or ""
    at_char = _char_at(text, line, column)
    if "tab" in problem or at_char == "\t":
        message = "a tab is used for indentation; indent with spaces"
    elif "mapping values are not allowed" in problem:
        message = (
            "unexpected ':' here: check this line's indentation, "
            "or put the text in quotes if it contains ': '"
        )
    elif "did not find expected key" in problem or "expected <block end>" in problem:
        message = "this line's indentation does not line up with the lines above it"
    elif "flow sequence" in context:
        message = "a list opened with '[' is not closed with ']'"
    elif "flow mapping" in context:
        message = "a mapping opened with '{' is not closed with '}'"
    elif "quoted scalar" in context:
        message = "a quoted text is not closed; add the closing quote"
    elif "block scalar" in context:
        message = "a block text (| or >) is not indented consistently"
    else:
        message = f"YAML syntax error: {problem or context}"
    return LessonError(message, location=Location(source, line, column))


def _reader_problem(error: yaml.reader.ReaderError) -> str:
    character = error.character
    if isinstance(character, int):
        return f"the character U+{character:04X} is not allowed in a lesson file"
    return f"the file cannot be read as text: {error.reason}"


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line)
    if line - 1 < len(lines) and column - 1 < len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return ""


def _line_column(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _size(n_bytes: int) -> str:
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes / (1024 * 1024):.1f} MB"
    return f"{n_bytes / 1024:.0f} KiB"


def _error(source: str, line: int, column: int, message: str, path: str = "") -> LessonError:
    return LessonError(message, location=Location(source, line, column), path=path)


def _error_at(source: str, mark: Any, path: str, message: str) -> LessonError:
    return _error(source, mark.line + 1, mark.column + 1, message, path)
