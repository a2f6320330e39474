/**
 * A starter source for {{source_name}}: one resource that pages through a REST API and loads
 * only records updated since the last run. Replace the URL, the paging and the cursor field with
 * your API's.
 */
import { configValue, incremental, resource, source } from "dlt-athena";

export interface {{SourceType}}Options {
  /** API root; default `[sources.{{source_name}}] base_url` in .dlt/config.toml or `SOURCES__{{SOURCE_ENV}}__BASE_URL`. */
  readonly baseUrl?: string;
  /** A token for APIs that need one; keep it in .dlt/secrets.toml or the environment. */
  readonly apiToken?: string;
}

// An example public API that supports paging (`_page`, `_limit`).
const DEFAULT_BASE_URL = "https://jsonplaceholder.typicode.com";
const PAGE_SIZE = 50;

export function {{sourceFn}}(options: {{SourceType}}Options = {}) {
  const baseUrl = (options.baseUrl ?? configValue<string>("sources.{{source_name}}.base_url") ?? DEFAULT_BASE_URL).replace(/\/$/, "");
  const headers: Record<string, string> = options.apiToken ? { Authorization: `Bearer ${options.apiToken}` } : {};

  return source("{{source_name}}", () => [
    resource(
      async function* ({ incremental: cursor }) {
        // `cursor.lastValue` is the highest `id` loaded so far (undefined on the first run); an
        // API with an `updated_since` filter would receive it here instead.
        for (let page = 1; ; page++) {
          const response = await fetch(`${baseUrl}/posts?_page=${page}&_limit=${PAGE_SIZE}`, { headers });
          if (!response.ok) throw new Error(`GET ${response.url} answered ${response.status}`);
          const items = (await response.json()) as Array<Record<string, unknown>>;
          if (items.length === 0) break;
          yield items; // a page of records; items at or before the cursor are dropped
          if (items.length < PAGE_SIZE) break;
        }
      },
      {
        name: "posts",
        writeDisposition: "merge",
        primaryKey: "id",
        incremental: incremental("id", { initialValue: 0 }),
      },
    ),
  ]);
}
