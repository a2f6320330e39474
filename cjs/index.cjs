// `require("dlt-athena")`. The package is an ES module: Node 20.19+ and 22.12+ load it with
// require(). Under `dlt-athena run`, whose module hooks keep Node 20 from doing so, the run's host
// has already imported this copy and lends it here.
const { resolve } = require("node:path");

const entry = resolve(__dirname, "../dist/index.js");
const lent = globalThis[Symbol.for("dlt-athena.loaded-modules")];
if (lent && lent[entry]) {
  module.exports = lent[entry];
} else {
  try {
    module.exports = require(entry);
  } catch (error) {
    if (error && (error.code === "ERR_REQUIRE_ESM" || error.code === "ERR_REQUIRE_ASYNC_MODULE")) {
      throw new Error(
        "dlt-athena is an ES module and this Node.js cannot require() it (Node 20.19+ or 22.12+ can). " +
          'Use `import { pipeline } from "dlt-athena"` (or `await import("dlt-athena")`), or upgrade Node.js.',
        { cause: error },
      );
    }
    throw error;
  }
}
