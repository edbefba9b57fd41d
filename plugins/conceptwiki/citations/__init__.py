"""CSL citations for concept pages: APA, Chicago, Harvard, OSCOLA and any CSL style."""
from .engine import DEFAULT_STYLES, CitationEngine, UnknownStyleError

__all__ = ["DEFAULT_STYLES", "CitationEngine", "UnknownStyleError"]
