"""`refill_wait`: how long a pool refill waits for a class that is arriving."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from twitchlearn.app.server import refill_wait

times = st.floats(min_value=0, max_value=1e5, allow_nan=False)
spans = st.floats(min_value=0, max_value=100, allow_nan=False)


def test_a_class_arriving_holds_the_refill_then_the_quiet_time_runs() -> None:
    # pages handed kernels and not connected: look again after the quiet time
    assert refill_wait(10, began=9, last_handout=9.5, arriving=True, quiet=2, most=15) == 2
    # all connected; the last hand-out 0.5 s ago: 1.5 s of quiet still to come
    assert refill_wait(10, began=9, last_handout=9.5, arriving=False, quiet=2, most=15) == 1.5
    assert refill_wait(12, began=9, last_handout=9.5, arriving=False, quiet=2, most=15) == 0
    # a page that never connects holds it for `most` seconds at most
    assert refill_wait(24, began=9, last_handout=9.5, arriving=True, quiet=2, most=15) == 0
    assert refill_wait(23, began=9, last_handout=9.5, arriving=True, quiet=2, most=15) == 1


@given(times, spans, spans, st.booleans(), spans, spans)
def test_the_wait_is_bounded_and_ends(
    now: float, since_began: float, since_handout: float, arriving: bool, quiet: float, most: float
) -> None:
    began, last = now - since_began, now - since_handout
    since_began, since_handout = now - began, now - last  # as the function sees them
    wait = refill_wait(
        now, began=began, last_handout=last, arriving=arriving, quiet=quiet, most=most
    )
    assert 0 <= wait <= max(0.0, most - since_began) + 1e-9
    assert wait <= quiet + 1e-9
    if since_began >= most or quiet == 0:
        assert wait == 0
    if not arriving and since_handout >= quiet:
        assert wait == 0
    if arriving and quiet > 0 and since_began < most:
        assert wait > 0
