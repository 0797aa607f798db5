"""Imported by the worker processes' forkserver when it starts, after :mod:`screening.scoring`
(see :mod:`screening.shared_model`): only importing it has an effect."""

from screening.shared_model import preload_from_env

preload_from_env()
