import { describe, expect, it } from "vitest";
import type { CliIo } from "../../../src/cli/io.js";
import { bold, isColorEnabled } from "../../../src/cli/output/render.js";
import { jsonValue, resultToJson, uniqueColumnNames } from "../../../src/cli/output/values.js";
import { toEnvelope, LoadError } from "../../../src/errors.js";
import { snakeCaseKeys } from "../../../src/util/snake-case.js";

function io(env: Record<string, string>, isInteractive: boolean): CliIo {
  return { stdout: () => undefined, stderr: () => undefined, isInteractive, env, cwd: "/" };
}

describe("output conventions", () => {
  it("honours NO_COLOR on a terminal and FORCE_COLOR without one", () => {
    expect(isColorEnabled(io({}, true))).toBe(true);
    expect(isColorEnabled(io({ NO_COLOR: "1" }, true))).toBe(false);
    expect(bold(io({ NO_COLOR: "1" }, true), "x")).toBe("x");
    expect(isColorEnabled(io({}, false))).toBe(false);
    expect(isColorEnabled(io({ FORCE_COLOR: "1" }, false))).toBe(true);
    expect(bold(io({ FORCE_COLOR: "1" }, false), "x")).toBe("\u001b[1mx\u001b[22m");
    expect(isColorEnabled(io({ FORCE_COLOR: "0" }, true))).toBe(false);
  });

  it("keeps every value of repeated column names in query --json, suffixing the repeats", () => {
    expect(uniqueColumnNames(["id", "id", "id_2", "name", "id"])).toEqual(["id", "id_3", "id_2", "name", "id_4"]);
    const json = resultToJson({ columns: [{ name: "id", type: "bigint" }, { name: "id", type: "bigint" }], rows: [[1, 2]], statistics: { seconds: 0 } } as never);
    expect(json.columns.map((c) => c.name)).toEqual(["id", "id_2"]);
    expect(json.rows).toEqual([{ id: 1, id_2: 2 }]);
  });

  it("types integers consistently: numbers up to 2^53, strings above", () => {
    expect(jsonValue(9007199254740991n)).toBe(9007199254740991);
    expect(jsonValue(9007199254740993n)).toBe("9007199254740993");
    expect(jsonValue(-9007199254740993n)).toBe("-9007199254740993");
  });

  it("uses snake_case keys in our JSON documents, error meta included", () => {
    expect(snakeCaseKeys({ loadId: "1", queries: { longestChain: 2, bytesScanned: 3 }, jobs: [{ failureReason: "x" }] })).toEqual({
      load_id: "1",
      queries: { longest_chain: 2, bytes_scanned: 3 },
      jobs: [{ failure_reason: "x" }],
    });
    expect(toEnvelope(new LoadError("load_failed", "m", { meta: { loadId: "1" } }))).toEqual({ status: "error", error: { code: "load_failed", message: "m", load_id: "1" } });
  });
});
