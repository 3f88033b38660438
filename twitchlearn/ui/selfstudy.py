"""The static edition's start-page box: what this edition is, and the learner's own answers.

The static edition (twitchlearn.edition) runs in the browser, with the answer key in the
page, so it is for self-study only: no names, no class codes, no teacher views. In place of
"Who is learning?" the start page says so, and offers:

- "Download my answers": the learner's results as a CSV file, in the columns of the
  teacher's export (`twitchlearn.export`), made in the kernel and saved by the browser;
- "Delete my answers": after a second click to confirm, every saved answer is removed from
  this browser (`ProgressStore.forget`).

Both are `twitchlearn.ui.answers.MyAnswersBox`, which the server edition's start page and
review page show too.
"""

from __future__ import annotations

from html import escape
from typing import Final

import ipywidgets as widgets

from twitchlearn.session import LearnerSession
from twitchlearn.ui.answers import DOWNLOAD_NAME, MyAnswersBox

__all__ = ["DOWNLOAD_NAME", "SELF_STUDY", "SelfStudyView"]

SELF_STUDY: Final = (
    "This copy of the course runs in your web browser, for studying on your own. "
    "It has no class codes and no pages for teachers. "
    "Your answers are kept in this browser, on this device only. "
    "The right answers are in this page too, so it is not for tests or marks: "
    "for class work, your teacher uses the class edition of the course."
)


class SelfStudyView:
    """The box that replaces "Who is learning?" in the static edition. Display `.widget`."""

    def __init__(self, session: LearnerSession) -> None:
        self.session = session
        note = widgets.HTML(
            '<section class="tl-self-study" aria-label="Studying on your own">'
            f"<p>{escape(SELF_STUDY)}</p>"
            + (
                f'<p role="alert">{escape(problem)}</p>'
                if (problem := session.tracker.saving_problem())
                else ""
            )
            + "</section>"
        )
        self.answers = MyAnswersBox(session, in_browser=True)
        # The box's parts, by the names the static edition's tests use.
        self.download = self.answers.download
        self.delete = self.answers.delete
        self.confirm = self.answers.confirm
        self.keep = self.answers.keep
        self.confirm_box = self.answers.confirm_box
        self.status = self.answers.status
        self.widget = widgets.VBox([note, self.answers.widget])
        self.widget.add_class("tl-identity")

    def answers_csv(self) -> str:
        """The learner's results, one row a question and a total, as the export writes them."""
        return self.answers.answers_csv()
