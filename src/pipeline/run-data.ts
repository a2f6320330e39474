import { UsageError } from "../errors.js";
import type { ColumnHint, SchemaContract, TableFormat } from "../schema/types.js";
import { Resource, resource } from "../source/resource.js";
import type { ResourceOptions, WriteDispositionOption } from "../source/resource.js";
import { Source } from "../source/source.js";

/** Hints `run` and `extract` apply to every resource of the data. */
export interface RunOptions {
  readonly tableName?: string;
  readonly writeDisposition?: WriteDispositionOption;
  readonly primaryKey?: string | readonly string[];
  readonly columns?: Readonly<Record<string, ColumnHint>>;
  readonly tableFormat?: TableFormat;
  readonly schemaContract?: SchemaContract;
}

/** Data `run` accepts: a source, resources, or plain items with a `tableName`. */
export type PipelineData = Source | Resource | readonly Resource[] | readonly unknown[] | Iterable<unknown> | AsyncIterable<unknown>;

/**
 * The source name (the schema) and resources of what `run` was given, with the run's hints
 * applied to every resource. Loose resources and plain data use `defaultName`.
 *
 * @example sourceOf([{ id: 1 }], { tableName: "users" }, "my_pipeline"); // { name: "my_pipeline", resources: [users] }
 */
export function sourceOf(data: PipelineData, options: RunOptions, defaultName: string): { name: string; resources: Resource[] } {
  const hints = runHints(options);
  if (data instanceof Source) {
    return { name: data.name, resources: data.resources().map((r) => (hints ? r.withOptions(hints) : r)) };
  }
  const list = data instanceof Resource ? [data] : isResourceList(data) ? [...data] : undefined;
  if (list) return { name: defaultName, resources: list.map((r) => (hints ? r.withOptions(hints) : r)) };
  if (!options.tableName) {
    throw new UsageError("table_name_missing", "Plain data needs a table: call run(data, { tableName: \"my_table\" }).");
  }
  return { name: defaultName, resources: [resource(data as never, { name: options.tableName, ...hints })] };
}

function runHints(options: RunOptions): ResourceOptions | undefined {
  const hints: ResourceOptions = {
    ...(options.tableName ? { tableName: options.tableName } : {}),
    ...(options.writeDisposition ? { writeDisposition: options.writeDisposition } : {}),
    ...(options.primaryKey ? { primaryKey: options.primaryKey } : {}),
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.tableFormat ? { tableFormat: options.tableFormat } : {}),
    ...(options.schemaContract ? { schemaContract: options.schemaContract } : {}),
  };
  return Object.keys(hints).length > 0 ? hints : undefined;
}

function isResourceList(data: unknown): data is readonly Resource[] {
  return Array.isArray(data) && data.length > 0 && data.every((item) => item instanceof Resource);
}

