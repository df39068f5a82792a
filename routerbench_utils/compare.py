"""Deprecated: this module moved to :mod:`routerbench_utils.evaluation`; the old path warns and goes in the next
release."""
from ._deprecated import moved_module

__moved_to__ = "routerbench_utils.evaluation"
__getattr__, __dir__ = moved_module(__name__, __moved_to__)
