"""Normalising informal Indonesian before featurisation (:mod:`.normalize`), with the
election-cue vocabulary (:mod:`.cues`), candidate-like mentions and ballot numbers
(:mod:`.mentions`), placeholder tokens (:mod:`.placeholders`) and the bounded per-token cache
they share (:mod:`.piece_table`)."""
