"""Who is learning: names that cannot lie (issues 12, 15) and the hub's user (issue 13)."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from twitchlearn.identity import (
    HUB_HEADER_ENV,
    HUB_USER_ENV,
    MAX_LENGTH,
    TEACHER_GROUP_ENV,
    Learner,
    check_name,
    clean_text,
    fold_key,
    hub_user_json,
    learner_from_environment,
)
from twitchlearn.loading import load_content
from twitchlearn.session import LearnerSession
from twitchlearn.ui.pages import StartPage

CONTENT = load_content()

# Any text at all, with the troublemakers made likely: controls, bidi overrides, zero-width
# characters, combining accents, odd spaces and letters whose case folds to several.
TRICKY = "\x00\x07\t\n\r\x1b\x7f\x85\u200b\u200c\u200d\u2060\ufeff\u202e\u202d\u2066\u2069"
TRICKY += "\u00a0\u2028\u3000\u115f\u3164\u0301\u0308e\u00e9\u00dfJjI\u0130 "
NAMES = st.text(st.sampled_from(TRICKY) | st.characters(), max_size=80)


def categories(text: str) -> set[str]:
    return {unicodedata.category(c) for c in text}


@given(NAMES)
@example("\u202eevil\u202c")
@example("a\u0301")
@example("e\u200b\u0301")  # the accent meets its letter only once the zero-width space is gone
def test_a_clean_name_has_no_control_or_invisible_characters_and_is_nfc(raw: str) -> None:
    clean = clean_text(raw)
    assert not categories(clean) & {"Cc", "Cf", "Cs"}
    assert unicodedata.is_normalized("NFC", clean)
    assert "  " not in clean
    assert clean == clean.strip()


@given(NAMES)
def test_cleaning_twice_changes_nothing(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once
    assert check_name(once) == check_name(raw)
    assert fold_key(fold_key(raw)) == fold_key(raw)
    assert Learner(Learner(raw).name) == Learner(raw)


# Letters whose capital folds back to them: not the Turkish dotless i, U+0131 (its capital is "I",
# which folds to "i"); that one is a different letter, not another case of "i".
LETTERS = st.characters(categories=["Lu", "Ll", "Lt", "Nd"]).filter(
    lambda c: c.upper().casefold() == c.casefold() == c.lower().casefold()
)


@given(NAMES)
def test_a_key_is_the_folded_clean_name(raw: str) -> None:
    assert fold_key(raw) == fold_key(raw.casefold()) == fold_key(clean_text(raw))
    assert unicodedata.is_normalized("NFC", fold_key(raw))


@given(st.text(LETTERS, min_size=1, max_size=30))
@example("Jess")
@example("Stra\u00dfe")
def test_a_name_and_its_other_case_share_a_key(name: str) -> None:
    assert fold_key(name.upper()) == fold_key(name.lower()) == fold_key(name)


def test_spellings_of_one_name_share_a_key_and_look_the_same() -> None:
    assert Learner("Jess").key == Learner("jess").key == Learner("JESS").key
    composed, decomposed = "Zo\u00eb", "Zoe\u0308"
    assert Learner(composed).name == Learner(decomposed).name == composed
    assert Learner(composed).key == Learner(decomposed).key
    assert Learner("Jess", "7B").order_key == Learner("jess", "7b").order_key
    assert Learner("Jess").key != Learner("Jessie").key


def test_invisible_characters_cannot_make_a_second_learner_who_looks_the_same() -> None:
    for disguised in [
        "Je\u200bss",
        "Jess\u200d",
        "\ufeffJess",
        "J\u2060ess",
        "Jess\x00",
        "Je\u00adss",
    ]:
        assert Learner(disguised).name == "Jess", repr(disguised)
    # A right-to-left override would show "Jess" typed as "sseJ" reversed: it is dropped.
    assert Learner("\u202esseJ").name == "sseJ"
    assert Learner("  Ann \t\n  Lee  ").name == "Ann Lee"
    assert Learner("Ann\u00a0Lee").name == "Ann Lee"
    assert Learner("\u3164").name == ""
    assert not Learner("\u200b\u200b").known


def test_a_name_that_is_too_long_is_refused_with_a_message_not_cut() -> None:
    at_limit = "a" * MAX_LENGTH
    assert check_name(at_limit).ok
    long_name = "Bartholomew " * 6  # 71 letters once trimmed
    checked = check_name(long_name)
    assert checked.text == long_name.strip()  # not cut
    assert checked.problem == (
        f"Your name has 71 letters. It can have up to {MAX_LENGTH}. Type a shorter name."
    )
    learner = Learner(long_name, "7B")
    assert learner.name == long_name.strip()
    assert not learner.known
    assert learner.problem == checked.problem
    assert learner.query() == ""
    assert learner.order_key == ""
    assert Learner("Ann", "7" * 61).problem == (
        f"Your class code has 61 letters. It can have up to {MAX_LENGTH}. "
        "Type a shorter class code."
    )


def test_the_length_counts_what_is_left_after_cleaning() -> None:
    assert check_name("a" * MAX_LENGTH + "\u200b" * 40 + "   ").ok
    assert check_name("e\u0301" * MAX_LENGTH).ok  # 60 letters once composed


def test_a_url_learner_that_is_too_long_is_anonymous() -> None:
    learner = learner_from_environment({"QUERY_STRING": "learner=" + "a" * 61})
    assert not learner.known
    assert learner.problem is not None


# -- JupyterHub ------------------------------------------------------------------------------


def test_without_a_hub_the_url_names_the_learner() -> None:
    learner = learner_from_environment({"QUERY_STRING": "learner=Ada&class=7B"})
    assert learner == Learner("Ada", "7B", source="url")
    assert not learner.from_hub
    assert learner.query() == "?learner=Ada&class=7B"


def test_per_user_the_learner_is_the_hub_user_whatever_the_url_says() -> None:
    env = {"JUPYTERHUB_USER": "alice", "QUERY_STRING": "learner=mallory&class=7B"}
    learner = learner_from_environment(env)
    assert learner.name == "alice"
    assert learner.class_code == "7B"
    assert learner.from_hub
    assert not learner.is_teacher
    assert learner.query() == "?class=7B"  # the name is the hub's: it does not travel


def test_per_user_groups_name_the_class_and_the_teacher() -> None:
    env = {
        "JUPYTERHUB_USER": "tess",
        HUB_USER_ENV: hub_user_json("tess", False, ["teachers", "class-7B"]),
        "QUERY_STRING": "class=9Z",
    }
    learner = learner_from_environment(env)
    assert (learner.name, learner.class_code, learner.is_teacher) == ("tess", "7B", True)
    assert learner.class_from_hub
    assert learner.query() == ""


def test_per_user_a_description_of_someone_else_is_not_believed() -> None:
    env = {
        "JUPYTERHUB_USER": "alice",
        HUB_USER_ENV: hub_user_json("root", True, ["teachers", "class-7B"]),
    }
    learner = learner_from_environment(env)
    assert (learner.name, learner.class_code, learner.is_teacher) == ("alice", "", False)


def header(name: str, *, admin: bool = False, groups: list[str] | None = None) -> str:
    return json.dumps({"kind": "user", "name": name, "admin": admin, "groups": groups or []})


def test_shared_service_the_learner_is_the_header_user_not_the_url() -> None:
    env = {
        "JUPYTERHUB_SERVICE_NAME": "twitchlearn",
        HUB_HEADER_ENV: header("carol", groups=["class-7B", "class-8C"]),
        "QUERY_STRING": "learner=mallory&class=8C",
    }
    learner = learner_from_environment(env)
    assert (learner.name, learner.class_code) == ("carol", "8C")  # the URL picks one of hers
    env["QUERY_STRING"] = "class=9Z"
    assert learner_from_environment(env).class_code == "7B"  # not hers: her first class


def test_shared_service_without_a_class_group_the_url_class_counts() -> None:
    env = {HUB_HEADER_ENV: header("carol", groups=["chess-club"]), "QUERY_STRING": "class=7B"}
    learner = learner_from_environment(env)
    assert (learner.name, learner.class_code, learner.class_from_hub) == ("carol", "7B", False)


@pytest.mark.parametrize(
    ("groups", "admin", "teacher"),
    [([], True, True), (["teachers"], False, True), (["class-7B"], False, False)],
)
def test_hub_admins_and_the_teacher_group_are_teachers(
    groups: list[str], admin: bool, teacher: bool
) -> None:
    env = {HUB_HEADER_ENV: header("t", admin=admin, groups=groups)}
    assert learner_from_environment(env).is_teacher is teacher


def test_the_prefix_and_the_teacher_group_can_be_configured() -> None:
    env = {
        HUB_HEADER_ENV: header("t", groups=["staff", "form-7B", "class-8C"]),
        "TWITCHLEARN_CLASS_GROUP_PREFIX": "form-",
        TEACHER_GROUP_ENV: "staff",
    }
    learner = learner_from_environment(env)
    assert (learner.class_code, learner.is_teacher) == ("7B", True)


@pytest.mark.parametrize(
    "bad_header",
    [
        "",
        "not json",
        "[]",
        '{"kind": "service", "name": "cron"}',
        '{"kind": "user", "name": ""}',
        '{"kind": "user", "name": 7}',
    ],
)
def test_under_a_hub_with_no_usable_user_the_url_still_names_nobody(bad_header: str) -> None:
    env = {
        "JUPYTERHUB_SERVICE_NAME": "twitchlearn",
        HUB_HEADER_ENV: bad_header,
        "QUERY_STRING": "learner=mallory&class=7B",
    }
    learner = learner_from_environment(env)
    assert not learner.known
    assert learner.from_hub


def test_hub_names_are_cleaned_too() -> None:
    env = {HUB_HEADER_ENV: header("ali\u200bce\u202e", groups=["class-7\u200bB"])}
    learner = learner_from_environment(env)
    assert (learner.name, learner.class_code) == ("alice", "7B")


# -- the start page --------------------------------------------------------------------------


def start_page(learner: Learner) -> tuple[StartPage, Any]:
    page = StartPage(LearnerSession(CONTENT, learner))
    return page, page.who_is_learning()


def test_the_start_page_says_a_typed_name_is_too_long_and_keeps_the_old_one() -> None:
    page, box = start_page(Learner("Ann", "7B"))
    name, _class_code, save, greeting, _my_answers = box.children
    name.value = "Bartholomew " * 6
    save.click()
    assert "Your name has 71 letters. It can have up to 60." in greeting.value
    assert 'role="alert"' in greeting.value
    assert page.session.learner == Learner("Ann", "7B")
    name.value = "Bart\u200b\u202e"
    save.click()
    assert page.session.learner.name == "Bart"
    assert "Hello, Bart!" in greeting.value


def test_the_start_page_says_a_name_in_the_link_is_too_long() -> None:
    _page, box = start_page(learner_from_environment({"QUERY_STRING": "learner=" + "a" * 70}))
    assert "Your name has 70 letters" in box.children[3].value


def test_under_a_hub_the_start_page_shows_the_hub_name_and_cannot_change_it() -> None:
    hub = learner_from_environment({"JUPYTERHUB_USER": "alice", "QUERY_STRING": "class=7B"})
    page, box = start_page(hub)
    name, class_code, save, greeting, _my_answers = box.children
    assert (name.disabled, class_code.disabled, save.disabled) == (True, True, True)
    assert "You are signed in as alice." in greeting.value
    name.value = "mallory"
    save.click()  # a page that sends the click anyway changes nothing
    assert page.session.learner.name == "alice"
    assert "?learner=" not in page.lessons().value
