"""Settings shared by the whole suite."""

from hypothesis import settings

# Property tests check behaviour, not speed: a per-example deadline only makes them flaky on a
# loaded 2-core machine (CI runs everything on one), so no deadline.
settings.register_profile("lcel", deadline=None)
settings.load_profile("lcel")
