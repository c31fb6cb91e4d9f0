"""The server process's memory: what it loads once is kept out of the collector's way.

Python's cyclic garbage collector now and then walks every container object the process
holds. A portal process holds some 140,000 of them once Django, its apps and the URLs
are loaded (and more with the search's dictionary), and a full walk of them takes tens
of milliseconds, paid by whichever request happens to run then. What is loaded once
lives as long as the process, so ``settle`` moves it to the permanent generation
(``gc.freeze``), which the collector skips; what requests create is still collected.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect what is garbage now, then freeze everything left for the collector."""
    gc.collect()
    gc.freeze()
