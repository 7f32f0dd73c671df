"""Document analysis: the :class:`Analyzer`, canonical entities, holders and stance targets."""
