"""cleaner: staged cleaning and quality repair for scraped news text.

The Python API for pre-processing: :func:`clean_text` for one text, :class:`Pipeline`
to stream many documents; see the README.
"""

from cleaner.model import Document, DocumentResult, Edit, Flag
from cleaner.pipeline import Pipeline, clean_text
from cleaner.trace import apply_edits, revert_edits

__all__ = ["Document", "DocumentResult", "Edit", "Flag", "Pipeline", "apply_edits", "clean_text", "revert_edits"]
