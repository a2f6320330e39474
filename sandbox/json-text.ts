/**
 * JSON.parse, except that every number stays the exact text it was sent as (a string): Trino
 * sends bigint cells as JSON numbers, and Athena answers every value as text, so a bigint
 * beyond 2^53 must not pass through a double on the way.
 */
export function parseJsonKeepingNumbers(text: string): unknown {
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`Bad JSON at ${at}: ${what}`);
  };
  const space = () => {
    while (at < text.length && " \t\n\r".includes(text[at]!)) at++;
  };
  const value = (): unknown => {
    space();
    const c = text[at];
    if (c === "{") {
      at++;
      const object: Record<string, unknown> = {};
      space();
      if (text[at] === "}") return at++, object;
      for (;;) {
        space();
        const key = string();
        space();
        if (text[at++] !== ":") fail("expected ':'");
        object[key] = value();
        space();
        const next = text[at++];
        if (next === "}") return object;
        if (next !== ",") fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      at++;
      const array: unknown[] = [];
      space();
      if (text[at] === "]") return at++, array;
      for (;;) {
        array.push(value());
        space();
        const next = text[at++];
        if (next === "]") return array;
        if (next !== ",") fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (text.startsWith("true", at)) return (at += 4), true;
    if (text.startsWith("false", at)) return (at += 5), false;
    if (text.startsWith("null", at)) return (at += 4), null;
    const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!m) return fail("unexpected character");
    at += m[0].length;
    return m[0];
  };
  const string = (): string => {
    if (text[at] !== '"') fail("expected a string");
    // Find the closing quote (skipping escapes), then let JSON.parse decode the escapes.
    let end = at + 1;
    while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
    const literal = text.slice(at, end + 1);
    at = end + 1;
    return JSON.parse(literal) as string;
  };
  const result = value();
  space();
  if (at !== text.length) fail("trailing characters");
  return result;
}
