"""Shared test settings: hypothesis profiles.

``CI=true`` (as `.ci/run` is started) draws the same examples every run, so that a red CI
points at a change, not at luck; ``HYPOTHESIS_PROFILE=thorough`` searches much longer.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("thorough", max_examples=3000, deadline=None)
settings.register_profile("default", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))
