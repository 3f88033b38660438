"""`twitchlearn.app.follow`: how many warm kernels each page keeps for the learners on the
page before it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from twitchlearn import load_content, site
from twitchlearn.app.follow import next_pages, pool_targets

ORDER = [page.name for page in site.pages(load_content())]
FOLLOWING = next_pages(ORDER)
OWN = {page: (30 if page == ORDER[0] else 1) for page in ORDER}


def test_each_page_leads_to_the_next_in_course_order() -> None:
    assert FOLLOWING[ORDER[0]] == ORDER[1]  # the start page leads to lesson 1
    assert FOLLOWING["01_what_is_twitching.ipynb"] == "02_causes.ipynb"
    assert ORDER[-1] not in FOLLOWING  # nothing after the review page
    assert len(FOLLOWING) == len(ORDER) - 1


def test_a_class_on_the_start_page_warms_lesson_1() -> None:
    on_start = {f"k{n}": ORDER[0] for n in range(30)}
    targets = pool_targets(on_start, FOLLOWING, OWN, follow_max=30)
    assert targets[ORDER[1]] == 1 + 30
    assert targets[ORDER[2]] == 1  # nobody on lesson 1 yet
    assert pool_targets(on_start, FOLLOWING, OWN, follow_max=10)[ORDER[1]] == 11
    assert pool_targets(on_start, FOLLOWING, OWN, follow_max=0)[ORDER[1]] == 1
    # the kernel cap leaves room for 4 more warm kernels in all
    assert pool_targets(on_start, FOLLOWING, OWN, follow_max=30, room=4)[ORDER[1]] == 5


pages = st.sampled_from(ORDER)


@given(
    learners=st.dictionaries(st.text(min_size=1, max_size=8), pages, max_size=60),
    follow_max=st.integers(-2, 40),
    room=st.none() | st.integers(-5, 80),
)
def test_targets_stay_between_a_pages_own_kernels_and_its_followers(
    learners: dict[str, str], follow_max: int, room: int | None
) -> None:
    targets = pool_targets(learners, FOLLOWING, OWN, follow_max, room)
    assert set(targets) == set(FOLLOWING.values())
    extras = 0
    for page, target in targets.items():
        before = sum(1 for on in learners.values() if FOLLOWING.get(on) == page)
        extra = target - OWN[page]
        assert 0 <= extra <= min(max(0, follow_max), before)
        extras += extra
    if room is not None:
        assert extras <= max(0, room)
    else:  # no cap: every page gets all it may
        for page, target in targets.items():
            before = sum(1 for on in learners.values() if FOLLOWING.get(on) == page)
            assert target == OWN[page] + min(max(0, follow_max), before)
