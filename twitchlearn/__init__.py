"""twitchlearn: an interactive course on muscle twitching for JupyterLab and Voila.

The public surface is small: load a content folder, grade an answer, and the types
involved. Views live in `twitchlearn.ui`, the command line and the Voila server in
`twitchlearn.app`; nothing here imports a widget library or a server.
"""

from twitchlearn.errors import (
    AnswerError,
    ContentError,
    ContentProblem,
    RiskInputError,
    StoreError,
    TwitchlearnError,
)
from twitchlearn.loading import load_content, load_course, read_content
from twitchlearn.models import (
    Choice,
    ClinicianBox,
    Content,
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
    "Content",
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
    "load_content",
    "load_course",
    "read_content",
]
