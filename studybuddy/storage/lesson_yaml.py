"""A YAML loader for untrusted lesson files.

Lesson files are shared between people, so this accepts plain YAML and nothing else: no tags (so no
``!!python/...``), no anchors or aliases (so no "billion laughs"), no merge keys, no duplicate keys,
one document, at most 256 KiB and a bounded nesting depth. Every scalar stays the string the author
wrote. The tree is built from parser *events* with an explicit stack: PyYAML's composer and the C
composer both recurse per nesting level, so 30,000 nested ``[`` would exhaust the stack before any
depth check could run; here the depth is checked on each event before anything is built. (The C
composer is not faster either: its nodes are Python objects built just as events are, and walking
them afterwards cost more than building the tree as the events arrive: 55 ms against 47 ms for
200 lessons. It also crashes the process on some 30,000 nested ``[``.)

The project's limits are the ones a learner is told about, whatever PyYAML's release does: libyaml
has limits of its own (PyYAML 6.0.4's stops 1,000 nested ``[`` in its scanner, before the first event
reaches the depth check here, with its own wording). So when the fast parser refuses a file, the file
is read again by PyYAML's pure-Python parser, event by event through the same checks: our own limit
speaks first when it is what the file breaks, and a real syntax error is reported as ours.

A UTF-8 byte order mark is accepted and skipped (Windows editors write one); UTF-16 is refused.
YAML refuses control characters written as they are, but its double-quoted escapes (``"\\e"``, ``"\\a"``,
``"\\x9b"``) make them: a scalar holding one is refused here, at its line and column, since lesson
text is shown in terminals and a stranger's ESC could clear the screen or write the clipboard.
Every error is a :class:`LessonError` reading ``file:line:column: field.path: message``.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml import events

from studybuddy.core.lessons.errors import LessonError, Location
from studybuddy.core.lessons.tree import Mark, MarkedList, MarkedMap, Node
from studybuddy.core.terminal_text import has_control_character

try:  # libyaml's parser emits the same events several times faster than the pure-Python one
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]
# Reads again a file the fast parser refused: the same events, no limits but ours (see above).
_CheckingParser = yaml.SafeLoader

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
    try:
        return _parse(_Parser, text, source)
    except yaml.MarkedYAMLError as error:
        if _Parser is _CheckingParser:
            raise _syntax_error(error, source, text) from None
    # Refused by libyaml: read again through the same checks (see the module docstring). Either a
    # limit of ours is what the file breaks, or this gives the syntax error, or (a limit of
    # libyaml's alone) the tree.
    try:
        return _parse(_CheckingParser, text, source)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, source, text) from None


def _parse(parser_class: Any, text: str, source: str) -> Node:
    """Build the tree with ``parser_class``; a reader error (a character YAML forbids) is ours."""
    try:
        parser = parser_class(text)  # the pure-Python reader checks every character here
        try:
            return _build(parser, source)
        finally:
            dispose = getattr(parser, "dispose", None)
            if dispose is not None:
                dispose()
    except yaml.reader.ReaderError as error:
        line, column = _line_column(text, error.position)
        raise _error(source, line, column, _reader_problem(error)) from None


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
    """Turn the event stream into a marked tree with an explicit stack (no recursion).

    This loop runs once per scalar of every lesson at start-up, so it keeps the container being
    filled in local variables and saves the enclosing ones on ``stack`` only when a child opens.
    """
    get_event = parser.get_event
    get_event()  # StreamStart
    start = get_event()
    if type(start) is _StreamEnd:  # only comments or directives
        raise _error(source, 1, 1, "the file is empty; a lesson starts with a line like 'id: my-lesson'")
    if start.tags or start.version:
        raise _error_at(
            source, start.start_mark, "", "YAML directives (lines starting with %) are not allowed"
        )

    new_mark = tuple.__new__  # Mark(...) without a Python-level __new__ call
    # The container being filled: a list, or a mapping with the key read so far (None: a key comes
    # next) and that key's mark. The document itself is the single item of a plain list.
    root: list[Node] = []
    container: Any = root
    item_marks: list[Mark] = []
    is_map = False
    key: str | None = None
    key_mark: Mark | None = None
    stack: list[tuple[Any, list[Mark], bool, str | None, Mark | None]] = []
    while True:
        event = get_event()
        kind = type(event)
        if kind is _ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise _anchor_or_tag_error(event, source, _path(stack, container, key))
            start_mark = event.start_mark
            value = event.value
            if has_control_character(value):
                raise _control_character_error(event, source, _path(stack, container, key))
            column = start_mark.column + 1
            text_column = None
            end_mark = event.end_mark
            if end_mark.line == start_mark.line:
                width = end_mark.column - start_mark.column
                if width == len(value):
                    text_column = column
                elif width == len(value) + 2 and (event.style == "'" or event.style == '"'):
                    text_column = column + 1
            mark = new_mark(Mark, (start_mark.line + 1, column, text_column))
            if not is_map:
                container.append(value)
                item_marks.append(mark)
            elif key is None:
                if value in container or (value == "<<" and not event.style):
                    raise _key_error(value, container, event, source, _path(stack, container, key))
                key = value
                key_mark = mark
            else:
                container[key] = value
                container.key_marks[key] = key_mark
                container.value_marks[key] = mark
                key = None
        elif kind is _MappingStart or kind is _SequenceStart:
            if event.anchor is not None or event.tag is not None:
                raise _anchor_or_tag_error(event, source, _path(stack, container, key))
            start_mark = event.start_mark
            if len(stack) >= MAX_DEPTH:
                raise _error_at(
                    source,
                    start_mark,
                    _path(stack, container, key),
                    f"nesting is deeper than {MAX_DEPTH} levels",
                )
            mark = new_mark(Mark, (start_mark.line + 1, start_mark.column + 1, None))
            node: Any = MarkedMap(mark) if kind is _MappingStart else MarkedList(mark)
            if not is_map:
                container.append(node)
                item_marks.append(mark)
            elif key is None:
                raise _error_at(
                    source,
                    start_mark,
                    _path(stack, container, key),
                    "a key must be plain text, not a list or a mapping",
                )
            else:
                container[key] = node
                container.key_marks[key] = key_mark
                container.value_marks[key] = mark
            stack.append((container, item_marks, is_map, key, key_mark))
            container = node
            is_map = kind is _MappingStart
            item_marks = [] if is_map else node.item_marks  # a mapping marks its keys and values instead
            key = None
        elif kind is _MappingEnd or kind is _SequenceEnd:
            container, item_marks, is_map, _, _ = stack.pop()
            key = None  # a finished child was a list item or a mapping value: a key comes next
        elif kind is _DocumentEnd:
            break
        elif kind is _Alias:
            raise _error_at(
                source,
                event.start_mark,
                _path(stack, container, key),
                f"aliases (*{event.anchor}) are not allowed; write the value out in full",
            )
        else:  # pragma: no cover - the parser emits no other events inside a document
            raise _error_at(
                source, event.start_mark, _path(stack, container, key), "unexpected YAML structure"
            )

    following = get_event()
    if type(following) is not _StreamEnd:
        raise _error_at(
            source,
            following.start_mark,
            "",
            "a lesson file holds one YAML document; remove the second '---' or split the file",
        )
    return root[0]


def _anchor_or_tag_error(event: Any, source: str, path: str) -> LessonError:
    if event.tag is not None:
        message = f"tags ({event.tag}) are not allowed; a lesson file is plain YAML"
    else:
        message = f"anchors (&{event.anchor}) are not allowed; write the value out in full"
    return _error_at(source, event.start_mark, path, message)


_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "backspace", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL"}


def _control_character_error(event: Any, source: str, path: str) -> LessonError:
    found = has_control_character(event.value)
    assert found is not None
    code = ord(found[0])
    name = f" ({_CONTROL_NAMES[code]})" if code in _CONTROL_NAMES else ""
    return _error_at(
        source,
        event.start_mark,
        path,
        f"the text holds the control character U+{code:04X}{name}, written as an escape; lesson text "
        "may not hold control characters (they would drive the terminal it is shown in)",
    )


def _key_error(key: str, mapping: MarkedMap, event: Any, source: str, path: str) -> LessonError:
    if key == "<<" and not event.style:
        return _error_at(source, event.start_mark, path, "merge keys (<<) are not allowed")
    first = mapping.key_marks[key]
    return _error_at(
        source, event.start_mark, path, f"duplicate key '{key}' (first written at line {first.line})"
    )


def _path(stack: list[tuple[Any, ...]], container: Any, key: str | None) -> str:
    """The field path of the node being read, e.g. ``exercises[2].mistakes[0].answer``."""
    path = ""
    # Enclosing lists already hold the child being read; the innermost container does not yet.
    # The bottom of the stack is the plain list holding the document: it adds nothing to the path.
    frames = [(frame[0], frame[3], 1) for frame in stack] + [(container, key, 0)]
    for frame_container, frame_key, holds_child in frames:
        if type(frame_container) is MarkedList:
            path += f"[{len(frame_container) - holds_child}]"
        elif frame_key is not None:
            path += f".{frame_key}" if path else frame_key
    return path


def _syntax_error(error: yaml.MarkedYAMLError, source: str, text: str) -> LessonError:
    """Our message for a YAML syntax error, told from the characters at PyYAML's marks (what was being
    read, and where it went wrong), never from the wording of PyYAML's message, which may change."""
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    at_char = _char_at(text, line, column)
    opened = error.context_mark
    opener = _char_at(text, opened.line + 1, opened.column + 1) if opened else ""
    if at_char == "\t":
        message = "a tab is used for indentation; indent with spaces"
    elif opener in _UNCLOSED:
        message = _UNCLOSED[opener]
    elif at_char == ":":
        message = (
            "unexpected ':' here: check this line's indentation, "
            "or put the text in quotes if it contains ': '"
        )
    elif opened is not None and mark is not None and opened.line < mark.line:
        message = "this line's indentation does not line up with the lines above it"
    elif at_char in ("@", "`", "%"):
        message = f"a value cannot start with '{at_char}'; put the text in quotes"
    else:
        message = f"YAML syntax error: {error.problem or error.context}"
    return LessonError(message, location=Location(source, line, column))


_UNCLOSED = {
    "[": "a list opened with '[' is not closed with ']'",
    "{": "a mapping opened with '{' is not closed with '}'",
    "'": "a quoted text is not closed; add the closing quote",
    '"': "a quoted text is not closed; add the closing quote",
    "|": "a block text (| or >) is not indented consistently",
    ">": "a block text (| or >) is not indented consistently",
}


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
