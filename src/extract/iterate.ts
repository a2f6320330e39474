import type { Item, Resource, ResourceContext } from "../source/resource.js";

/** Loose items are grouped into pages of this size before normalization. */
export const PAGE_SIZE = 1000;

function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && typeof value === "object" && Symbol.iterator in value && typeof value !== "string";
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === "object" && Symbol.asyncIterator in value;
}

/**
 * Turns whatever a resource or transformer produced into pages of items. A yielded array is a
 * page; loose items are batched. Nothing is read ahead beyond one page.
 */
export async function* pagesOf(produced: unknown): AsyncGenerator<Item[]> {
  let value = produced;
  if (value instanceof Promise) value = await value;
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    // An array given as data is a list of items, which may themselves be pages; null items are skipped.
    yield* batch(value);
    return;
  }
  if (isAsyncIterable(value)) {
    yield* batchAsync(value);
    return;
  }
  if (isIterable(value) && !(value instanceof Uint8Array)) {
    yield* batch(value);
    return;
  }
  yield [value];
}

// `batch` and `batchAsync` differ only in `for` vs `for await`: one loop for both would await
// every item of a synchronous source, a microtask per row on the hottest path.
async function* batch(items: Iterable<unknown>): AsyncGenerator<Item[]> {
  let page: Item[] = [];
  for (const item of items) {
    if (Array.isArray(item)) {
      if (page.length > 0) yield page;
      page = [];
      const items = withoutNulls(item);
      if (items.length > 0) yield items;
      continue;
    }
    // dlt skips `None` items: a null item is no row.
    if (item === null || item === undefined) continue;
    page.push(item);
    if (page.length >= PAGE_SIZE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

async function* batchAsync(items: AsyncIterable<unknown>): AsyncGenerator<Item[]> {
  let page: Item[] = [];
  for await (const item of items) {
    if (Array.isArray(item)) {
      if (page.length > 0) yield page;
      page = [];
      const items = withoutNulls(item);
      if (items.length > 0) yield items;
      continue;
    }
    if (item === null || item === undefined) continue;
    page.push(item);
    // An async source may be slow between items: hand over what we have at each page boundary.
    if (page.length >= PAGE_SIZE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** A page without its null items (allocates only when there are any). */
function withoutNulls(page: Item[]): Item[] {
  return page.includes(null) || page.includes(undefined) ? page.filter((item) => item !== null && item !== undefined) : page;
}

/** The pages of a resource that is not a transformer. */
export function pagesOfResource(resource: Resource, context: ResourceContext): AsyncGenerator<Item[]> {
  const data = resource.data;
  return pagesOf(typeof data === "function" ? data(context) : data);
}
