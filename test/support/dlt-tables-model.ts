/**
 * dlt's own tables (`_dlt_version`, `_dlt_loads`, `_dlt_pipeline_state`) kept by a fake Athena
 * endpoint from the statements it is sent, so whole-stack tests have a destination that keeps
 * state between runs, as Athena does: versions and loads come from their INSERT … VALUES, state
 * rows from the staged Parquet files an `INSERT … SELECT` copies (read at that moment), and
 * `DROP DATABASE` forgets a dataset. It answers the sync read, the state restore and the schema
 * restore; everything else gets an empty result.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { FakeResult } from "./athena-server.js";
import { readParquet } from "./read-parquet.js";

interface VersionRow {
  readonly version: string;
  readonly engineVersion: string;
  readonly insertedAt: string;
  readonly schemaName: string;
  readonly versionHash: string;
  readonly schema: string;
}

interface StateRow {
  readonly version: string;
  readonly engineVersion: string;
  readonly pipelineName: string;
  readonly state: string;
  readonly createdAt: string;
  readonly versionHash: string;
  readonly loadId: string;
}

interface Dataset {
  readonly versions: VersionRow[];
  readonly loads: Set<string>;
  readonly states: StateRow[];
}

const STRING = "'((?:[^']|'')*)'";
const unquote = (text: string) => text.replace(/''/g, "'");
const VERSION_INSERT = new RegExp(
  `^INSERT INTO "[^"]+"\\."([^"]+)"\\."_dlt_version"\\([^)]*\\) VALUES \\((\\d+), (\\d+), TIMESTAMP ${STRING}, ${STRING}, ${STRING}, ${STRING}\\)$`,
  "s",
);
const LOADS_INSERT = /^INSERT INTO "[^"]+"\."([^"]+)"\."_dlt_loads"\([^)]*\) VALUES ?\('([^']+)'/;
const STATE_INSERT = /^INSERT INTO "[^"]+"\."([^"]+)"\."_dlt_pipeline_state"\(.*\) SELECT .* FROM "[^"]+"\."([^"]+)"\."_dlt_pipeline_state"$/s;
const DROP_DATABASE = /^DROP DATABASE (?:IF EXISTS )?`[^`]+`\.`([^`]+)`/;
const STATE_READ = /FROM "[^"]+"\."([^"]+)"\."_dlt_pipeline_state" AS s JOIN .* WHERE s\."pipeline_name" = '((?:[^']|'')*)'/s;
const SCHEMA_READ = /FROM "[^"]+"\."([^"]+)"\."_dlt_version" WHERE "schema_name" = '((?:[^']|'')*)' ORDER BY/;

const column = (name: string, type = "varchar") => ({ name, type });

export class DltTablesModel {
  readonly #datasets = new Map<string, Dataset>();

  /** @param stagingRoot the folder holding `<dataset>/<table>/…` of the bucket prefix (s3rver's files). */
  constructor(private readonly stagingRoot: () => string) {}

  reset(): void {
    this.#datasets.clear();
  }

  /** Observes a statement and answers it. */
  async execute(sql: string): Promise<FakeResult> {
    const empty: FakeResult = { columns: [], rows: [] };
    let match = VERSION_INSERT.exec(sql);
    if (match) {
      const [, dataset, version, engineVersion, insertedAt, schemaName, versionHash, schema] = match as unknown as string[];
      this.#dataset(dataset!).versions.push({
        version: version!, engineVersion: engineVersion!, insertedAt: insertedAt!, schemaName: unquote(schemaName!), versionHash: unquote(versionHash!), schema: unquote(schema!),
      });
      return empty;
    }
    if ((match = LOADS_INSERT.exec(sql))) {
      this.#dataset(match[1]!).loads.add(match[2]!);
      return empty;
    }
    if ((match = STATE_INSERT.exec(sql))) {
      await this.#copyStagedState(match[1]!, match[2]!);
      return empty;
    }
    if ((match = DROP_DATABASE.exec(sql))) {
      this.#datasets.delete(match[1]!);
      return empty;
    }
    if (sql.startsWith(`SELECT 'state' AS "kind"`) || (sql.startsWith("SELECT s.") && STATE_READ.test(sql))) return this.#answerState(sql);
    if ((match = SCHEMA_READ.exec(sql))) return this.#answerSchema(match[1]!, unquote(match[2]!));
    return empty;
  }

  #dataset(name: string): Dataset {
    let found = this.#datasets.get(name);
    if (!found) this.#datasets.set(name, (found = { versions: [], loads: new Set(), states: [] }));
    return found;
  }

  #existing(name: string): Dataset {
    const found = this.#datasets.get(name);
    if (!found || found.versions.length === 0) throw new Error(`SCHEMA_NOT_FOUND: line 1:1: Schema '${name}' does not exist`);
    return found;
  }

  async #copyStagedState(dataset: string, staging: string): Promise<void> {
    const folder = join(this.stagingRoot(), staging, "_dlt_pipeline_state");
    let names: string[] = [];
    try {
      names = readdirSync(folder, { recursive: true }).map(String).filter((n) => n.endsWith(".parquet._S3rver_object"));
    } catch {
      return;
    }
    const target = this.#dataset(dataset);
    for (const name of names) {
      for (const row of (await readParquet(join(folder, name))).rows) {
        const created = row["created_at"];
        target.states.push({
          version: String(row["version"]),
          engineVersion: String(row["engine_version"]),
          pipelineName: String(row["pipeline_name"]),
          state: String(row["state"]),
          createdAt: athenaTimestamp(created),
          versionHash: String(row["version_hash"]),
          loadId: String(row["_dlt_load_id"]),
        });
      }
    }
  }

  #answerState(sql: string): FakeResult {
    const match = STATE_READ.exec(sql);
    if (!match) throw new Error(`unexpected state query: ${sql}`);
    const data = this.#existing(match[1]!);
    const pipeline = unquote(match[2]!);
    const newest = data.states
      .filter((s) => s.pipelineName === pipeline && data.loads.has(s.loadId))
      .sort((a, b) => (a.loadId < b.loadId ? 1 : a.loadId > b.loadId ? -1 : 0))[0];
    const stateColumns = [column("version", "bigint"), column("engine_version", "bigint"), column("pipeline_name"), column("state"), column("created_at", "timestamp"), column("version_hash"), column("_dlt_load_id")];
    const stateValues = (s: StateRow) => [s.version, s.engineVersion, s.pipelineName, s.state, s.createdAt, s.versionHash, s.loadId];
    if (!sql.startsWith(`SELECT 'state'`)) return { columns: stateColumns, rows: newest ? [stateValues(newest)] : [] };
    const rows: (string | null)[][] = newest ? [["state", ...stateValues(newest)]] : [];
    const hashes = /"version_hash" IN \(([^)]*)\)/.exec(sql)?.[1];
    const asked = new Set([...(hashes ?? "").matchAll(/'((?:[^']|'')*)'/g)].map((m) => unquote(m[1]!)));
    for (const hash of new Set(data.versions.map((v) => v.versionHash))) {
      if (asked.has(hash)) rows.push(["schema", null, null, null, null, null, hash, null]);
    }
    return { columns: [column("kind"), ...stateColumns], rows };
  }

  #answerSchema(dataset: string, schemaName: string): FakeResult {
    const data = this.#datasets.get(dataset);
    const newest = (data?.versions ?? []).filter((v) => v.schemaName === schemaName).at(-1);
    return {
      columns: [column("version", "bigint"), column("engine_version", "bigint"), column("inserted_at", "timestamp"), column("schema_name"), column("version_hash"), column("schema")],
      rows: newest ? [[newest.version, newest.engineVersion, newest.insertedAt, newest.schemaName, newest.versionHash, newest.schema]] : [],
    };
  }
}

/** Athena prints timestamps as `2024-04-29 12:00:00.000`. */
function athenaTimestamp(value: unknown): string {
  const date = value instanceof Date ? value : new Date(Number(value) / (typeof value === "bigint" ? 1000 : 1));
  return date.toISOString().replace("T", " ").replace("Z", "");
}
