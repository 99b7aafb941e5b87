"""One bad file among good ones never stops the app (issue 10): a home with broken lessons of every
kind the attacks used, a damaged lesson cache and check record, a bad config file and a diary entry
with impossible dates starts, lists the good lessons, shows each broken one with its error, opens
what can be opened, and quits cleanly. Lesson text that looks like markup is shown as written."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from pilot_support import record_notifications, screen_lines, settle, shown, synchronously, warnings
from textual.widgets import Input, ListView, Tree

from studybuddy.services.context import StudyContext
from studybuddy.ui.app import StudyBuddyApp
from studybuddy.ui.screens.dashboard import DashboardScreen
from studybuddy.ui.screens.dialogs import LessonErrorDialog
from studybuddy.ui.screens.lesson import LessonScreen
from studybuddy.ui.screens.lessons import LessonsScreen

FIXTURES = Path(__file__).parent.parent / "fixtures" / "lessons"
GOOD = (FIXTURES / "sigmoid-derivative.yaml").read_text()
MARKUP_TITLE = "[@click=app.quit]Click me[/] and [b]bold"


def lesson(lesson_id: str, title: str) -> str:
    return GOOD.replace("id: sigmoid-derivative", f"id: {lesson_id}").replace(
        "title: The sigmoid and its derivative s(1 - s)", f"title: {title}"
    )


def shaped(size: str) -> str:
    return lesson(f"shape-{ord(size)}", "Shaped").replace(
        "  x: real\n", f"  x: real\n  W: {{domain: real, shape: [{size}]}}\n"
    )


# file name -> (its text, words its error must show in the list)
BROKEN: dict[str, tuple[str, str]] = {
    "shape-superscript-2.yaml": (shaped("²"), "'²' is not a size written with the digits 0-9"),
    "shape-superscript-5.yaml": (shaped("⁵"), "'⁵' is not a size written with the digits 0-9"),
    "shape-circled-1.yaml": (shaped("①"), "'①' is not a size written with the digits 0-9"),
    "escapes.yaml": (
        lesson("escapes", '"Evil \\e]52;c;ZWNobyBwd25lZA==\\a \\e[2J title"'),
        "2:8: title: the text holds the control character U+001B (ESC)",
    ),
    "tolerance.yaml": (
        lesson("tolerance", "Infinite tolerance").replace(
            "    gradient: {x: s*(1 - s)}\n", "    gradient: {x: s*(1 - s)}\n    tolerance: 1e999\n"
        ),
        "'1e999' is too large to be a number here (it reads as infinity)",
    ),
    "[b]bold.yaml": ("id: a\nid: b\n", "duplicate key 'id' (first written at line 1)"),
}
CONFIGS = {
    "fifo": lambda path: os.mkfifo(path),
    "dev-zero": lambda path: path.symlink_to("/dev/zero"),
    "deep-nesting": lambda path: path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n"),
    "huge-integer": lambda path: path.write_text("[timer]\nminutes = " + "9" * 5_000 + "\n"),
}
IMPOSSIBLE_FRONT_MATTER = {
    "2025-07-01": "created: 2025-13-45",
    "2025-07-02": "tags: 2025-02-30",
    "2025-07-03": "at: 2025-02-03 25:61:61",
    "2025-07-04": "when: 2025-02-03T10:00:00+99:00",
    "2025-07-05": "n: " + "9" * 5_000,
}


def make_home(tmp_path: Path) -> Path:
    """A home where each kind of bad file sits beside good ones."""
    home = tmp_path / "home"
    lessons = home / "lessons"
    lessons.mkdir(parents=True)
    (lessons / "good.yaml").write_text(lesson("my-good", "My good lesson"))
    (lessons / "zeta-own.yaml").write_text(lesson("my-own", "My own lesson"))
    (lessons / "markup.yaml").write_text(lesson("markup", f'"{MARKUP_TITLE}"'))
    StudyContext.open(str(home)).lessons.list()  # a first start: the cache remembers who holds each id
    (lessons / "alpha-new.yaml").write_text(lesson("my-own", "A newcomer with my id"))
    for name, (text, _) in BROKEN.items():
        (lessons / name).write_text(text)
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-TOKEN-abc123\n")
    (lessons / "link.yaml").symlink_to(secret)
    os.mkfifo(lessons / "pipe.yaml")
    # The lesson cache damaged: the good lesson's entry holds an infinite line and an ESC title.
    cache = home / ".cache" / "lesson-index.json"
    document = json.loads(cache.read_text())
    entry = document["lessons"][str(lessons / "good.yaml")]
    entry["summary"][1] = "\x1b]52;c;aGk=\x07"
    entry["summary"][7] = 1e999
    cache.write_text(json.dumps(document))
    (home / ".cache" / "lesson-checks.json").write_text("[" * 100_000 + "]" * 100_000)
    write_diary(home / "diary")
    return home


def write_diary(diary: Path) -> None:
    """A day for each impossible front matter value, and a plain one."""
    diary.mkdir(parents=True, exist_ok=True)
    for day, line in IMPOSSIBLE_FRONT_MATTER.items():
        (diary / f"{day}.md").write_text(f"---\n{line}\n---\nDerived #backprop by hand on {day}.\n")
    (diary / "2025-07-06.md").write_text("Today's #backprop, with plain text.\n")


@pytest.fixture
def start_app(tmp_path, monkeypatch, clock, grader):
    def build(config_damage: str) -> StudyBuddyApp:
        config = tmp_path / "config.toml"
        CONFIGS[config_damage](config)
        monkeypatch.setenv("STUDYBUDDY_CONFIG", str(config))
        monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
        context = StudyContext.open(str(make_home(tmp_path)))
        context.clock = clock
        context.grading = grader
        app = StudyBuddyApp(context)
        record_notifications(app)  # from the start: what on_mount says about the config file
        return app

    return build


def tree_labels(app: Any) -> dict[str, list[str]]:
    """The lesson list as the learner sees it: each top-level node's label -> its leaves' labels (the
    lessons on the path, one row each at the top, under "path"), a lesson's without its place and mark."""
    tree = app.screen.query_one("#lesson-tree", Tree)
    labels: dict[str, list[str]] = {}
    for top in tree.root.children:
        if not top.children and top.data is not None and top.data[0] == "lesson":
            labels.setdefault("path", []).append(lesson_title(top))
            continue
        leaves: list[str] = []
        pending = list(top.children)
        while pending:
            node = pending.pop(0)
            if node.children:
                pending.extend(node.children)
            else:
                leaves.append(lesson_title(node) if node.data[0] == "lesson" else str(node.label))
        labels[str(top.label)] = leaves
    return labels


def lesson_title(node: Any) -> str:
    """A lesson row's label after its place on the path and its stage's mark (' 3 ○ Title')."""
    return str(node.label)[5:] if str(node.label)[4:5] == " " else str(node.label)


def broken_node(app: Any, starts: str) -> Any:
    tree = app.screen.query_one("#lesson-tree", Tree)
    (group,) = [node for node in tree.root.children if str(node.label).startswith("⚠")]
    (node,) = [leaf for leaf in group.children if str(leaf.label).startswith(starts)]
    return node


@pytest.mark.parametrize("config_damage", list(CONFIGS))
@synchronously
async def test_a_home_full_of_bad_files_starts_lists_the_good_shows_the_broken_and_quits(
    start_app, config_damage: str
) -> None:
    app = start_app(config_damage)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await app.library_settled.wait()
        assert isinstance(app.screen, DashboardScreen)
        config_warnings = warnings(app)
        assert any("the whole file is ignored" in message for message in config_warnings), config_warnings

        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)
        labels = tree_labels(app)
        good = [label for group, leaves in labels.items() if not group.startswith("⚠") for label in leaves]
        for title in (
            "My good lesson",
            "My own lesson",
            MARKUP_TITLE,
            "The sigmoid and its derivative s(1 - s)",
        ):
            assert title in good, good
        assert "A newcomer with my id" not in good
        (broken,) = [leaves for group, leaves in labels.items() if group.startswith("⚠")]
        expected = {name: words for name, (_, words) in BROKEN.items()}
        expected["alpha-new.yaml"] = f"the id 'my-own' is already used by {app.context.home.lessons_dir}"
        expected["link.yaml"] = "1:1: is a link to a file outside"
        expected["pipe.yaml"] = "1:1: is a named pipe (FIFO), not a lesson file; it is not read"
        assert len(broken) == len(expected), broken
        for name, words in expected.items():
            (label,) = [label for label in broken if label.startswith(f"{name}: ")]
            assert words in label, label
        assert not any("SECRET" in label or "\x1b" in label or "\x07" in label for label in broken)

        # A broken file opens its error to read, its name shown as written.
        app.screen.query_one("#lesson-tree", Tree).select_node(broken_node(app, "[b]bold.yaml"))
        await settle(app, pilot)
        assert isinstance(app.screen, LessonErrorDialog)
        assert shown(app, ".dialog-title") == "Cannot load [b]bold.yaml"
        assert "[b]bold.yaml:2:1: duplicate key 'id' (first written at line 1)" in shown(app, "#lesson-error")
        await pilot.press("escape")
        await settle(app, pilot)

        # A good lesson whose title looks like markup opens, its title as written.
        await pilot.press(*"markup")
        await settle(app, pilot)
        tree = app.screen.query_one("#lesson-tree", Tree)
        (leaf,) = [node for node in _leaves(tree) if str(node.label).endswith(MARKUP_TITLE)]
        tree.select_node(leaf)
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen)
        assert shown(app, "#lesson-title").startswith(f"{MARKUP_TITLE}  ·  ")

        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


def _leaves(tree: Tree[Any]) -> list[Any]:
    found, pending = [], list(tree.root.children)
    while pending:
        node = pending.pop(0)
        pending.extend(node.children)
        if not node.children:
            found.append(node)
    return found


@synchronously
async def test_typing_in_the_diary_search_survives_front_matter_with_impossible_dates(
    make_app, context
) -> None:
    """Typing in the app's diary search crashed it on an entry whose front matter held `created:
    2025-13-45`, `2025-02-30`, `25:61:61`, a `+99:00` offset or a 5,000-digit integer."""
    write_diary(context.home.diary_dir)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("ctrl+f", *"#backprop")
        await settle(app, pilot)
        assert app.screen.query_one("#diary-search", Input).value == "#backprop"
        days = [item.name for item in app.screen.query_one("#day-list", ListView).children]
        assert sorted(days) == sorted([*IMPOSSIBLE_FRONT_MATTER, "2025-07-06"])
        await pilot.press("ctrl+f", *["backspace"] * 9, *"by hand")
        await settle(app, pilot)
        days = [item.name for item in app.screen.query_one("#day-list", ListView).children]
        assert sorted(days) == sorted(IMPOSSIBLE_FRONT_MATTER)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


MARKUP_LESSON = (
    lesson("markup", f'"{MARKUP_TITLE}"')
    .replace("topic: activations", "topic: '[/] topic'")
    .replace(
        "feedback: Check the sign of the second factor.",
        "feedback: '[/] Check the [@click=app.quit]sign[/] of [red]the second factor.'",
    )
)


@synchronously
async def test_lesson_text_that_looks_like_markup_is_shown_as_written_everywhere(make_app, context) -> None:
    """A lesson's title, topic and feedback are a stranger's text: "[/]" broke the screen showing
    it (MarkupError) and "[@click=app.quit]" made a link that ran an app action. A typed answer too."""
    context.home.lessons_dir.mkdir(parents=True)
    (context.home.lessons_dir / "markup.yaml").write_text(MARKUP_LESSON)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await app.library_settled.wait()
        await pilot.press("ctrl+p", *"Click me")
        await settle(app, pilot)
        palette = "\n".join(screen_lines(app))
        assert "[@click=app.quit]Click me[/] and [b]bold" in palette and "[/] topic" in palette, palette
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen)
        assert (
            shown(app, "#lesson-title") == f"{MARKUP_TITLE}  ·  machine-learning / [/] topic  ·  about 15 min"
        )

        await pilot.press("x")
        await settle(app, pilot)
        assert shown(app, "#exercise-title").startswith(MARKUP_TITLE)
        await pilot.press(*"x[/]")
        await settle(app, pilot)
        assert "x[/]" in shown(app, "#answer-preview")
        await pilot.press(*["backspace"] * 4, *"s*(1 + s)", "enter")
        await settle(app, pilot)
        assert "[/] Check the [@click=app.quit]sign[/] of [red]the second factor." in shown(app, "#verdict")

        await pilot.press("f5")
        await settle(app, pilot)
        progress = "\n".join(screen_lines(app))
        assert "[@click=app.quit]Click me[/] and [b]bold" in progress, progress
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
