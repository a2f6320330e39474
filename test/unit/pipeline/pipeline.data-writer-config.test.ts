import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parquetMetadata } from "hyparquet";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pipeline } from "../../../src/pipeline/pipeline.js";
import { readParquet } from "../../support/read-parquet.js";
import { RecordingDestination } from "../../support/recording-destination.js";
import { makeTempDir } from "../../support/temp.js";

// `[normalize.data_writer]` read from the project's `.dlt/config.toml`: each key must change the
// files the pipeline hands to its destination.
let dir: string;
let cleanup: () => void;
let destination: RecordingDestination;

beforeEach(() => {
  ({ dir, cleanup } = makeTempDir());
  destination = new RecordingDestination(join(dir, "received"));
});
afterEach(() => cleanup());

function writeConfig(toml: string): void {
  mkdirSync(join(dir, ".dlt"), { recursive: true });
  writeFileSync(join(dir, ".dlt", "config.toml"), toml);
}

const ROWS = Array.from({ length: 5 }, (_, i) => ({ id: i, note: `row ${i} `.repeat(20) }));

async function load(): Promise<{ files: string[]; codecs: string[]; ids: bigint[]; rows: number }> {
  const p = pipeline({ pipelineName: "writer", datasetName: "writer_data", pipelinesDir: join(dir, "pipelines"), destination, projectDir: dir });
  await p.run(ROWS, { tableName: "events" });
  const files = destination.filesOf("events");
  const codecs: string[] = [];
  const ids: bigint[] = [];
  let rows = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const fileCodecs = metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec ?? "?"));
    codecs.push(...fileCodecs);
    rows += Number(metadata.num_rows);
    // hyparquet decodes no ZSTD pages: those files are checked by their metadata only.
    if (!fileCodecs.includes("ZSTD")) ids.push(...(await readParquet(file)).rows.map((r) => r.id as bigint));
  }
  return { files, codecs: [...new Set(codecs)], ids: ids.sort((a, b) => Number(a - b)), rows };
}

describe("[normalize.data_writer] from config.toml", () => {
  it("writes one file per table with snappy when nothing is set", async () => {
    const { files, codecs, ids } = await load();
    expect(files).toHaveLength(1);
    expect(codecs).toEqual(["SNAPPY"]);
    expect(ids).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it("compression = \"zstd\" writes ZSTD pages", async () => {
    writeConfig('[normalize.data_writer]\ncompression = "zstd"\n');
    const { codecs, rows } = await load();
    expect(codecs).toEqual(["ZSTD"]);
    expect(rows).toBe(5);
  });

  it("file_max_items rotates a table's file after that many rows, losing none", async () => {
    writeConfig("[normalize.data_writer]\nfile_max_items = 2\n");
    const { files, ids } = await load();
    expect(files).toHaveLength(3);
    expect(ids).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it("file_max_bytes rotates a table's file once its buffered rows pass that many bytes", async () => {
    // Each row holds a ~160-character note: 200 bytes closes a file every second row.
    writeConfig("[normalize.data_writer]\nfile_max_bytes = 200\n");
    const { files, ids } = await load();
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.length).toBeLessThanOrEqual(5);
    expect(ids).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it("takes NORMALIZE__DATA_WRITER__FILE_MAX_ITEMS from the environment over config.toml", async () => {
    writeConfig("[normalize.data_writer]\nfile_max_items = 1\n");
    process.env.NORMALIZE__DATA_WRITER__FILE_MAX_ITEMS = "4";
    try {
      expect((await load()).files).toHaveLength(2);
    } finally {
      delete process.env.NORMALIZE__DATA_WRITER__FILE_MAX_ITEMS;
    }
  });
});
