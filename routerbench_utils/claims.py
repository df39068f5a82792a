"""Deprecated: this module moved to :mod:`routerbench_utils.book.claims`; the old path warns and goes in the next
release."""
from ._deprecated import moved_module

__moved_to__ = "routerbench_utils.book.claims"
__getattr__, __dir__ = moved_module(__name__, __moved_to__)
