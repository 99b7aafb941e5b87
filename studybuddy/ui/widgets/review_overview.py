"""Progress's Reviews part: the cards, retention, reviews due each of the next 14 days, the mistakes
made most and the lessons worth revisiting, exactly as `studybuddy review stats` prints them
(``services.insights.review_overview`` and ``overview_lines``: one path for both)."""

from __future__ import annotations

from textual import work
from textual.message import Message
from textual.widgets import Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.ui.study_app import study_app


class ReviewOverviewView(Static):
    class Loaded(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    @work(thread=True, exclusive=True, group="review-overview")
    def load(self) -> None:
        """Read in a worker (the queue and the mistakes' names read the lesson library)."""
        from studybuddy.services.insights import overview_lines, review_overview

        try:
            text = "\n".join(overview_lines(review_overview(study_app(self).context)))
        except StudybuddyError as error:
            text = f"The reviews cannot be read now: {error}"
        self.post_message(self.Loaded(text))

    def on_review_overview_view_loaded(self, message: Loaded) -> None:
        self.update(message.text)
