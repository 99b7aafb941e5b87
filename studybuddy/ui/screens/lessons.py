"""The lesson browser: a tree by subject and topic, a filter box, and the broken files with their errors."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static, Tree
from textual.widgets.tree import TreeNode

from studybuddy.ui.library import LibraryState
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.screens.dialogs import LessonErrorDialog
from studybuddy.ui.study_app import study_app

if TYPE_CHECKING:
    from studybuddy.storage.lesson_library import LibraryEntry


def matches(lesson: LibraryEntry, words: list[str]) -> bool:
    tags = lesson.summary.tags if lesson.summary else ()
    haystack = " ".join([lesson.id, lesson.title, lesson.subject, lesson.topic, *tags]).lower()
    return all(word in haystack for word in words)


class LessonsScreen(SectionScreen):
    """Type to filter; Enter or Down moves into the list on the first lesson; Enter opens it."""

    AUTO_FOCUS = "#lesson-filter"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "focus_filter", "Filter", id="lessons.filter"),
        Binding("down", "focus_list", "List", id="lessons.list", show=False),
    ]

    _listing: tuple[Any, ...] | None = None  # what the list shows: library, lesson ids, expanded

    def compose_body(self) -> ComposeResult:
        with Vertical(id="lessons-pane"):
            yield Input(placeholder="Filter lessons: title, topic, tag…", id="lesson-filter")
            yield Static("Loading the lesson library…", id="library-status", markup=False)

    def on_screen_resume(self) -> None:
        # The list is mounted after the screen's first frame (drawn while Textual handles this same
        # event, after this handler): the section key repaints with the filter box, where typing can
        # start, and the list follows a frame later. A Tree is the costliest widget here to style and
        # draw, and the key's whole budget is 50 ms.
        if self._lesson_tree() is None:
            self.call_later(self._mount_tree)

    async def _mount_tree(self) -> None:
        if self._lesson_tree() is not None:
            return
        tree: Tree[Any] = Tree(Text("Lessons"), id="lesson-tree")
        tree.show_root = False
        await self.query_one("#lessons-pane").mount(tree)
        self.watch(self.app, "library", self._show_library, init=True)

    def action_focus_filter(self) -> None:
        self.query_one("#lesson-filter", Input).focus()

    @on(Input.Changed, "#lesson-filter")
    def _filter_changed(self) -> None:
        self._show_library(study_app(self).library)

    @on(Input.Submitted, "#lesson-filter")
    def _filter_submitted(self) -> None:
        self.action_focus_list()

    def action_focus_list(self) -> None:
        """Into the tree, with the cursor on the first lesson (not on a subject, where Enter folds)."""
        tree = self._lesson_tree()
        if tree is None:
            return
        tree.focus()
        cursor = tree.cursor_node
        if cursor is None or cursor.data is None:
            first = _first_leaf(tree.root)
            if first is not None:
                tree.move_cursor(first)

    def _lesson_tree(self) -> Tree[Any] | None:
        """The list, once mounted (a key pressed in the screen's first frame comes before it)."""
        return next(iter(self.query("#lesson-tree").results(Tree)), None)

    def _show_library(self, library: LibraryState) -> None:
        status = self.query_one("#library-status", Static)
        tree = self._lesson_tree()
        if tree is None or not library.ready:
            return
        if library.error:
            status.update(f"The lesson library could not be loaded: {library.error}")
            return
        words = self.query_one("#lesson-filter", Input).value.lower().split()
        shown = [lesson for lesson in library.lessons if matches(lesson, words)]
        status.update(
            f"{len(shown)} of {len(library.lessons)} lessons"
            + (f", {len(library.broken)} broken" if library.broken else "")
        )
        expanded = bool(words) or len(shown) <= 40
        listing = (library, tuple(lesson.id for lesson in shown), expanded)
        if listing == self._listing:
            return  # a letter that filters out nothing: the list (and the cursor in it) stays
        self._listing = listing
        cursor = tree.cursor_node.data if tree.cursor_node is not None else None
        was_on = cursor[1].id if cursor is not None and cursor[0] == "lesson" else None
        tree.clear()
        by_subject: dict[str, dict[str, list[LibraryEntry]]] = defaultdict(lambda: defaultdict(list))
        for lesson in shown:
            by_subject[lesson.subject][lesson.topic].append(lesson)
        for subject in sorted(by_subject):
            subject_node = tree.root.add(Text(subject), expand=True)
            for topic in sorted(by_subject[subject]):
                topic_node = subject_node.add(Text(topic), expand=expanded)
                for lesson in sorted(by_subject[subject][topic], key=lambda item: item.title):
                    leaf = topic_node.add_leaf(_label(lesson), data=("lesson", lesson))
                    if lesson.id == was_on:
                        tree.move_cursor(leaf)
        if library.broken:
            broken_node = tree.root.add(Text("⚠ Broken lesson files"), expand=True)
            for item in library.broken:
                broken_node.add_leaf(Text(f"{item.file_name}: {item.error}"), data=("broken", item))
        if tree.has_focus:  # rebuilt while the learner is in the list: the cursor stays on a lesson
            self.action_focus_list()

    @on(Tree.NodeSelected, "#lesson-tree")
    def _open(self, event: Tree.NodeSelected[Any]) -> None:
        if event.node.data is None:
            return
        kind, item = event.node.data
        if kind == "lesson":
            from studybuddy.ui.screens.lesson import open_lesson

            open_lesson(self.app, item.id)
        else:
            self.app.push_screen(LessonErrorDialog(f"Cannot load {item.file_name}", str(item.error)))


def _label(lesson: LibraryEntry) -> Text:
    """The lesson's title; one whose last `studybuddy lessons check` failed says so."""
    if lesson.status == "fails check":
        return Text(f"{lesson.title}  ✗ fails its check")
    return Text(lesson.title)


def _first_leaf(node: TreeNode[Any]) -> TreeNode[Any] | None:
    for child in node.children:
        if child.data is not None:
            return child
        found = _first_leaf(child)
        if found is not None:
            return found
    return None
