"""Side-by-side figure: dlt's own extract+normalize to Parquet on the same records as our bench.

Run by bench/dlt.ts inside a throwaway virtual environment; never a project dependency.
Usage: python dlt_normalize.py <flat|nested> <rows> <workdir>
Prints one JSON line: {"rows", "seconds", "normalize_seconds", "bytes", "peakRssMb"}.
"""
import json
import os
import resource
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import dlt

NAMES = ["olivia", "liam", "emma", "noah", "ava", "elijah", "sophia", "lucas"]
CATEGORIES = ["books", "games", "music", "tools", "garden"]
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
M32 = 0xFFFFFFFF


def imul(a, b):
    return ((a & M32) * (b & M32)) & M32


def mix(i):
    h = imul(i ^ 0x9E3779B9, 0x85EBCA6B)
    h = imul(h ^ (h >> 13), 0xC2B2AE35)
    return (h ^ (h >> 16)) & M32


def flat_row(i):
    h = mix(i)
    return {
        "id": i,
        "name": f"{NAMES[h % 8]}_{h % 100000:05d}",
        "score": (h % 100000) / 1000,
        "active": (h & 1) == 1,
        "created_at": START + timedelta(milliseconds=i * 997 + h % 1000),
        "amount": None if i % 10 == 0 else Decimal(f"{(h // 7) % 1000000}.{h % 100:02d}"),
        "category": CATEGORIES[h % 5],
        "quantity": h % 50,
        "ratio": (h % 1000) / 997,
        "note": None if i % 3 == 0 else f"note {h % 997}",
    }


def nested_record(i):
    h = mix(i)
    return {
        "id": i,
        "customer": {"name": NAMES[h % 8], "city": CATEGORIES[h % 5], "zip": str(h % 99999)},
        "created_at": START + timedelta(milliseconds=i * 997),
        "items": [{"sku": f"sku-{(h + k) % 5000}", "qty": (h >> k) % 9, "price": ((h >> k) % 10000) / 100} for k in range(5)],
    }


def main():
    kind, rows, workdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.environ["DLT_DATA_DIR"] = os.path.join(workdir, "data")
    os.environ["RUNTIME__LOG_LEVEL"] = "ERROR"
    os.environ["DLT_TELEMETRY_DISABLED"] = "1"
    os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    make = flat_row if kind == "flat" else nested_record
    pipeline = dlt.pipeline(
        pipeline_name=f"bench_{kind}",
        pipelines_dir=os.path.join(workdir, "pipelines"),
        destination=dlt.destinations.filesystem(os.path.join(workdir, "bucket")),
        dataset_name="bench",
    )
    hints = {"amount": {"data_type": "decimal", "precision": 18, "scale": 2}} if kind == "flat" else None

    @dlt.resource(name=kind, columns=hints)
    def data():
        for i in range(rows):
            yield make(i)

    started = time.perf_counter()
    pipeline.extract(data(), loader_file_format="parquet")
    extracted = time.perf_counter()
    pipeline.normalize()
    finished = time.perf_counter()
    folder = os.path.join(workdir, "pipelines", f"bench_{kind}")
    size = 0
    for root, _dirs, files in os.walk(folder):
        size += sum(os.path.getsize(os.path.join(root, f)) for f in files if f.endswith(".parquet"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": finished - started, "normalize_seconds": finished - extracted, "bytes": size, "peakRssMb": peak}))


if __name__ == "__main__":
    main()
