/**
 * Pipelines sharing a dataset, and datasets whose name looks like another's staging (issue 9),
 * through the CLI on the local engine: two pipelines merge into one Iceberg table; a pipeline's
 * Iceberg load never deletes or drops anything in a `<dataset>_staging` that is another
 * pipeline's dataset.
 */
import { afterAll, describe, expect, it } from "vitest";
import { LocalProject, parseRun } from "../support/local-project.js";

/** A script loading ITEMS=from..to with LABEL into `items` of DATASET, by FORMAT and DISPOSITION. */
const ITEMS = `
import { pipeline, resource } from "dlt-athena";
const env = process.env;
const [from, to] = env.ITEMS.split("..").map(Number);
const rows = Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i, label: env.LABEL + (from + i) }));
const hints = { name: env.TABLE ?? "items", writeDisposition: env.DISPOSITION ?? "merge", primaryKey: "id", ...(env.FORMAT ? { tableFormat: env.FORMAT } : {}) };
await pipeline({ pipelineName: env.PIPELINE, destination: "athena", datasetName: env.DATASET }).run(resource(rows, hints));
`;

const project = new LocalProject().create({ "items.ts": ITEMS });
afterAll(() => project.cleanup());

const load = (env: Record<string, string>) => project.cli(["run", "items.ts", "--local", "--json"], env);
/** A run expected to be refused: text output, so the message reads as the user sees it. */
const refuse = (env: Record<string, string>) => project.cli(["run", "items.ts", "--local"], env);
const rows = (sql: string) => project.rows(sql);

describe("tables shared by pipelines", () => {
  it("a second and a third pipeline merge into the Iceberg table the first created; a contradicting table_format is refused", () => {
    parseRun(load({ PIPELINE: "first", DATASET: "shared_ds", ITEMS: "1..6", LABEL: "first-", FORMAT: "iceberg" }));
    // The same hints, from another pipeline: merges by primary key into the existing table.
    parseRun(load({ PIPELINE: "second", DATASET: "shared_ds", ITEMS: "5..9", LABEL: "second-", FORMAT: "iceberg" }));
    // No table_format at all: the table's format comes from the destination, so still a merge.
    const third = parseRun(load({ PIPELINE: "third", DATASET: "shared_ds", ITEMS: "9..11", LABEL: "third-" }));
    expect(third.loads[0]?.warnings).toEqual([]);
    const merged = rows("SELECT id, label FROM shared_ds.items ORDER BY id");
    expect(merged.map((r) => Number(r["id"]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(merged.map((r) => r["label"])).toEqual([
      "first-1", "first-2", "first-3", "first-4", "second-5", "second-6", "second-7", "second-8", "third-9", "third-10", "third-11",
    ]);

    const refused = refuse({ PIPELINE: "fourth", DATASET: "shared_ds", ITEMS: "1..2", LABEL: "x", FORMAT: "hive" });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/Table `items` exists in `shared_ds` as a iceberg table, but this pipeline's table_format .* makes it hive.*table_format="iceberg"/s);
    expect(rows("SELECT count(*) AS n FROM shared_ds.items")[0]?.["n"]).toBe(11);
  });
});

describe("staging datasets never touch another pipeline's data", () => {
  it("refuses an Iceberg load whose <dataset>_staging is another pipeline's dataset, and loads once the layout key gives staging its own name", () => {
    parseRun(load({ PIPELINE: "owner", DATASET: "shop_staging", ITEMS: "1..5", LABEL: "o", DISPOSITION: "append" }));
    parseRun(load({ PIPELINE: "owner", DATASET: "shop_staging", ITEMS: "1..3", LABEL: "o", FORMAT: "iceberg", TABLE: "events" }));
    const before = () => [rows("SELECT count(*) AS n FROM shop_staging.items")[0]?.["n"], rows("SELECT count(*) AS n FROM shop_staging.events")[0]?.["n"]];
    expect(before()).toEqual([5, 3]);

    const refused = refuse({ PIPELINE: "shop", DATASET: "shop", ITEMS: "1..4", LABEL: "s", FORMAT: "iceberg" });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/Refusing to use dataset `shop_staging` as the staging dataset of `shop`: .*Nothing in it was deleted or dropped.*staging_dataset_name_layout/s);
    expect(before()).toEqual([5, 3]);
    // A second attempt (it first retries the pending package) is refused the same way.
    expect(refuse({ PIPELINE: "shop", DATASET: "shop", ITEMS: "1..4", LABEL: "s", FORMAT: "iceberg", TABLE: "events" }).status).toBe(2);
    expect(before()).toEqual([5, 3]);

    // The refused packages stayed pending and load now, into the staging dataset of its own.
    parseRun(load({ PIPELINE: "shop", DATASET: "shop", ITEMS: "1..4", LABEL: "s", FORMAT: "iceberg", DESTINATION__ATHENA__STAGING_DATASET_NAME_LAYOUT: "%s_stage" }));
    expect(rows("SELECT count(*) AS n FROM shop.items")[0]?.["n"]).toBe(4);
    expect(before()).toEqual([5, 3]);

    // Dropping the pipeline drops its staging copies from its own staging dataset only.
    const drop = project.cli(["pipeline", "shop", "drop", "--local", "--yes", "--dataset", "shop"], { DESTINATION__ATHENA__STAGING_DATASET_NAME_LAYOUT: "%s_stage" });
    expect(drop.status, drop.stderr).toBe(0);
    expect(before()).toEqual([5, 3]);
  });

  it("refuses to load into a dataset that is another dataset's staging", () => {
    parseRun(load({ PIPELINE: "lake", DATASET: "lake", ITEMS: "1..2", LABEL: "l", FORMAT: "iceberg" }));
    const refused = refuse({ PIPELINE: "intruder", DATASET: "lake_staging", ITEMS: "1..2", LABEL: "i", DISPOSITION: "append" });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/Dataset `lake_staging` is the staging dataset of `lake`/);
    // The owner's next merge still works.
    parseRun(load({ PIPELINE: "lake", DATASET: "lake", ITEMS: "2..3", LABEL: "l", FORMAT: "iceberg" }));
    expect(rows("SELECT count(*) AS n FROM lake.items")[0]?.["n"]).toBe(3);
  });
});
