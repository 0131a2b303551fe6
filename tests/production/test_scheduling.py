"""The finite-capacity planner (pure function)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from production.scheduling import Job, plan

MONDAY = date(2026, 3, 2)


def capacity(lines=2, days=60, per_day=1000, sundays_off=True):
    result = {}
    for line in range(1, lines + 1):
        result[line] = {
            MONDAY + timedelta(days=n): (
                0 if sundays_off and (MONDAY + timedelta(days=n)).weekday() == 6 else per_day
            )
            for n in range(days)
        }
    return result


jobs_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=5000),  # load
        st.integers(min_value=0, max_value=40),  # due offset
        st.integers(min_value=0, max_value=2),  # priority
        st.sampled_from(["S1", "S2", "S3"]),
        st.one_of(st.none(), st.integers(min_value=1, max_value=3)),  # pinned line
        st.one_of(st.none(), st.integers(min_value=0, max_value=20)),  # not before
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(jobs_strategy, st.integers(min_value=100, max_value=1500))
def test_no_line_is_ever_booked_past_its_capacity(raw_jobs, per_day):
    cap = capacity(lines=3, per_day=per_day)
    jobs = [
        Job(
            key=n,
            load=load,
            due=MONDAY + timedelta(days=due),
            priority=priority,
            style=style,
            pinned_line=pinned,
            not_before=None if start is None else MONDAY + timedelta(days=start),
        )
        for n, (load, due, priority, style, pinned, start) in enumerate(raw_jobs)
    ]
    result = plan(jobs, cap, changeover_minutes=90)
    for line, per_line in result.booked().items():
        for day, minutes in per_line.items():
            assert minutes <= cap[line][day]
    assert set(result.bookings) | set(result.unplaced) == {job.key for job in jobs}


def test_a_job_that_fits_one_day_books_exactly_its_load():
    result = plan([Job(key=1, load=600, due=MONDAY)], capacity(lines=1))
    booking = result.bookings[1]
    assert (booking.start, booking.finish, booking.days) == (MONDAY, MONDAY, {MONDAY: 600})


def test_jobs_follow_each_other_on_a_line_and_late_ones_say_how_late():
    jobs = [
        Job(key=1, load=2500, due=MONDAY + timedelta(days=5)),
        Job(key=2, load=1000, due=MONDAY),
    ]
    result = plan(jobs, capacity(lines=1), changeover_minutes=0)
    # Job 2 is due first, so it goes first (Monday); job 1 runs Tuesday to Thursday noon.
    assert result.bookings[2].finish == MONDAY
    assert result.bookings[1].start == MONDAY + timedelta(days=1)
    assert result.bookings[1].finish == MONDAY + timedelta(days=3)
    assert (result.bookings[1].late_days, result.bookings[2].late_days) == (0, 0)


def test_late_days_count_from_the_due_date():
    result = plan([Job(key=1, load=3000, due=MONDAY)], capacity(lines=1))
    assert result.bookings[1].late_days == 2


def test_a_new_style_pays_changeover_and_learning_curve():
    jobs = [
        Job(key=1, load=1000, due=MONDAY, style="A"),
        Job(key=2, load=800, due=MONDAY + timedelta(days=9), style="B"),
    ]
    result = plan(jobs, capacity(lines=1), changeover_minutes=100, learning_curve=(0.5,))
    # Tuesday: 100 changeover + 900 minutes at half pace = 450 SAM; Wednesday the other 350.
    assert result.bookings[2].days == {
        MONDAY + timedelta(days=1): 1000,
        MONDAY + timedelta(days=2): 350,
    }


def test_moving_a_job_to_a_later_date_replans_what_follows_on_that_line():
    base = [
        Job(key=1, load=1000, due=MONDAY),
        Job(key=2, load=1000, due=MONDAY + timedelta(days=1)),
    ]
    moved = [
        Job(key=1, load=1000, due=MONDAY, pinned_line=1, not_before=MONDAY + timedelta(days=2)),
        base[1],
    ]
    before = plan(base, capacity(lines=1))
    after = plan(moved, capacity(lines=1))
    assert before.bookings[2].start == MONDAY + timedelta(days=1)
    assert after.bookings[1].start == MONDAY + timedelta(days=2)
    assert after.bookings[2].start == MONDAY + timedelta(days=3)


def test_a_job_that_does_not_fit_the_horizon_is_unplaced():
    result = plan([Job(key=1, load=10**9, due=MONDAY)], capacity(lines=1, days=5))
    assert (result.bookings, result.unplaced) == ({}, [1])


def test_holidays_get_no_booking():
    result = plan([Job(key=1, load=7000, due=MONDAY)], capacity(lines=1))
    sunday = MONDAY + timedelta(days=6)
    assert sunday not in result.bookings[1].days
    assert result.bookings[1].finish == MONDAY + timedelta(days=7)
