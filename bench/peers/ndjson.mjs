// The NDJSON reader every JavaScript peer of the bench uses (the dlt-athena pipeline script and
// the parse-only floor): 1 MiB reads, one JSON.parse per line, pages of `pageSize` records.
import { createReadStream } from "node:fs";

/** Yields arrays of parsed records, `pageSize` at a time (the last page may be shorter). */
export async function* ndjsonPages(path, pageSize = 1000) {
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  let rest = "";
  let page = [];
  for await (const chunk of stream) {
    const text = rest === "" ? chunk : rest + chunk;
    let start = 0;
    for (let end = text.indexOf("\n", start); end !== -1; end = text.indexOf("\n", start)) {
      if (end > start) page.push(JSON.parse(text.slice(start, end)));
      start = end + 1;
      if (page.length === pageSize) {
        yield page;
        page = [];
      }
    }
    rest = text.slice(start);
  }
  if (rest.trim() !== "") page.push(JSON.parse(rest));
  if (page.length > 0) yield page;
}
