/**
 * JSON documents the CLI prints use snake_case keys, as dlt's trace does; the TypeScript objects
 * behind them are camelCase. Only for our own structures: never for user data (query rows).
 *
 * @example snakeCaseKeys({ loadId: "1", queries: { longestChain: 2 } }) // { load_id: "1", queries: { longest_chain: 2 } }
 */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [snakeCase(key), snakeCaseKeys(item)]));
}

export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}
