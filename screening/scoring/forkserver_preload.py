"""Imported by the worker processes' forkserver when it starts, after :mod:`screening.scoring.local`
(see :mod:`screening.scoring.shared_model`): only importing it has an effect."""

from screening.scoring.shared_model import preload_from_env

preload_from_env()
