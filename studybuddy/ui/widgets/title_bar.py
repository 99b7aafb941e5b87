"""The title line at the top of every screen: the app's name and what is open (a lesson's title)."""

from __future__ import annotations

from textual.content import Content
from textual.events import Click
from textual.widget import Widget

ICON = "∂"


class TitleBar(Widget):
    """What Textual's ``Header`` shows (the icon, the title and the screen's sub-title, centred; a
    click opens the command palette) drawn by one widget: the Header is four widgets with four
    style sheets, on the first paint of every screen."""

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self._title_changed, init=False)
            self.watch(node, "sub_title", self._title_changed, init=False)

    def _title_changed(self) -> None:
        self.refresh()

    def render(self) -> Content:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        heading = app.format_title(title, sub_title)
        # Centred on the whole line, as Textual's header centres it; the icon takes the left end. A
        # heading too long for the line (a lesson's long title at 80 or 100 columns) wraps, whole.
        width = self.content_size.width
        margin = len(ICON) + 2
        room = max(0, width - 2 * margin)
        if heading.cell_length > room:
            return Content.assemble(ICON, " " * (margin - len(ICON)), heading)
        before = (room - heading.cell_length) // 2
        return Content.assemble(
            ICON, " " * (margin - len(ICON) + before), heading, " " * (room - heading.cell_length - before)
        )

    async def on_click(self, event: Click) -> None:
        event.stop()
        await self.run_action("app.command_palette")
