"""A pytest plugin (``-p lcel_hypothesis_profile`` in pyproject) for the whole suite.

Property tests check behaviour, not speed: a per-example deadline only makes them flaky on a
loaded 2-core machine, so the suite runs Hypothesis without one. (A plugin module rather
than a root ``conftest.py``: the acceptance tests import their own ``conftest`` by name.)
"""

from hypothesis import settings

settings.register_profile("lcel", deadline=None)
settings.load_profile("lcel")
