"""Text utilities: tokens, sentences and quotations, all with character offsets
into the original string, plus normalisation helpers."""
from dedup.text.tokens import Token, tokenize, stem, is_stopword, content_tokens
from dedup.text.sentences import Sentence, split_sentences
from dedup.text.quotes import Quote, find_quotes

__all__ = [
    "Token", "tokenize", "stem", "is_stopword", "content_tokens",
    "Sentence", "split_sentences", "Quote", "find_quotes",
]
