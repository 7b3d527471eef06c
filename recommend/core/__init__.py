"""The "for you" ranking, with no Django: plain records in, ranked items with reasons out.

`rank()` applies the hard rules and scores what is left by content similarity
(`text.TfidfBackend`, or `text.EmbeddingBackend` when its package is installed) plus
the rules' points; `items` holds the records. scikit-learn loads on first use only.
"""

from __future__ import annotations

from recommend.core.items import KINDS, Candidate, Excluded, Ranked, Reason, Result, Seeker
from recommend.core.rank import WEIGHTS, exclusion, position, random_order, rank, top_per_kind
from recommend.core.text import (
    EmbeddingBackend,
    Scores,
    Similarity,
    TextBackend,
    TfidfBackend,
    default_backend,
    embedding_available,
    similarities,
)

__all__ = [
    "KINDS",
    "WEIGHTS",
    "Candidate",
    "EmbeddingBackend",
    "Excluded",
    "Ranked",
    "Reason",
    "Result",
    "Scores",
    "Seeker",
    "Similarity",
    "TextBackend",
    "TfidfBackend",
    "default_backend",
    "embedding_available",
    "exclusion",
    "position",
    "random_order",
    "rank",
    "similarities",
    "top_per_kind",
]
