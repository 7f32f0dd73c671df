"""nlpkit: Arabic news analysis (named entities and target-specific stance)."""
__version__ = "0.1.0"
