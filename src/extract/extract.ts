import { DltAthenaError, LoadError } from "../errors.js";
import { describeCause } from "../util/describe-error.js";
import type { DuckDBInstance } from "@duckdb/node-api";
import { normalizeContextFor, normalizeNested, normalizeRoot } from "../normalize/relational.js";
import type { NormalizeContext } from "../normalize/relational.js";
import { isDltName } from "../schema/contracts.js";
import { C_DLT_LOAD_ID } from "../schema/dlt-tables.js";
import { normalizeTableIdentifier } from "../schema/naming.js";
import type { CoerceRowOptions, Schema } from "../schema/schema.js";
import type { SchemaContract } from "../schema/types.js";
import { resourceStateOf } from "../state/pipeline-state.js";
import type { PipelineState } from "../state/pipeline-state.js";
import type { Item, Resource, ResourceContext } from "../source/resource.js";
import { ParquetWriter } from "../writers/parquet-writer.js";
import type { ParquetCompression } from "../writers/parquet-writer.js";
import type { Row, WrittenFile } from "../writers/file-writer.js";
import { pagesOf, pagesOfResource } from "./iterate.js";
import { resourceHints } from "./hints.js";

/** Rows buffered per table before they are handed to its writer. */
const FLUSH_ROWS = 2048;

export interface ExtractOptions {
  readonly loadId: string;
  /** Folder receiving the finished Parquet files (the package's new jobs). */
  readonly directory: string;
  readonly schema: Schema;
  readonly sourceName: string;
  readonly state: PipelineState;
  readonly instance: DuckDBInstance;
  readonly contract?: SchemaContract;
  readonly compression?: ParquetCompression;
  readonly maxRowsPerFile?: number;
  readonly maxBytesPerFile?: number;
  /** Called after each page with the running total of items, for progress output. */
  readonly onProgress?: (resource: string, items: number) => void;
}

export interface ExtractResult {
  readonly files: readonly WrittenFile[];
  /** Items read per resource (after incremental filtering). */
  readonly items: Readonly<Record<string, number>>;
  /** Rows written per table. */
  readonly rows: Readonly<Record<string, number>>;
  /** What the run should tell the user (keys that collapsed into one column). */
  readonly warnings: readonly string[];
}

/** At most this many distinct collision warnings per extract. */
const MAX_WARNINGS = 20;

interface TableBuffer {
  rows: Row[];
  readonly writer: ParquetWriter;
}

/**
 * Streams resources through the relational normalizer into one Parquet writer per table. Pages are
 * pulled one at a time, so memory holds at most a page plus each table's small row buffer.
 */
export class Extractor {
  private readonly options: ExtractOptions;
  private readonly tables = new Map<string, TableBuffer>();
  private readonly files: WrittenFile[] = [];
  private readonly items: Record<string, number> = {};
  private readonly rows: Record<string, number> = {};
  private readonly contexts = new Map<string, NormalizeContext>();
  private readonly resourceContexts = new Map<Resource, ResourceContext>();
  private readonly coerceOptionsByParent = new Map<string | undefined, CoerceRowOptions>();
  private readonly warnings = new Set<string>();

  constructor(options: ExtractOptions) {
    this.options = options;
  }

  /** Extracts the given resources; transformers are fed by their parent's pages. */
  async extract(resources: readonly Resource[]): Promise<ExtractResult> {
    try {
      const selected = new Set(resources);
      // Hints first, for every table known up front: a refused hint stops the run before any data is read.
      for (const resource of resources) {
        if (typeof resource.options.tableName !== "function") {
          this.normalizeContext(resource, normalizeTableIdentifier(resource.options.tableName ?? resource.name));
        }
      }
      for (const resource of resources) {
        if (resource.parent && selected.has(resource.parent)) continue; // fed by its parent below
        await this.extractResource(resource, resources);
      }
      await this.replaceEmptied(resources);
      for (const [table, buffer] of this.tables) {
        await this.flush(table, buffer);
        this.files.push(...(await buffer.writer.close()));
      }
    } catch (error) {
      await Promise.allSettled([...this.tables.values()].map((buffer) => buffer.writer.abort()));
      throw error;
    }
    return { files: this.files, items: this.items, rows: this.rows, warnings: [...this.warnings] };
  }

  /**
   * A `replace` resource that yielded nothing still replaces its table, as in dlt: the table (and
   * so its nested tables) ends up empty. An empty file for the root table makes the load replace
   * the chain; a table that never had data is left alone (there is nothing to empty).
   */
  private async replaceEmptied(resources: readonly Resource[]): Promise<void> {
    const { schema } = this.options;
    for (const resource of resources) {
      if (typeof resource.options.tableName === "function") continue;
      const table = normalizeTableIdentifier(resource.options.tableName ?? resource.name);
      if (this.tables.has(table) || isDltName(table)) continue;
      if (schema.writeDispositionOf(table) !== "replace" || schema.getTable(table)?.seenData !== true) continue;
      const buffer = this.bufferOf(table, true, true);
      const columns = Object.values(schema.getTable(table)?.columns ?? {});
      await buffer.writer.write([], columns);
    }
  }

  /** Remembers keys of one item that normalized onto the same column (the last value was kept). */
  private readonly onCollision = (table: string, collisions: ReadonlyArray<readonly [string, string]>): void => {
    for (const [column, key] of collisions) {
      if (this.warnings.size >= MAX_WARNINGS) return;
      this.warnings.add(
        `table \`${table}\`: key \`${key}\` and an earlier key of the same item both normalize to column \`${column}\`; ` +
          "the last value was kept (as dlt does) and the earlier one dropped. Rename one of the keys in the source to keep both.",
      );
    }
  };

  private contextOf(resource: Resource): ResourceContext {
    const known = this.resourceContexts.get(resource);
    if (known) return known;
    // dlt's own tables (the state row) have no resource state of their own.
    const state = isDltName(resource.name) ? {} : resourceStateOf(this.options.state, this.options.sourceName, resource.name);
    const cursor = resource.options.incremental;
    if (cursor) {
      const cursors = (state.incremental ??= {});
      // Without a key of its own, the cursor de-duplicates by the resource's primary key (dlt).
      cursors[cursor.cursorPath] = cursor.bind(cursors[cursor.cursorPath], resource.options.primaryKey);
    }
    const context = { state, ...(cursor ? { incremental: cursor } : {}) };
    this.resourceContexts.set(resource, context);
    return context;
  }

  private async extractResource(resource: Resource, all: readonly Resource[]): Promise<void> {
    const context = this.contextOf(resource);
    const children = all.filter((candidate) => candidate.parent === resource);
    const pages = resource.parent
      ? this.pagesOfOrphanTransformer(resource, context)
      : pagesOfResource(resource, context);
    try {
      await this.consume(resource, context, pages, children, all);
    } catch (error) {
      if (error instanceof DltAthenaError) throw error;
      // The user's code failed: say which resource, and the cause the message may hide.
      const message = error instanceof Error ? error.message : String(error);
      const cause = describeCause(error);
      throw new LoadError(
        "resource_failed",
        `Pipeline step extract failed in resource \`${resource.name}\`: ${message}${cause && !message.includes(cause) ? ` (${cause})` : ""}`,
        { cause: error, meta: { resource: resource.name, ...(cause ? { cause } : {}) } },
      );
    }
  }

  /** A transformer whose parent was not selected: the parent runs only to feed it. */
  private async *pagesOfOrphanTransformer(resource: Resource, context: ResourceContext): AsyncGenerator<Item[]> {
    const parent = resource.parent!;
    const parentContext = this.contextOf(parent);
    for await (const page of parent.parent ? this.pagesOfOrphanTransformer(parent, parentContext) : pagesOfResource(parent, parentContext)) {
      for (const item of parent.options.incremental ? parent.options.incremental.filter(page, parent.name) : page) {
        yield* pagesOf(resource.transform!(item, context));
      }
    }
  }

  private async consume(
    resource: Resource,
    context: ResourceContext,
    pages: AsyncIterable<Item[]>,
    children: readonly Resource[],
    all: readonly Resource[],
  ): Promise<void> {
    const childContexts = children.map((child) => this.contextOf(child));
    for await (const rawPage of pages) {
      const page = context.incremental ? context.incremental.filter(rawPage, resource.name) : rawPage;
      this.items[resource.name] = (this.items[resource.name] ?? 0) + page.length;
      await this.writePage(resource, page);
      this.options.onProgress?.(resource.name, this.items[resource.name] ?? 0);
      for (const [index, child] of children.entries()) {
        const grandChildren = all.filter((candidate) => candidate.parent === child);
        for (const item of page) {
          const childContext = childContexts[index]!;
          await this.consume(child, childContext, pagesOf(child.transform!(item, childContext)), grandChildren, all);
        }
      }
    }
  }

  private rootTableOf(resource: Resource, item: Item): string {
    const tableName = resource.options.tableName;
    const raw = typeof tableName === "function" ? tableName(item) : (tableName ?? resource.name);
    return normalizeTableIdentifier(raw);
  }

  private normalizeContext(resource: Resource, table: string): NormalizeContext {
    let context = this.contexts.get(table);
    if (!context) {
      const { schema } = this.options;
      schema.applyHints(table, resourceHints(resource));
      context = normalizeContextFor(schema, table, this.options.loadId, { onCollision: this.onCollision });
      this.contexts.set(table, context);
    }
    return context;
  }

  private async writePage(resource: Resource, page: readonly Item[]): Promise<void> {
    for (const item of page) {
      const context = this.normalizeContext(resource, this.rootTableOf(resource, item));
      // The root row comes without a generator; flat items (the common case) never create one.
      const root = normalizeRoot(item, context);
      const rootBuffer = this.accept(root.table, root.row, this.coerceOptions(undefined));
      if (rootBuffer !== undefined && rootBuffer.rows.length >= FLUSH_ROWS) await this.flush(root.table, rootBuffer);
      if (rootBuffer === undefined || !root.hasNested) continue;
      const rows = normalizeNested(root);
      let next = rows.next();
      while (!next.done) {
        const [table, row, parent] = next.value;
        const buffer = this.accept(table, row, this.coerceOptions(parent));
        if (buffer !== undefined && buffer.rows.length >= FLUSH_ROWS) await this.flush(table, buffer);
        next = rows.next(buffer !== undefined);
      }
    }
  }

  /** `coerceRow` options per parent table, built once instead of per row. */
  private coerceOptions(parent: string | undefined): CoerceRowOptions {
    let options = this.coerceOptionsByParent.get(parent);
    if (!options) {
      const { contract } = this.options;
      options = { ...(parent !== undefined ? { parent } : {}), ...(contract ? { contract } : {}) };
      this.coerceOptionsByParent.set(parent, options);
    }
    return options;
  }

  /**
   * Coerces one row into its table and buffers it; returns the buffer (the caller flushes it when
   * full), or undefined when the contract discarded the row. Synchronous: a promise per row would
   * cost more than the rest of the row's bookkeeping.
   */
  private accept(table: string, row: Row, options: CoerceRowOptions): TableBuffer | undefined {
    const result = this.options.schema.coerceRow(table, row, options);
    if (result.kind === "discarded") return undefined;
    const buffer = this.bufferOf(table, options.parent === undefined);
    buffer.rows.push(result.row);
    return buffer;
  }

  /** The table's buffer; a table first met with root rows writes `_dlt_load_id` as a constant. */
  private bufferOf(table: string, isRoot: boolean, allowEmptyFile = false): TableBuffer {
    let buffer = this.tables.get(table);
    if (!buffer) {
      const { directory, instance, compression, maxRowsPerFile, maxBytesPerFile } = this.options;
      buffer = {
        rows: [],
        writer: new ParquetWriter({
          table,
          directory,
          instance,
          // The normalizer sets `_dlt_load_id` to the load id on every root row (nested rows have
          // none), so the writer can add it in the COPY instead of appending it row by row.
          ...(isRoot ? { constantColumns: { [C_DLT_LOAD_ID]: this.options.loadId } } : {}),
          ...(allowEmptyFile ? { allowEmptyFile } : {}),
          ...(compression ? { compression } : {}),
          ...(maxRowsPerFile ? { maxRowsPerFile } : {}),
          ...(maxBytesPerFile ? { maxBytesPerFile } : {}),
        }),
      };
      this.tables.set(table, buffer);
    }
    return buffer;
  }

  private async flush(table: string, buffer: TableBuffer): Promise<void> {
    if (buffer.rows.length === 0) return;
    const columns = Object.values(this.options.schema.getTable(table)?.columns ?? {});
    this.rows[table] = (this.rows[table] ?? 0) + buffer.rows.length;
    const rows = buffer.rows;
    buffer.rows = [];
    this.files.push(...(await buffer.writer.write(rows, columns)));
  }
}
