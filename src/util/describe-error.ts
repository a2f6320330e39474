/**
 * The underlying cause of an error, as words: Node's system errors (`ENOTFOUND api.example.com`,
 * `ECONNREFUSED 127.0.0.1:443`), HTTP statuses, walking `cause` chains (fetch hides the reason
 * of "fetch failed" there). Empty when there is nothing beyond the message.
 *
 * @example describeCause(fetchError) // "ENOTFOUND api.chess.com (getaddrinfo)"
 */
export function describeCause(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== null && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; syscall?: unknown; hostname?: unknown; address?: unknown; port?: unknown; status?: unknown; statusCode?: unknown; $metadata?: { httpStatusCode?: unknown } };
    const where = typeof e.hostname === "string" ? e.hostname : typeof e.address === "string" ? `${e.address}${typeof e.port === "number" ? `:${e.port}` : ""}` : "";
    if (typeof e.code === "string" && /^E[A-Z]+$|^UND_ERR/.test(e.code)) {
      parts.push(`${e.code}${where ? ` ${where}` : ""}${typeof e.syscall === "string" ? ` (${e.syscall})` : ""}`);
    }
    const status = e.status ?? e.statusCode ?? e.$metadata?.httpStatusCode;
    if (typeof status === "number") parts.push(`HTTP ${status}`);
    current = (current as { cause?: unknown }).cause;
  }
  return [...new Set(parts)].join(", ");
}
