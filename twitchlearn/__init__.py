"""twitchlearn: an interactive course on muscle twitching for JupyterLab and Voila.

The public surface is small: load the course, grade an answer, and the types involved.
Views live in `twitchlearn.ui`; nothing here imports a widget library.
"""

from twitchlearn.errors import (
    AnswerError,
    ContentError,
    ContentProblem,
    RiskInputError,
    StoreError,
    TwitchlearnError,
)
from twitchlearn.loading import load_course, read_course
from twitchlearn.models import (
    Choice,
    ClinicianBox,
    Course,
    Lesson,
    MatchingQuestion,
    MatchItem,
    MultipleSelectQuestion,
    NumericQuestion,
    Question,
    Section,
    SingleChoiceQuestion,
    Source,
    TrueFalseQuestion,
)
from twitchlearn.scoring import Grade, grade, grade_answer

__all__ = [
    "AnswerError",
    "Choice",
    "ClinicianBox",
    "ContentError",
    "ContentProblem",
    "Course",
    "Grade",
    "Lesson",
    "MatchItem",
    "MatchingQuestion",
    "MultipleSelectQuestion",
    "NumericQuestion",
    "Question",
    "RiskInputError",
    "Section",
    "SingleChoiceQuestion",
    "Source",
    "StoreError",
    "TrueFalseQuestion",
    "TwitchlearnError",
    "grade",
    "grade_answer",
    "load_course",
    "read_course",
]
