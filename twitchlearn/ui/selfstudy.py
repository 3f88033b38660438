"""The static edition's start-page box: what this edition is, and the learner's own answers.

The static edition (twitchlearn.edition) runs in the browser, with the answer key in the
page, so it is for self-study only: no names, no class codes, no teacher views. In place of
"Who is learning?" the start page says so, and offers:

- "Download my answers": the learner's results as a CSV file, in the columns of the
  teacher's export (`twitchlearn.export`), made in the kernel and saved by the browser;
- "Delete my answers": after a second click to confirm, every saved answer is removed from
  this browser (`ProgressStore.forget`).
"""

from __future__ import annotations

import base64
import io
from html import escape
from typing import Final

import ipywidgets as widgets

from twitchlearn.export import export_rows, write_csv
from twitchlearn.session import LearnerSession
from twitchlearn.ui.common import safe_callback

__all__ = ["DOWNLOAD_NAME", "SELF_STUDY", "SelfStudyView"]

DOWNLOAD_NAME: Final = "my-answers.csv"
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
        self.download = widgets.Button(description="Download my answers", button_style="primary")
        self.delete = widgets.Button(description="Delete my answers")
        self.confirm = widgets.Button(description="Yes, delete my answers", button_style="danger")
        self.keep = widgets.Button(description="No, keep them")
        self.status = widgets.HTML()
        self.confirm_box = widgets.HBox([self.confirm, self.keep])
        self.confirm_box.layout.display = "none"
        self.download.on_click(safe_callback(self._download, self._show_error))
        self.delete.on_click(safe_callback(self._ask, self._show_error))
        self.confirm.on_click(safe_callback(self._delete, self._show_error))
        self.keep.on_click(safe_callback(self._keep, self._show_error))
        self.widget = widgets.VBox(
            [note, widgets.HBox([self.download, self.delete]), self.confirm_box, self.status]
        )
        self.widget.add_class("tl-identity")

    def answers_csv(self) -> str:
        """The learner's results, one row a question and a total, as the export writes them."""
        store, learner = self.session.store, self.session.learner
        if store is None:
            return ""
        rows = [
            row
            for row in export_rows(store, self.session.course, learner.class_code)
            if row.learner == learner.name
        ]
        out = io.StringIO(newline="")
        write_csv(rows, out)
        return out.getvalue()

    def _download(self, _button: object) -> None:
        text = self.answers_csv()
        if not text or text.count("\n") <= 1:
            self._say("You have not answered any questions yet, so there is nothing to save.")
            return
        data = base64.b64encode(text.encode("utf-8")).decode("ascii")
        self.status.value = (
            '<p class="tl-download" role="status">Your answers are ready: '
            f'<a download="{DOWNLOAD_NAME}" href="data:text/csv;charset=utf-8;base64,{data}">'
            f"save {DOWNLOAD_NAME}</a> (a table that opens in a spreadsheet).</p>"
        )

    def _ask(self, _button: object) -> None:
        self.confirm_box.layout.display = "flex"
        self._say(
            "This deletes every answer saved in this browser, and your review list. "
            "It cannot be undone. Are you sure?"
        )

    def _keep(self, _button: object) -> None:
        self.confirm_box.layout.display = "none"
        self._say("Your answers are kept.")

    def _delete(self, _button: object) -> None:
        self.confirm_box.layout.display = "none"
        store, learner = self.session.store, self.session.learner
        removed = (
            0 if store is None else store.forget(learner.name, learner.class_code, by="learner")
        )
        noun = "answer" if removed == 1 else "answers"
        self._say(f"Done: {removed} saved {noun} deleted from this browser.")

    def _say(self, text: str) -> None:
        self.status.value = f'<p role="status">{escape(text)}</p>'

    def _show_error(self, message: str) -> None:
        self.status.value = f'<p role="alert">{escape(message)}</p>'
