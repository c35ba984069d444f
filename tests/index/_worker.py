"""Helper run as a separate process by the safety tests.

usage: python _worker.py LOCATION REPORT_FILE SEED N BATCH [ID_PREFIX [PER_CALL]]

Adds N synthetic documents with ``Index.add_many`` in batches of BATCH,
PER_CALL documents per call (default BATCH: one batch per call; more: the
call pipelines its batches through the sketch worker processes) and, after
each call returns, appends its ids to REPORT_FILE (flushed and fsynced) so a
parent that kills this process knows which adds had returned.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synth import synthetic_texts  # noqa: E402

from dedup.index import Index  # noqa: E402


def main() -> None:
    location, report, seed, n, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    prefix = sys.argv[6] if len(sys.argv) > 6 and sys.argv[6] else f"w{seed}-"
    per_call = int(sys.argv[7]) if len(sys.argv) > 7 else batch
    texts = synthetic_texts(n, seed)
    with Index(location, batch_size=batch) as ix, open(report, "a", encoding="utf-8") as out:
        for s in range(0, n, per_call):
            items = [(f"{prefix}{i}", texts[i]) for i in range(s, min(n, s + per_call))]
            ix.add_many(items)
            out.write("".join(f"{d}\n" for d, _ in items))
            out.flush()
            os.fsync(out.fileno())


if __name__ == "__main__":
    main()
