"""The lesson browser: the learner's path (every lesson in learning order, with its progress) or a tree by
subject and topic, a filter box, the highlighted lesson's progress and prerequisites, and the broken
files with their errors. The path and the progress are read in a thread (``services.learning_path``)
once the library is loaded, and again whenever the screen comes back."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static, Tree
from textual.widgets.tree import TreeNode

from studybuddy.core.errors import StudybuddyError
from studybuddy.core.learning_path import DONE_MEANS, Stage
from studybuddy.ui.key_hints import key_hint
from studybuddy.ui.library import LibraryState
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.study_app import study_app

# The lesson model, the path's reads and the dialogs are imported where they are used (the path in its
# thread; the model is loaded by then, with the library): the app imports this module on the UI thread
# just after its first paint, where every millisecond is one a key pressed then waits for.
if TYPE_CHECKING:
    from studybuddy.services.learning_path import LearnerPath, PathLesson
    from studybuddy.storage.lesson_library import LibraryEntry


def matches(lesson: LibraryEntry, words: list[str]) -> bool:
    tags = lesson.summary.tags if lesson.summary else ()
    haystack = " ".join([lesson.id, lesson.title, lesson.subject, lesson.topic, *tags]).lower()
    return all(word in haystack for word in words)


# What each stage looks like in the list: one character before the title, its words in the details.
STAGE_MARKS = {
    Stage.NOT_STARTED: "○",
    Stage.READING: "◔",
    Stage.SOLVING: "◑",
    Stage.DONE: "✓",
    Stage.MASTERED: "★",
}
LEGEND = "○ not started  ◔ steps read  ◑ exercises solved  ✓ done  ★ mastered"


class LessonsScreen(SectionScreen):
    """Type to filter; Enter or Down moves into the list on the first lesson; Enter opens it."""

    AUTO_FOCUS = "#lesson-filter"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "focus_filter", "Filter", id="lessons.filter"),
        Binding("down", "focus_list", "List", id="lessons.list", show=False),
        Binding("ctrl+o", "toggle_order", "Path/topics", id="lessons.order"),
    ]
    HELP = f"**The path.** Lessons are listed in learning order, each after what it requires. {DONE_MEANS}"

    _listing: tuple[Any, ...] | None = None  # what the list shows: library, lesson ids, order, path, expanded
    by_topic = False  # the list's order: the path (False) or subject and topic (True)
    path: LearnerPath | None = None  # the learner's path, once read

    class PathRead(Message):
        """The path through ``library``'s lessons (None: it could not be read, ``problem`` says why)."""

        def __init__(self, library: LibraryState, path: LearnerPath | None, problem: str | None) -> None:
            super().__init__()
            self.library = library
            self.path = path
            self.problem = problem

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
        elif study_app(self).library.ready:  # back from a lesson: its progress may have moved on
            self.read_path(study_app(self).library)

    async def _mount_tree(self) -> None:
        if self._lesson_tree() is not None:
            return
        tree: Tree[Any] = Tree(Text("Lessons"), id="lesson-tree")
        tree.show_root = False
        pane = self.query_one("#lessons-pane")
        await pane.mount(tree)
        await pane.mount(Static("", id="lesson-detail", markup=False))
        self.watch(self.app, "library", self._library_changed, init=True)

    def _library_changed(self, library: LibraryState) -> None:
        self._show_library(library)
        if library.ready and not library.error:
            self.read_path(library)

    @work(thread=True, exclusive=True, group="lesson-path")
    def read_path(self, library: LibraryState) -> None:
        """In a thread: the path through ``library``, posted with the library it answers."""
        from studybuddy.services.learning_path import learner_path

        try:
            path, problem = learner_path(study_app(self).context.database, library.lessons), None
        except StudybuddyError as error:
            path, problem = None, f"Progress cannot be read: {error}"
        self.post_message(self.PathRead(library, path, problem))

    def on_lessons_screen_path_read(self, message: PathRead) -> None:
        library = study_app(self).library
        if message.library is not library:
            return  # the library was loaded again meanwhile: a newer path is coming
        if message.problem is not None:
            self.notify(message.problem, severity="error", markup=False)
        self.path = message.path
        self._show_library(library)

    def action_toggle_order(self) -> None:
        self.by_topic = not self.by_topic
        self._show_library(study_app(self).library)

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
        path = self.path
        status.update(self._status_text(library, shown, path))
        expanded = bool(words) or len(shown) <= 40
        listing = (library, tuple(lesson.id for lesson in shown), self.by_topic, path, expanded)
        if listing == self._listing:
            return  # a letter that filters out nothing: the list (and the cursor in it) stays
        self._listing = listing
        cursor = tree.cursor_node.data if tree.cursor_node is not None else None
        was_on = cursor[1].id if cursor is not None and cursor[0] == "lesson" else None
        tree.clear()
        if self.by_topic or path is None:
            leaves = self._add_by_topic(tree, shown, expanded)
        else:
            leaves = self._add_by_path(tree, shown, path)
        if library.broken:
            broken_node = tree.root.add(Text("⚠ Broken lesson files"), expand=True)
            for item in library.broken:
                broken_node.add_leaf(Text(f"{item.file_name}: {item.error}"), data=("broken", item))
        if was_on in leaves:  # a new node has its line once the tree has laid its lines out
            self.call_after_refresh(self._put_cursor, tree, leaves[was_on])
        elif tree.has_focus:  # rebuilt while the learner is in the list: the cursor stays on a lesson
            self.action_focus_list()
        self._show_detail(tree.cursor_node)

    def _put_cursor(self, tree: Tree[Any], leaf: TreeNode[Any]) -> None:
        tree.move_cursor(leaf)
        self._show_detail(tree.cursor_node)

    def _status_text(self, library: LibraryState, shown: list[LibraryEntry], path: LearnerPath | None) -> str:
        order = "by topic" if self.by_topic or path is None else "in learning order"
        other = "learning order" if self.by_topic else "by topic"
        total = len(library.lessons)
        counts = f"{len(shown)} of {total} lessons shown" if len(shown) != total else f"{total} lessons"
        if path is not None:
            counts += f", {path.done_count} done"
        if library.broken:
            counts += f", {len(library.broken)} broken"
        lines = [f"{counts}; {order} ({key_hint(self, 'lessons.order')}: {other})"]
        if path is not None:
            lines.append(LEGEND)
            lines += [f"⚠ {problem}" for problem in path.problems]
        return "\n".join(lines)

    def _add_by_topic(
        self, tree: Tree[Any], shown: list[LibraryEntry], expanded: bool
    ) -> dict[str, TreeNode[Any]]:
        leaves = {}
        by_subject: dict[str, dict[str, list[LibraryEntry]]] = defaultdict(lambda: defaultdict(list))
        for lesson in shown:
            by_subject[lesson.subject][lesson.topic].append(lesson)
        for subject in sorted(by_subject):
            subject_node = tree.root.add(Text(subject), expand=True)
            for topic in sorted(by_subject[subject]):
                topic_node = subject_node.add(Text(topic), expand=expanded)
                for lesson in sorted(by_subject[subject][topic], key=lambda item: item.title):
                    label = _label(lesson, self.path.lesson(lesson.id) if self.path else None)
                    leaves[lesson.id] = topic_node.add_leaf(label, data=("lesson", lesson))
        return leaves

    def _add_by_path(
        self, tree: Tree[Any], shown: list[LibraryEntry], path: LearnerPath
    ) -> dict[str, TreeNode[Any]]:
        """One row a lesson, numbered by its place on the whole path (a filter keeps the numbers)."""
        leaves = {}
        entries = {lesson.id: lesson for lesson in shown}
        for on_path in path.lessons:
            lesson = entries.get(on_path.id)
            if lesson is not None:
                leaves[lesson.id] = tree.root.add_leaf(_label(lesson, on_path), data=("lesson", lesson))
        for lesson in shown:  # loaded after the path was read: at the end until it is read again
            if lesson.id not in leaves:
                leaves[lesson.id] = tree.root.add_leaf(_label(lesson, None), data=("lesson", lesson))
        return leaves

    @on(Tree.NodeHighlighted, "#lesson-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Any]) -> None:
        self._show_detail(event.node)

    def _show_detail(self, node: TreeNode[Any] | None) -> None:
        """Under the list: the highlighted lesson's whole title, progress and prerequisites."""
        detail = next(iter(self.query("#lesson-detail").results(Static)), None)
        if detail is None:
            return
        if node is None or node.data is None:
            detail.update(DONE_MEANS)
            return
        kind, item = node.data
        if kind != "lesson":
            detail.update(f"{item.file_name} does not load: {item.error}")
            return
        on_path = self.path.lesson(item.id) if self.path is not None else None
        lines = [_title_line(item)]
        if on_path is None:
            lines.append(f"{item.subject} / {item.topic}")
        else:
            place = f"Lesson {on_path.position} of {len(self.path.lessons) if self.path else '?'} on the path"
            lines.append(f"{place} · {item.topic} · {on_path.progress.describe()}")
            requires = self.path.prerequisites(on_path) if self.path is not None else []
            if requires:
                lines.append(
                    "Requires: " + ", ".join(f"{STAGE_MARKS[need.stage]} {need.title}" for need in requires)
                )
            else:
                lines.append("Requires no other lesson.")
        detail.update("\n".join(lines))

    @on(Tree.NodeSelected, "#lesson-tree")
    def _open(self, event: Tree.NodeSelected[Any]) -> None:
        if event.node.data is None:
            return
        kind, item = event.node.data
        if kind == "lesson":
            from studybuddy.ui.screens.lesson import open_lesson

            open_lesson(self.app, item.id)
        else:
            from studybuddy.ui.screens.dialogs import LessonErrorDialog

            self.app.push_screen(LessonErrorDialog(f"Cannot load {item.file_name}", str(item.error)))


def _label(lesson: LibraryEntry, on_path: PathLesson | None) -> Text:
    """The lesson's place on the path and its stage's mark (when read), its title; one whose last
    `studybuddy lessons check` failed says so."""
    mark = f"{on_path.position:>2} {STAGE_MARKS[on_path.stage]} " if on_path is not None else ""
    if lesson.status == "fails check":
        return Text(f"{mark}{lesson.title}  ✗ fails its check")
    return Text(f"{mark}{lesson.title}")


def _title_line(lesson: LibraryEntry) -> str:
    """The lesson's whole title and how long it takes (a learner fits it into their hour)."""
    from studybuddy.core.lessons.model import describe_minutes

    minutes = describe_minutes(lesson.summary.minutes if lesson.summary else None)
    return f"{lesson.title}  ·  {minutes}" if minutes else lesson.title


def _first_leaf(node: TreeNode[Any]) -> TreeNode[Any] | None:
    for child in node.children:
        if child.data is not None:
            return child
        found = _first_leaf(child)
        if found is not None:
            return found
    return None
