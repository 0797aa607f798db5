"""Reviewer audit loop: the decisions store, review queues, imports and exports."""
