"""The dlt peer of the bench: dlt itself on the same NDJSON input, pages of 1,000 records.

Run by bench/run.ts inside a throwaway virtual environment with dlt pinned; never a project
dependency. Usage:
  python dlt_peer.py <input.ndjson> <workdir> <filesystem|duckdb> <table> [table_field] [decimal_column]
Loads with pipeline.run (extract, normalize, load): to a local filesystem bucket as Parquet, or
to a DuckDB file. Prints one JSON line: {"rows": <rows normalized, all tables>}.
"""
import os
import sys

from dlt.common import json

import dlt


def pages(path):
    page = []
    with open(path, "rb") as handle:
        for line in handle:
            if line.strip():
                page.append(json.loadb(line))
                if len(page) == 1000:
                    yield page
                    page = []
    if page:
        yield page


def main():
    input_path, workdir, destination, table = sys.argv[1:5]
    field = sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] else None
    decimal_column = sys.argv[6] if len(sys.argv) > 6 and sys.argv[6] else None
    os.environ["RUNTIME__LOG_LEVEL"] = "ERROR"
    os.environ["DLT_TELEMETRY_DISABLED"] = "1"
    os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    if destination == "filesystem":
        target = dlt.destinations.filesystem(os.path.join(workdir, "bucket"))
        file_format = "parquet"
    else:
        target = dlt.destinations.duckdb(os.path.join(workdir, "dlt.duckdb"))
        file_format = None
    pipeline = dlt.pipeline(
        pipeline_name="bench",
        pipelines_dir=os.path.join(workdir, "pipelines"),
        destination=target,
        dataset_name="bench",
    )
    columns = {decimal_column: {"data_type": "decimal", "precision": 18, "scale": 2}} if decimal_column else None
    table_name = (lambda item: item[field]) if field else table

    @dlt.resource(name=table, table_name=table_name, columns=columns)
    def data():
        yield from pages(input_path)

    pipeline.run(data(), loader_file_format=file_format)
    counts = pipeline.last_trace.last_normalize_info.row_counts
    print(json.dumps({"rows": sum(n for name, n in counts.items() if not name.startswith("_dlt"))}))


if __name__ == "__main__":
    main()
