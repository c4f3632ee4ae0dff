"""The three kinds of failure, each with one meaning (after dolma's ``errors.py``).

* :class:`ConfigError`: the configuration or a rule file is wrong. The run stops before it
  starts; the message names the file and, where known, the line.
* :class:`DocumentError`: one document cannot be processed. It is reported with the reason
  and the run goes on.
* :class:`FatalError`: something the whole run depends on broke (a server that will not
  start, a full disk). The run stops; what was written stays written.
"""


class CleanerError(Exception):
    """Base class of the errors cleaner raises on purpose."""


class ConfigError(CleanerError):
    """Bad configuration or rule file: fix the file named in the message."""


class DocumentError(CleanerError):
    """This document cannot be processed; the others are not affected."""


class FatalError(CleanerError):
    """The run cannot go on."""
