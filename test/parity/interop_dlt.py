"""The dlt half of the interop test: continue an incremental load that dlt-athena started.

  interop_dlt.py DB_PATH PIPELINES_DIR ROWS_JSON
      opens the local engine's DuckDB file with dlt's duckdb destination, restores pipeline
      `interop` (dataset `interop_data`) from it, loads ROWS through the same incremental
      resource and prints {"start": <cursor value dlt started from>, "state": ..., "ids": [...]}.
"""
import json
import sys

import dlt
import duckdb


def main():
    db, pipelines_dir, rows = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    pipeline = dlt.pipeline(
        pipeline_name="interop",
        destination=dlt.destinations.duckdb(credentials=db),
        dataset_name="interop_data",
        pipelines_dir=pipelines_dir,
    )
    pipeline.sync_destination()
    seen = {}

    @dlt.resource(name="events", primary_key="id")
    def events(cursor=dlt.sources.incremental("u")):
        seen["start"] = cursor.last_value
        yield from rows

    pipeline.run(events(), loader_file_format="parquet")
    con = duckdb.connect(db, read_only=True)
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM interop_data.events ORDER BY id").fetchall()]
    finally:
        con.close()
    print(json.dumps({"start": seen.get("start"), "schema_tables": sorted(pipeline.default_schema.tables), "ids": ids}))


if __name__ == "__main__":
    main()
