"""Views of the course for JupyterLab and Voila, built from the core.

Notebooks call these; all content and all scoring come from the core.
"""

from twitchlearn.ui.pages import LessonPage, StartPage, session
from twitchlearn.ui.quiz import QuestionView, QuizView

__all__ = ["LessonPage", "QuestionView", "QuizView", "StartPage", "session"]
