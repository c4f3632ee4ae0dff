"""Parts of the boilerplate stage too big for its module: rule packs, line features, the classifier.

The stage itself, and so the order in which these parts decide, is in
:mod:`cleaner.stages.boilerplate`.
"""
