"""Give the C heap's free memory back to the operating system between chunks.

Scoring a chunk allocates and frees tens of megabytes (frames, sparse matrices); glibc keeps
freed memory mapped for reuse, so a process's resident size stays at its largest chunk's.
``malloc_trim`` returns it (about 15 MB a process on the bench posts, a few milliseconds a
chunk). Where the C library has no ``malloc_trim`` (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def release_free_memory() -> bool:
    """Return freed heap memory to the operating system; False where that is not possible."""
    if _TRIM is None:
        return False
    _TRIM(0)
    return True
