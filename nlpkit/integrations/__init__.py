"""Running nlpkit inside other data engines.

- :mod:`nlpkit.integrations.ray_data`: Ray Data (``pip install "nlpkit[ray]"``), one analyzer per
  actor, for corpora beyond one machine; ``nlpkit analyze --engine ray`` runs on it.
- :mod:`nlpkit.integrations.hf_datasets`: ``datasets.Dataset.map`` over worker processes.
- :mod:`nlpkit.integrations.batches`: the batch → result-columns step both share (no extra dependency).

Nothing here is imported by ``import nlpkit``; each module imports its engine when it is imported.
"""
