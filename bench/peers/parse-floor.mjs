// The parse-only floor: read the NDJSON file and parse every record, nothing else.
//   node bench/peers/parse-floor.mjs <input.ndjson>
import { ndjsonPages } from "./ndjson.mjs";

let records = 0;
for await (const page of ndjsonPages(process.argv[2])) records += page.length;
console.log(JSON.stringify({ records }));
