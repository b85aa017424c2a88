"""Common Monitor's core.

Polars' allocator (jemalloc) is told, before polars is first imported, to give freed
memory back to the system at once rather than keep it for reuse: a big file is ingested
chunk by chunk (:mod:`monitor.ingest.chunked`), and its peak memory should be that of a
chunk, not of every chunk's garbage. A value set in the environment wins.
"""

import os

os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
