import { UsageError } from "../errors.js";
import type { SchemaContract } from "../schema/types.js";
import { Resource } from "./resource.js";

export interface SourceOptions {
  readonly schemaContract?: SchemaContract;
  readonly maxTableNesting?: number;
}

/** A group of resources sharing one schema (named after the source). */
export class Source {
  readonly name: string;
  readonly options: SourceOptions;
  private readonly factory: () => readonly Resource[];

  constructor(name: string, factory: () => readonly Resource[], options: SourceOptions = {}) {
    this.name = name;
    this.factory = factory;
    this.options = options;
  }

  /** The source's resources; names must be unique. */
  resources(): Resource[] {
    const resources = [...this.factory()];
    const seen = new Set<string>();
    for (const r of resources) {
      if (!(r instanceof Resource)) {
        throw new UsageError("invalid_source", `Source "${this.name}" must return resources created with resource() or transformer().`);
      }
      if (seen.has(r.name)) {
        throw new UsageError("duplicate_resource", `Source "${this.name}" has two resources named "${r.name}": give each a unique name.`);
      }
      seen.add(r.name);
    }
    return resources;
  }
}

/**
 * Groups resources into a source; its name becomes the schema name.
 *
 * @example
 * const shop = source("shop", () => [orders, customers]);
 * await pipeline({ pipelineName: "shop" }).run(shop);
 */
export function source(name: string, factory: () => readonly Resource[], options: SourceOptions = {}): Source {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UsageError("invalid_source_name", `"${name}" is not a valid source name: use letters, digits and underscores.`);
  }
  return new Source(name, factory, options);
}
