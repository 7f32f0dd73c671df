"""Arabic text layer: matching normalisation, sentence splitting and tokenisation.

Every span this package returns is a pair of Python string indices into the untouched input.
"""

from nlpkit.text.lexicon import KNOWN_STEMS, NEVER_SPLIT
from nlpkit.text.normalize import NormalizedText, normalize, normalize_name, normalize_with_map
from nlpkit.text.sentences import split_sentences
from nlpkit.text.tokenize import Token, split_proclitic, tokenize

__all__ = [
    "KNOWN_STEMS",
    "NEVER_SPLIT",
    "NormalizedText",
    "Token",
    "normalize",
    "normalize_name",
    "normalize_with_map",
    "split_proclitic",
    "split_sentences",
    "tokenize",
]
