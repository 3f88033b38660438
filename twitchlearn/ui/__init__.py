"""Views of the course for JupyterLab and Voila, built from the core.

Notebooks call these; all content and all scoring come from the core.
"""

from twitchlearn.ui.pages import ExplorerPage, LessonPage, StartPage
from twitchlearn.ui.quiz import QuestionView, QuizView
from twitchlearn.ui.review import ReviewView

__all__ = ["ExplorerPage", "LessonPage", "QuestionView", "QuizView", "ReviewView", "StartPage"]
