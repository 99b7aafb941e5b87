"""The review rating under a right answer: the rating proposed, why, and the next interval on each of
the four choices (1 Again ... 4 Easy); one key changes it, Enter saves it.

The widget only shows and chooses: what is proposed and what each choice schedules come from
``services.reviews.ReviewProposal``; the screen saves (``QuizSession.save_rating``) when the learner
confirms or moves on, with the rating chosen here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from studybuddy.ui.key_hints import bound_key, key_name
from studybuddy.ui.widgets.spread import clickable

if TYPE_CHECKING:
    from fsrs import Rating

    from studybuddy.services.reviews import ReviewProposal


CHOICE_IDS = ("rating.again", "rating.hard", "rating.good", "rating.easy")


class RatingChoice(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(1)", "Again", show=False, id=CHOICE_IDS[0]),
        Binding("2", "choose(2)", "Hard", show=False, id=CHOICE_IDS[1]),
        Binding("3", "choose(3)", "Good", show=False, id=CHOICE_IDS[2]),
        Binding("4", "choose(4)", "Easy", show=False, id=CHOICE_IDS[3]),
        Binding("enter", "confirm", "Save rating", id="rating.save"),
    ]

    class Confirmed(Message):
        """The learner saved the rating (Enter, or a click on the chosen choice)."""

        def __init__(self, proposal: ReviewProposal, rating: Rating) -> None:
            super().__init__()
            self.proposal = proposal
            self.rating = rating

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.proposal: ReviewProposal | None = None
        self.chosen: Rating | None = None
        self.saved_text: str | None = None  # after saving: what was saved
        self.display = False

    def show_proposal(self, proposal: ReviewProposal) -> None:
        """A rating to choose, the proposed one chosen; the keyboard moves here so 1-4 reach it."""
        self.proposal, self.chosen, self.saved_text = proposal, proposal.rating, None
        self.display = True
        self.refresh(layout=True)
        self.focus()

    def take(self) -> tuple[ReviewProposal, Rating] | None:
        """The proposal and the rating chosen, to save now (None: nothing waits); it no longer waits."""
        if self.proposal is None or self.chosen is None:
            return None
        taken = (self.proposal, self.chosen)
        self.proposal = self.chosen = None
        return taken

    def show_saved(self, text: str) -> None:
        self.saved_text = text
        self.display = True
        self.refresh(layout=True)

    def clear(self) -> None:
        self.proposal = self.chosen = self.saved_text = None
        self.display = False

    def action_choose(self, number: int) -> None:
        if self.proposal is None:
            return
        self.chosen = self.proposal.choices[number - 1].rating
        self.refresh()

    def action_confirm(self) -> None:
        taken = self.take()
        if taken is not None:
            self.post_message(self.Confirmed(*taken))

    def on_focus(self) -> None:
        self.refresh()  # the keys are named while they work: when the rating has the keyboard

    def on_blur(self) -> None:
        self.refresh()

    def render(self) -> Content:
        proposal = self.proposal
        if proposal is None:
            return Content(self.saved_text or "")
        keys = {
            choice.rating: bound_key(self.screen, CHOICE_IDS[int(choice.rating) - 1])
            for choice in proposal.choices
        }
        save = bound_key(self.screen, "rating.save")
        if save is not None:
            how = f"{'/'.join(key_name(k) for k in keys.values() if k)} change it, {key_name(save)} saves."
        else:
            how = "Click a choice to change it; it is saved when you move on."
        parts: list[Content | str] = [
            Content.styled(f"Proposed: {proposal.proposed_choice.name}", "bold"),
            f" ({proposal.reason}). {how}\n",
        ]
        for choice in proposal.choices:
            key = keys[choice.rating]
            named = f"{key_name(key)} " if key else ""
            label = Content(f" {named}{choice.name} {choice.interval_text} ")
            if choice.rating == self.chosen:
                label = label.stylize("reverse bold")
            parts += [clickable(label, f"choose({choice.key})"), " "]
        return Content.assemble(*parts)
