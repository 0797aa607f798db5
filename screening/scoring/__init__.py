"""Scoring exported posts: chunk by chunk on this machine, or on a Dask cluster.

- :mod:`~screening.scoring.local`: the local engine (read, reject, dedupe, score, write);
- :mod:`~screening.scoring.distributed`: the Dask engine (row-group partitions);
- :mod:`~screening.scoring.post_scorer`: scores, flags, categories and reasons of posts;
- :mod:`~screening.scoring.parallel`, :mod:`~screening.scoring.shared_model`,
  :mod:`~screening.scoring.forkserver_preload`, :mod:`~screening.scoring.heap`: worker
  processes that share one model and return freed memory;
- :mod:`~screening.scoring.duplicates`, :mod:`~screening.scoring.progress`,
  :mod:`~screening.scoring.provenance`: repeated texts, the progress bar, the
  ``OUTPUT.meta.json`` record of what scored a file.
"""
