/** Yields arrays of parsed records, `pageSize` (default 1000) at a time. */
export function ndjsonPages(path: string, pageSize?: number): AsyncGenerator<Record<string, unknown>[]>;
