/** The start-up case of the bench: a one-row pipeline, run with `dlt-athena run --dry-run`. */
import { pipeline, resource } from "dlt-athena";

await pipeline({ pipelineName: "trivial", datasetName: "trivial" }).run(resource([{ id: 1, name: "a" }], { name: "t" }));
