import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalProject, type QueryDocument, loadedRows, type RunDocument } from "../support/local-project.js";

// Bytes from a script reach the local engine unchanged: a Uint8Array and a Buffer, at the top
// level, in a flattened object and in a nested list.
const PIPELINE = `
import { pipeline, resource } from "dlt-athena";

const files = resource(
  [
    { id: 1, blob: new Uint8Array([0, 1, 127, 128, 255]), meta: { raw: Buffer.from("héllo", "utf8") }, parts: [{ chunk: new Uint8Array([9, 8]) }] },
    { id: 2, blob: null, meta: { raw: null }, parts: [] },
  ],
  { name: "files" },
);

await pipeline({ pipelineName: "bin_pipeline", destination: "athena", datasetName: "bin_data" }).run(files);
`;

const project = new LocalProject();
let loaded: RunDocument;
let parent: QueryDocument;
let parts: QueryDocument;

beforeAll(() => {
  project.create({ "bin_pipeline.ts": PIPELINE });
  loaded = project.run("bin_pipeline.ts");
  parent = project.query("SELECT id, blob, meta__raw, to_hex(blob) AS hex FROM bin_data.files ORDER BY id");
  parts = project.query("SELECT to_hex(chunk) AS hex FROM bin_data.files__parts");
});
afterAll(() => project.cleanup());

describe("binary values through run --local and query", () => {
  it("loads bytes unchanged into varbinary columns, top level, flattened and nested", () => {
    expect(loadedRows(loaded)).toEqual([
      ["_dlt_pipeline_state", 1],
      ["files", 2],
      ["files__parts", 1],
    ]);
    expect(parent.columns.map((c) => [c.name, c.type])).toEqual([
      ["id", "bigint"],
      ["blob", "varbinary"],
      ["meta__raw", "varbinary"],
      ["hex", "varchar"],
    ]);
    expect(parent.rows.map((r) => [r.id, r.hex])).toEqual([
      [1, "00017F80FF"],
      [2, null],
    ]);
    expect(parent.rows[1]!.blob).toBeNull();
    expect(parts.rows).toEqual([{ hex: "0908" }]);
  });

  it("prints bytes as base64 in query --json", () => {
    expect(parent.rows.map((r) => [r.blob, r.meta__raw])).toEqual([
      [Buffer.from([0, 1, 127, 128, 255]).toString("base64"), Buffer.from("héllo", "utf8").toString("base64")],
      [null, null],
    ]);
  });
});
