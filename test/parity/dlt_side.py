"""The dlt side of the parity tier.

  dlt_side.py run CASES_JSON WORKDIR OUT_JSON
      runs every case of the corpus through dlt (duckdb destination, one database file per case)
      and writes, per case, the outcome of each run, dlt's stored schema and a dump of the tables.
  dlt_side.py dump DB_PATH ALIAS SPEC_JSON OUT_JSON
      dumps the tables of each dataset of SPEC_JSON ({dataset: {table: [json columns]}}) in any
      DuckDB file (used for the local engine's file), with the
      same canonical cell format, so both sides are read by one reader.
"""
import base64
import datetime as dt
import json
import sys
import traceback
from decimal import Decimal
from pathlib import Path

import duckdb


def decode(value):
    """Case values: JSON plus tagged objects for what JSON cannot say."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, inner), = value.items()
            if tag == "$date":
                return dt.datetime.fromisoformat(inner.replace("Z", "+00:00"))
            if tag == "$bigint":
                return int(inner)
            if tag == "$bytes":
                return bytes.fromhex(inner)
            if tag == "$decimal":
                return Decimal(inner)
            if tag == "$float":
                return float(inner)
        return {k: decode(v) for k, v in value.items()}
    return value


def canon(value, is_json):
    """One cell as tagged text, identical for both databases (they are read by this one reader)."""
    if value is None:
        return None
    if is_json:
        try:
            return "j:" + json.dumps(json.loads(value) if isinstance(value, str) else value, sort_keys=True)
        except (TypeError, ValueError):
            return "j!" + str(value)
    if isinstance(value, bool):
        return "b:" + ("true" if value else "false")
    if isinstance(value, int):
        return "i:" + str(value)
    if isinstance(value, float):
        return "f:" + repr(value)
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value else "NaN"
        return "n:" + ("0" if text in ("-0", "0") else text)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "x:" + bytes(value).hex()
    if isinstance(value, dt.datetime):
        return "t:" + value.isoformat()
    if isinstance(value, dt.date):
        return "d:" + value.isoformat()
    if isinstance(value, dt.time):
        return "tm:" + value.isoformat()
    if isinstance(value, str):
        return "s:" + value
    return "?:" + repr(value)


def dump_tables(db_path, alias, dataset, json_columns):
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"ATTACH '{db_path}' AS \"{alias}\" (READ_ONLY)")
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? AND table_schema = ? ORDER BY table_name",
                [alias, dataset],
            ).fetchall()
        ]
        out = {}
        for table in tables:
            if table.startswith("_dlt_"):
                continue
            columns = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_catalog = ? AND table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                [alias, dataset, table],
            ).fetchall()
            selects = []
            for name, data_type in columns:
                quoted = '"' + name.replace('"', '""') + '"'
                if "TIMESTAMP" in data_type.upper():
                    selects.append(f"strftime(CAST({quoted} AS TIMESTAMPTZ), '%Y-%m-%dT%H:%M:%S.%fZ')")
                else:
                    selects.append(quoted)
            qualified = f'"{alias}"."{dataset}"."' + table.replace('"', '""') + '"'
            try:
                rows = con.execute(f"SELECT {', '.join(selects) or '1'} FROM {qualified}").fetchall()
            except duckdb.Error as exc:
                out[table] = {"columns": [{"name": n, "db_type": t} for n, t in columns], "rows": [], "error": str(exc)[:300]}
                continue
            json_set = set(json_columns.get(table, []))
            canon_rows = []
            for row in rows:
                cells = []
                for (name, data_type), value in zip(columns, row):
                    if "TIMESTAMP" in data_type.upper() and value is not None:
                        cells.append("t:" + value)
                    else:
                        cells.append(canon(value, name in json_set or data_type.upper() == "JSON"))
                canon_rows.append(cells)
            out[table] = {"columns": [{"name": n, "db_type": t} for n, t in columns], "rows": canon_rows}
        return out
    finally:
        con.close()


def json_columns_of(schema):
    result = {}
    for name, table in (schema or {}).get("tables", {}).items():
        result[name] = [c for c, col in table.get("columns", {}).items() if col.get("data_type") == "json"]
    return result


def build_resource(dlt, spec):
    kwargs = {"name": spec["name"]}
    for key in ("table_name", "primary_key", "merge_key", "columns", "table_format", "max_table_nesting", "schema_contract"):
        if key in spec:
            kwargs[key] = spec[key]
    disposition = spec.get("write_disposition")
    if disposition is not None:
        kwargs["write_disposition"] = disposition
    data = decode(spec["data"])
    resource = dlt.resource(data, **kwargs)
    inc = spec.get("incremental")
    if inc is not None:
        inc_kwargs = {}
        if "initial_value" in inc:
            inc_kwargs["initial_value"] = decode(inc["initial_value"])
        if "primary_key" in inc:
            pk = inc["primary_key"]
            inc_kwargs["primary_key"] = tuple(pk) if isinstance(pk, list) else pk
        if "last_value_func" in inc:
            inc_kwargs["last_value_func"] = {"max": max, "min": min}[inc["last_value_func"]]
        resource.apply_hints(incremental=dlt.sources.incremental(inc["cursor_path"], **inc_kwargs))
    return resource


def error_of(exc):
    chain = []
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(f"{type(exc).__name__}: {exc}")
        exc = getattr(exc, "exception", None) or exc.__cause__ or exc.__context__
    return " <- ".join(chain)[:2000]


def run_cases(cases_path, workdir, out_path):
    import dlt

    cases = json.loads(Path(cases_path).read_text())
    workdir = Path(workdir)
    results = {}
    for case in cases:
        name = case["name"]
        db = workdir / f"{name}.duckdb"
        pipeline = dlt.pipeline(
            pipeline_name=f"p_{name}",
            destination=dlt.destinations.duckdb(credentials=str(db)),
            dataset_name=f"d_{name}",
            pipelines_dir=str(workdir / "pipelines"),
        )
        outcomes = []
        for run in case["runs"]:
            try:
                pipeline.run([build_resource(dlt, spec) for spec in run["resources"]], loader_file_format="parquet")
                outcomes.append({"ok": True})
            except Exception as exc:  # noqa: BLE001 - the outcome is data here
                outcomes.append({"ok": False, "error": error_of(exc)})
        try:
            schema = pipeline.default_schema.to_dict()
        except Exception:  # noqa: BLE001
            schema = None
        tables = dump_tables(str(db), "dlt_db", f"d_{name}", json_columns_of(schema)) if db.exists() else {}
        results[name] = {"outcomes": outcomes, "schema": schema, "tables": tables}
    Path(out_path).write_text(json.dumps(results, default=str))


def main():
    command = sys.argv[1]
    if command == "run":
        run_cases(sys.argv[2], sys.argv[3], sys.argv[4])
    elif command == "dump":
        _, _, db, alias, spec, out = sys.argv
        datasets = json.loads(Path(spec).read_text())
        dumps = {ds: dump_tables(db, alias, ds, cols) for ds, cols in datasets.items()}
        Path(out).write_text(json.dumps(dumps))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    try:
        main()
    except Exception:
        traceback.print_exc()
        raise SystemExit(1)
