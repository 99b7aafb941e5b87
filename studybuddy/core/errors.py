"""The one base class for errors a user should read (never a traceback)."""


class StudybuddyError(Exception):
    """An error with a message written for the person using studybuddy.

    The CLI prints ``str(error)`` and exits non-zero; the TUI shows it in a toast or a dialog.
    """
