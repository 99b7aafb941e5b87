"""Above the quiz's answer box: how to answer the exercise on screen (services.exercise_form decides).

A choice's options, listed and selectable (typing their letters ticks them; a click on one ticks
it and writes the letters into the answer box through the ``Chosen`` message; one right option
behaves as radio buttons); a number's tolerance; how a shape is written; which names are vectors
and matrices and the shape the answer has (asked of the grading worker: the app's process leaves
SymPy to it); and the variant on show, with the key that draws another.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.style import Style as VisualStyle
from textual.widgets import Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.services.exercise_form import ChoiceOption, ExerciseForm, chosen_letters, number_placeholder


class OptionRow(Static, can_focus=True):
    """One option of a choice: ``[x] b) text``; a click on it, or Space or Enter when Tab has reached
    it, chooses it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,enter", "choose", "Choose", show=False, id="quiz.choose"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"option-row--code"}
    DEFAULT_CSS = """
    OptionRow { height: auto; padding: 0 1; }
    OptionRow:hover { background: $boost; }
    OptionRow:focus { background: $boost; text-style: underline; }
    OptionRow.-chosen { color: $accent; text-style: bold; }
    /* inline code as the lesson's Markdown shows it (Textual's MarkdownBlock > .code_inline) */
    OptionRow:dark > .option-row--code { background: $warning 10%; color: $text-warning 95%; }
    OptionRow:light > .option-row--code { background: $error 5%; color: $text-error 95%; }
    OptionRow:ansi > .option-row--code { background: ansi_default; }
    """

    class Clicked(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, index: int, option: ChoiceOption) -> None:
        super().__init__(markup=False)  # an option's text is the lesson's, never markup
        self.index = index
        self.option = option
        self.label = f"{option.letter}) {option.shown}"
        self.chosen = False
        self.styled = False  # the code's style comes from the theme: known once mounted

    def on_mount(self) -> None:
        self.styled = True
        self.tick(self.chosen)

    def tick(self, chosen: bool) -> None:
        self.chosen = chosen
        self.set_class(chosen, "-chosen")
        if not self.styled:
            return
        code = self.code_style()
        lead = ("[x] " if chosen else "[ ] ") + f"{self.option.letter}) "
        shown = Content.assemble(
            lead, *((text, code) if is_code else text for text, is_code in self.option.parts)
        )
        self.update(shown)

    def code_style(self) -> VisualStyle:
        """Inline code's colours (blended over whatever background the row has when drawn)."""
        return self.get_visual_style("option-row--code", partial=True)

    def focus_on_click(self) -> bool:
        return False  # a click chooses; the answer box keeps the focus, so Enter checks the choice

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_choose()

    def action_choose(self) -> None:
        self.post_message(self.Clicked(self.index))


class ExerciseFormView(Vertical):
    DEFAULT_CSS = """
    ExerciseFormView { height: auto; padding: 0 1; }
    ExerciseFormView > Static { height: auto; color: $text-muted; }
    ExerciseFormView > #form-variant { color: $accent; }
    ExerciseFormView > #form-options { height: auto; }
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

    class ExamplesChosen(Message):
        """The grading worker chose a number's examples for the exercise on screen: ``placeholder``
        is the answer box's."""

        def __init__(self, placeholder: str) -> None:
            super().__init__()
            self.placeholder = placeholder

    class _ExamplesRead(Message):
        def __init__(self, number: int, examples: tuple[str, ...] | None) -> None:
            super().__init__()
            self.number = number
            self.examples = examples

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.form: ExerciseForm | None = None
        self._requests = count(1)
        self._shape_request = 0  # the latest shape asked for; an older answer is dropped
        self.chosen: set[int] = set()  # the options ticked (0-based)

    def compose(self) -> ComposeResult:
        yield Static("", id="form-instruction", markup=False)
        yield Vertical(id="form-options")
        yield Static("", id="form-variant", markup=False)

    def show(self, form: ExerciseForm, variant_key: str) -> None:
        """Show ``form``; ``variant_key`` names the key that draws another variant."""
        self.form = form
        self._shape_request = next(self._requests)  # a shape still on its way is for another exercise
        self._instruction(form.instruction)
        self.chosen = set()
        options = self.query_one("#form-options", Vertical)
        options.remove_children()
        options.display = bool(form.options)
        options.mount_all(OptionRow(i, option) for i, option in enumerate(form.options))
        variant = self.query_one("#form-variant", Static)
        variant.display = form.variant is not None
        if form.variant is not None:
            variant.update(f"Variant: {form.variant}  ({variant_key} draws another)")

    def _instruction(self, text: str) -> None:
        box = self.query_one("#form-instruction", Static)
        box.update(text)
        box.display = bool(text)

    # ---- choices ----------------------------------------------------------------------------------

    @on(OptionRow.Clicked)
    def _clicked(self, message: OptionRow.Clicked) -> None:
        message.stop()
        form = self.form
        if form is None:
            return
        if message.index in self.chosen:
            chosen = self.chosen - {message.index}
        else:
            chosen = (self.chosen if form.several else set()) | {message.index}  # one right: radio
        self._show_chosen(chosen)
        letters = ", ".join(form.options[index].letter for index in sorted(chosen))
        self.post_message(self.Chosen(letters, done=not form.several))

    def follow_typed(self, text: str) -> None:
        """The learner typed ``text`` in the answer box: tick the options it names."""
        form = self.form
        if form is not None and form.options:
            self._show_chosen(chosen_letters(text, len(form.options)))

    def _show_chosen(self, chosen: set[int]) -> None:
        if chosen == self.chosen:
            return
        self.chosen = chosen
        for row in self.query(OptionRow):
            row.tick(row.index in chosen)

    # ---- a number's examples, never its answer (the grading worker compares them) ----------------------

    def ask_examples(self, read: Callable[[], tuple[str, ...] | None]) -> None:
        """Choose the examples ``read`` gives (run in a thread: it waits for the grading worker)."""
        self._read_examples(self._shape_request, read)

    @work(thread=True, group="answer-examples")
    def _read_examples(self, number: int, read: Callable[[], tuple[str, ...] | None]) -> None:
        try:
            examples = read()
        except StudybuddyError:
            examples = None  # the grading worker is unavailable: the box keeps its plain placeholder
        self.post_message(self._ExamplesRead(number, examples))

    @on(_ExamplesRead)
    def _examples_read(self, message: _ExamplesRead) -> None:
        message.stop()
        if message.number != self._shape_request or message.examples is None:
            return  # chosen for the exercise before
        self.post_message(self.ExamplesChosen(number_placeholder(message.examples)))

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
