import { describe, expect, it } from "vitest";
import { exitCodeOf } from "../../../src/errors.js";
import { validateDatasetName, validatePipelineName } from "../../../src/pipeline/names.js";
import { pipeline } from "../../../src/pipeline/pipeline.js";

describe("pipeline and dataset names", () => {
  it.each(["chess_pipeline", "a", "shop-2024", "v1.2", "_x"])("accepts the pipeline name %j", (name) => {
    expect(validatePipelineName(name)).toBe(name);
  });

  it.each(["../../escape", "..", ".", "", "a/b", "a\\b", "/abs", ".hidden", "a..b", "with space", "x".repeat(65), "tab\t"])(
    "refuses the pipeline name %j with exit code 2, stating the rule",
    (name) => {
      let error: unknown;
      try {
        validatePipelineName(name);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: "invalid_pipeline_name", message: expect.stringContaining("letters, digits") });
      expect(exitCodeOf(error)).toBe(2);
    },
  );

  it.each(["../escape", "a/b", "a\\b", ".x", "", " ", "x".repeat(101)])("refuses the dataset name %j", (name) => {
    expect(() => validateDatasetName(name)).toThrow(expect.objectContaining({ code: "invalid_dataset_name" }) as Error);
  });

  it("refuses them in pipeline() before any folder exists", () => {
    expect(() => pipeline({ pipelineName: "../../escape" })).toThrow(expect.objectContaining({ code: "invalid_pipeline_name" }) as Error);
    expect(() => pipeline({ pipelineName: "ok", datasetName: "../up" })).toThrow(expect.objectContaining({ code: "invalid_dataset_name" }) as Error);
  });
});
