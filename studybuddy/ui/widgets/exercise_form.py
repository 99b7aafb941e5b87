"""Above the quiz's answer box: how to answer the exercise on screen (services.exercise_form decides).

A choice's options, listed and selectable (a click, or Space on the highlighted one, writes the
letters into the answer box through the ``Chosen`` message; one right option behaves as radio
buttons); a number's tolerance; how a shape is written; which names are vectors and matrices and the
shape the answer has (asked of the grading worker, which the app's process leaves SymPy to); and the
variant on show, with the key that draws another.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import SelectionList, Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.services.exercise_form import ExerciseForm, chosen_letters


class ExerciseFormView(Vertical):
    DEFAULT_CSS = """
    ExerciseFormView { height: auto; padding: 0 1; }
    ExerciseFormView > Static { height: auto; color: $text-muted; }
    ExerciseFormView > #form-variant { color: $accent; }
    ExerciseFormView > SelectionList { height: auto; max-height: 8; margin: 0; border: none; padding: 0; }
    """

    class Chosen(Message):
        """The learner chose options in the list: ``letters`` is the answer to put in the box;
        ``done``: one option is right, so the choice is made (several: the learner goes on choosing)."""

        def __init__(self, letters: str, done: bool) -> None:
            super().__init__()
            self.letters = letters
            self.done = done

    class ShapeRead(Message):
        """The grading worker read the expected answer's shape (``number``: which request it answers)."""

        def __init__(self, number: int, shape: str | None) -> None:
            super().__init__()
            self.number = number
            self.shape = shape

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.form: ExerciseForm | None = None
        self._requests = count(1)
        self._shape_request = 0  # the latest shape asked for; an older answer is dropped

    def compose(self) -> ComposeResult:
        yield Static("", id="form-instruction", markup=False)
        yield SelectionList[int](id="form-options")
        yield Static("", id="form-variant", markup=False)

    def show(self, form: ExerciseForm, variant_key: str) -> None:
        """Show ``form``; ``variant_key`` names the key that draws another variant."""
        self.form = form
        self._shape_request = next(self._requests)  # a shape still on its way is for another exercise
        self._instruction(form.instruction)
        options = self.query_one("#form-options", SelectionList)
        options.clear_options()
        options.display = bool(form.options)
        if form.options:
            options.add_options([(Content(f"{o.letter}) {o.text}"), i) for i, o in enumerate(form.options)])
        variant = self.query_one("#form-variant", Static)
        variant.display = form.variant is not None
        if form.variant is not None:
            variant.update(f"Variant: {form.variant}  ({variant_key} draws another)")

    def _instruction(self, text: str) -> None:
        box = self.query_one("#form-instruction", Static)
        box.update(text)
        box.display = bool(text)

    # ---- choices ----------------------------------------------------------------------------------

    @on(SelectionList.SelectionToggled, "#form-options")
    def _toggled(self, event: SelectionList.SelectionToggled[int]) -> None:
        event.stop()
        options: SelectionList[int] = self.query_one("#form-options", SelectionList)
        form = self.form
        if form is None:
            return
        if not form.several and event.selection.value in options.selected:  # radio: one at a time
            with options.prevent(SelectionList.SelectedChanged, SelectionList.SelectionToggled):
                for index in list(options.selected):
                    if index != event.selection.value:
                        options.deselect(index)
        letters = ", ".join(form.options[index].letter for index in sorted(options.selected))
        self.post_message(self.Chosen(letters, done=not form.several))

    def follow_typed(self, text: str) -> None:
        """The learner typed ``text`` in the answer box: tick the options it names."""
        form = self.form
        if form is None or not form.options:
            return
        options: SelectionList[int] = self.query_one("#form-options", SelectionList)
        wanted = chosen_letters(text, len(form.options))
        if wanted == set(options.selected):
            return
        with options.prevent(SelectionList.SelectedChanged, SelectionList.SelectionToggled):
            options.deselect_all()
            for index in sorted(wanted):
                options.select(index)

    # ---- the shape of a vector or matrix answer --------------------------------------------------------

    def ask_shape(self, read: Callable[[], str | None]) -> None:
        """Show the shape ``read`` gives (run in a thread: it waits for the grading worker)."""
        self._read_shape(self._shape_request, read)

    @work(thread=True, group="answer-shape")
    def _read_shape(self, number: int, read: Callable[[], str | None]) -> None:
        try:
            shape = read()
        except StudybuddyError:
            shape = None  # the grading worker is unavailable: the grade will say so
        self.post_message(self.ShapeRead(number, shape))

    @on(ShapeRead)
    def _shape_read(self, message: ShapeRead) -> None:
        message.stop()
        form = self.form
        if message.number != self._shape_request or form is None or message.shape is None:
            return  # an answer about the exercise before, or a number
        self._instruction(f"The answer is {message.shape}. {form.instruction}")
