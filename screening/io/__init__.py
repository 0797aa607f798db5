"""Reading exported posts and writing results, with every input row accounted for.

- :mod:`~screening.io.readers`: formats, encodings, delimiters, the text column, chunked
  streams, and rejects with their physical line numbers;
- :mod:`~screening.io.writers`: whole-file and chunk-appending table writers;
- :mod:`~screening.io.files`: atomic writes, the checks before writing, file hashes;
- :mod:`~screening.io.privacy`: the spreadsheet-formula guard and pseudonymisation;
- :mod:`~screening.io.cells`: spreadsheet cells that must stay text.
"""
