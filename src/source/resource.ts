import { UsageError } from "../errors.js";
import type {
  ColumnHint,
  MergeStrategy,
  SchemaContract,
  TableFormat,
  WriteDisposition,
} from "../schema/types.js";
import type { Incremental } from "./incremental.js";

/** Any item a resource yields: an object, or a scalar (loaded as `{ value }`). */
export type Item = unknown;

/** What a resource's function receives. */
export interface ResourceContext {
  /** The resource's cursor, bound to its state: read `lastValue` to ask an API only for new data. */
  readonly incremental?: Incremental;
  /** The resource's own state, saved with the pipeline state after a successful run. */
  readonly state: Record<string, unknown>;
}

type Produced = Iterable<Item> | AsyncIterable<Item>;

/** The data of a resource: items, pages of items, (async) iterables or a function producing them. */
export type ResourceData =
  | readonly Item[]
  | Produced
  | ((context: ResourceContext) => Produced | Promise<Produced | readonly Item[]> | readonly Item[]);

export type WriteDispositionOption =
  | WriteDisposition
  | { readonly disposition: "merge"; readonly strategy?: MergeStrategy };

export interface ResourceOptions {
  /** The resource name; also the table name unless `tableName` is given. */
  readonly name?: string;
  /** A table name, or a function choosing the table of each item (dynamic tables). */
  readonly tableName?: string | ((item: Item) => string);
  readonly writeDisposition?: WriteDispositionOption;
  readonly primaryKey?: string | readonly string[];
  readonly mergeKey?: string | readonly string[];
  /** Hints per column name (as the data names it; names are normalized like the data). */
  readonly columns?: Readonly<Record<string, ColumnHint>>;
  readonly tableFormat?: TableFormat;
  readonly schemaContract?: SchemaContract;
  /** Depth below which nested objects and lists are kept as JSON instead of child tables. */
  readonly maxTableNesting?: number;
  readonly incremental?: Incremental;
}

/** A named stream of items with its table hints. Create it with {@link resource}. */
export class Resource {
  readonly name: string;
  readonly options: ResourceOptions;
  readonly data: ResourceData | undefined;
  /** Set on transformers: the resource whose items feed this one. */
  readonly parent: Resource | undefined;
  readonly transform: ((item: Item, context: ResourceContext) => unknown) | undefined;

  constructor(init: {
    name: string;
    options: ResourceOptions;
    data?: ResourceData;
    parent?: Resource;
    transform?: (item: Item, context: ResourceContext) => unknown;
  }) {
    this.name = init.name;
    this.options = init.options;
    this.data = init.data;
    this.parent = init.parent;
    this.transform = init.transform;
  }

  /** A copy with some options replaced (e.g. hints given to `pipeline.run`). */
  withOptions(options: ResourceOptions): Resource {
    return new Resource({
      name: options.name ?? this.name,
      options: { ...this.options, ...options },
      ...(this.data !== undefined ? { data: this.data } : {}),
      ...(this.parent ? { parent: this.parent } : {}),
      ...(this.transform ? { transform: this.transform } : {}),
    });
  }
}

function nameOf(data: unknown, options: ResourceOptions): string {
  if (options.name) return options.name;
  if (typeof options.tableName === "string") return options.tableName;
  if (typeof data === "function" && data.name) return data.name;
  throw new UsageError(
    "resource_name_missing",
    "A resource needs a name: pass { name: \"my_table\" } (or a named function) to resource().",
  );
}

/**
 * Declares a resource: a stream of items loaded into a table of the same name.
 *
 * @example
 * const users = resource([{ id: 1, name: "Ann" }], { name: "users", primaryKey: "id" });
 * const events = resource({ name: "events", writeDisposition: "append" })(async function* () {
 *   yield await fetchPage(1);
 * });
 */
export function resource(data: ResourceData, options?: ResourceOptions): Resource;
export function resource(options: ResourceOptions): (data: ResourceData) => Resource;
export function resource(
  dataOrOptions: ResourceData | ResourceOptions,
  options?: ResourceOptions,
): Resource | ((data: ResourceData) => Resource) {
  if (isOptionsOnly(dataOrOptions) && options === undefined) {
    const opts = dataOrOptions;
    return (data: ResourceData) => new Resource({ name: nameOf(data, opts), options: opts, data });
  }
  const data = dataOrOptions as ResourceData;
  const opts = options ?? {};
  return new Resource({ name: nameOf(data, opts), options: opts, data });
}

function isOptionsOnly(value: unknown): value is ResourceOptions {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(Symbol.iterator in value) &&
    !(Symbol.asyncIterator in value)
  );
}

/**
 * Declares a resource fed by another resource's items: `fn` is called once per parent item and
 * may return an item, a page, an (async) iterable, or a promise of one.
 *
 * @example
 * const details = transformer(users, async (user) => fetchDetails(user.id), { name: "user_details" });
 */
export function transformer(
  parent: Resource,
  fn: (item: Item, context: ResourceContext) => unknown,
  options: ResourceOptions = {},
): Resource {
  const name = options.name ?? (fn.name || undefined);
  if (!name) {
    throw new UsageError("resource_name_missing", "A transformer needs a name: pass { name: \"my_table\" } or a named function.");
  }
  return new Resource({ name, options: { ...options, name }, parent, transform: fn });
}
