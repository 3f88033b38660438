"""A learner's data is theirs: "Download my answers" and "Delete my answers".

One box, shared by both editions:

- the static edition's start page (`twitchlearn.ui.selfstudy`), where the answers are kept in
  this browser;
- the server edition's start page and review page (`twitchlearn.ui.pages`,
  `twitchlearn.ui.review`), for a learner whose answers are saved under a name.

"Download my answers" makes the learner's results in the kernel, as a CSV file in the
columns of the teacher's export (`twitchlearn.export`), and hands it to the browser as a
link. "Delete my answers" asks first; a second click deletes every saved answer and the
review list (`LearnerSession.delete_answers`, recorded in the store's audit trail as asked
by "learner"). Both act on the kernel's session learner only: the page sends a click,
never a name.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from html import escape
from typing import Final

import ipywidgets as widgets

from twitchlearn.errors import StoreError
from twitchlearn.export import export_rows, write_csv
from twitchlearn.identity import Learner
from twitchlearn.session import LearnerSession
from twitchlearn.ui.common import safe_callback

__all__ = ["DOWNLOAD_NAME", "NOT_DELETED", "MyAnswersBox", "answers_csv", "stop_saving"]

DOWNLOAD_NAME: Final = "my-answers.csv"
NOTHING_YET: Final = "You have not answered any questions yet, so there is nothing to save."
NOT_DELETED: Final = (
    "Your answers could not be deleted just now. Try again in a moment. "
    "If it keeps happening, tell your teacher."
)


def answers_csv(session: LearnerSession) -> str:
    """The session learner's results, one row a question and a total, as the teacher's export
    writes them ("" when nothing is saved)."""
    store, learner = session.store, session.learner
    if store is None or not learner.known:
        return ""
    rows = export_rows(store, session.course, learner.class_code, learner=learner.name)
    out = io.StringIO(newline="")
    write_csv(rows, out)
    return out.getvalue()


def stop_saving(session: LearnerSession) -> str:
    """After a delete on the server edition: this page stops saving under the learner's name
    and the browser forgets it, so nothing of theirs is left. Returns the words to add (with
    the hidden marker that clears the `twitchlearn_learner` cookie, as the start page's
    greeting sets it). Under JupyterHub the name is the hub's: it stays."""
    if session.learner.from_hub:
        return " New answers you give are saved under your name again."
    session.learner = Learner("")
    return (
        " This browser has forgotten your name too. To start again, type a name on the "
        'start page.<span class="tl-remember" hidden data-value=""></span>'
    )


def _whose(learner: Learner) -> str:
    """ "Jess in class 7B", for the server edition's messages."""
    where = f" in class {learner.class_code}" if learner.class_code else ""
    return f"{learner.name}{where}"


class MyAnswersBox:
    """The two buttons, the confirm step and a status line. Display `.widget`.

    `in_browser`: the static edition's words (the answers are kept in this browser), else the
    server edition's (the answers saved under the learner's name). `on_deleted` is called with
    how many answers were deleted and returns HTML to add after the message (already
    escaped): the page it sits on tidies up after a delete.
    """

    def __init__(
        self,
        session: LearnerSession,
        *,
        in_browser: bool = False,
        on_deleted: Callable[[int], str] | None = None,
    ) -> None:
        self.session = session
        self.in_browser = in_browser
        self.on_deleted = on_deleted
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
        self.buttons = widgets.HBox([self.download, self.delete])
        self.widget = widgets.VBox([self.buttons, self.confirm_box, self.status])
        self.widget.add_class("tl-my-answers")

    def answers_csv(self) -> str:
        """The learner's results, one row a question and a total, as the export writes them."""
        return answers_csv(self.session)

    def show(self, visible: bool) -> None:
        """Show the buttons (for a learner whose answers are saved) or hide them; the status
        line stays, so a message such as "Done" is still read after a delete."""
        self.buttons.layout.display = "flex" if visible else "none"
        self.confirm_box.layout.display = "none"
        if visible:
            self.status.value = ""

    def _download(self, _button: object) -> None:
        text = self.answers_csv()
        if not text or text.count("\n") <= 1:
            self._say(NOTHING_YET)
            return
        data = base64.b64encode(text.encode("utf-8")).decode("ascii")
        self.status.value = (
            '<p class="tl-download" role="status">Your answers are ready: '
            f'<a download="{DOWNLOAD_NAME}" href="data:text/csv;charset=utf-8;base64,{data}">'
            f"save {DOWNLOAD_NAME}</a> (a table that opens in a spreadsheet).</p>"
        )

    def _ask(self, _button: object) -> None:
        self.confirm_box.layout.display = "flex"
        if self.in_browser:
            what = "every answer saved in this browser"
        else:
            what = f"every answer saved under the name {_whose(self.session.learner)}"
        self._say(f"This deletes {what}, and your review list. It cannot be undone. Are you sure?")

    def _keep(self, _button: object) -> None:
        self.confirm_box.layout.display = "none"
        self._say("Your answers are kept.")

    def _delete(self, _button: object) -> None:
        self.confirm_box.layout.display = "none"
        whose = _whose(self.session.learner)
        try:
            removed = self.session.delete_answers()
        except StoreError:
            self._show_error(NOT_DELETED)
            return
        noun = "answer" if removed == 1 else "answers"
        if self.in_browser:
            said = f"Done: {removed} saved {noun} deleted from this browser."
        else:
            said = f"Done: {removed} saved {noun} of {whose} deleted, and your review list."
        extra = "" if self.on_deleted is None else self.on_deleted(removed)
        self.status.value = f'<p role="status">{escape(said)}{extra}</p>'

    def _say(self, text: str) -> None:
        self.status.value = f'<p role="status">{escape(text)}</p>'

    def _show_error(self, message: str) -> None:
        self.status.value = f'<p role="alert">{escape(message)}</p>'
