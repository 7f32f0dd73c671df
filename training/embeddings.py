"""Static sub-word embeddings (word2vec, via gensim) to initialise an encoder's input embeddings.

On a CPU budget, masked-LM pretraining of a small encoder sits for a long time on the unigram
plateau; skip-gram vectors trained on the same token stream take a minute and give the
embedding matrix (tied to the MLM output layer) distributional structure from the start.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import numpy as np

logger = logging.getLogger("training")


def word2vec_matrix(blocks: np.ndarray, vocab_size: int, dim: int, *, seed: int = 42, epochs: int = 2,
                    window: int = 5, workers: int = 2, std: float = 0.02) -> np.ndarray:
    """Train skip-gram vectors on token-id blocks and return a ``(vocab_size, dim)`` matrix.

    The first and last id of each block ([CLS], [SEP]) are dropped; ids never seen keep a random
    ``N(0, std)`` row; the trained rows are standardised to the same ``std`` (BERT's init scale),
    so the position and segment embeddings keep a comparable share after the LayerNorm.
    """
    try:
        from gensim.models import Word2Vec
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("word2vec initialisation needs gensim: pip install gensim") from error
    rng = np.random.default_rng(seed)
    matrix = rng.normal(0.0, std, size=(vocab_size, dim)).astype(np.float32)
    with tempfile.TemporaryDirectory() as scratch:
        corpus = Path(scratch) / "ids.txt"
        with open(corpus, "w", encoding="ascii") as handle:
            for block in blocks:
                handle.write(" ".join(map(str, block[1:-1].tolist())) + "\n")
        model = Word2Vec(corpus_file=str(corpus), vector_size=dim, window=window, min_count=1, sg=1,
                         negative=5, workers=workers, epochs=epochs, seed=seed)
    ids = np.array([int(token) for token in model.wv.index_to_key])
    vectors = model.wv.vectors.astype(np.float32)
    vectors = (vectors - vectors.mean(axis=0)) / (vectors.std() + 1e-8) * std
    matrix[ids] = vectors
    logger.info("word2vec: %d of %d vocabulary rows trained (%d dims, %d epochs)", len(ids), vocab_size, dim, epochs)
    return matrix
