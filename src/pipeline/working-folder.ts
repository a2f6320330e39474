import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { ResolvedConfig } from "../config/resolve.js";
import { readJsonIfExists, writeJsonAtomic } from "../packages/atomic-file.js";
import type { StoredSchema } from "../schema/types.js";
import type { PipelineState } from "../state/pipeline-state.js";

/** `~/.dlt-athena/pipelines`, the default home of pipeline working folders. */
export function defaultPipelinesDir(): string {
  return join(homedir(), ".dlt-athena", "pipelines");
}

/** `[pipeline] pipelines_dir` (relative paths against `cwd`), else the default. */
export function pipelinesDirOf(config: ResolvedConfig, cwd: string = process.cwd()): string {
  return resolve(cwd, config.getString("pipeline.pipelines_dir") ?? defaultPipelinesDir());
}

/**
 * A pipeline's working folder: `state.json`, `schemas/<name>.schema.json`, `packages/<load_id>/`
 * and `trace.json`, all readable JSON.
 */
export class WorkingFolder {
  readonly path: string;

  constructor(pipelinesDir: string, pipelineName: string) {
    this.path = join(pipelinesDir, pipelineName);
  }

  get packagesRoot(): string {
    return join(this.path, "packages");
  }

  async ensure(): Promise<void> {
    await mkdir(this.packagesRoot, { recursive: true });
    await mkdir(join(this.path, "schemas"), { recursive: true });
  }

  readState(): Promise<PipelineState | undefined> {
    return readJsonIfExists<PipelineState>(join(this.path, "state.json"));
  }

  writeState(state: PipelineState): Promise<void> {
    return writeJsonAtomic(join(this.path, "state.json"), state);
  }

  readSchema(name: string): Promise<StoredSchema | undefined> {
    return readJsonIfExists<StoredSchema>(join(this.path, "schemas", `${name}.schema.json`));
  }

  writeSchema(schema: StoredSchema): Promise<void> {
    return writeJsonAtomic(join(this.path, "schemas", `${schema.name}.schema.json`), schema);
  }

  /** Removes every stored schema (a reset or a restore replaces them all). */
  async clearSchemas(): Promise<void> {
    await rm(join(this.path, "schemas"), { recursive: true, force: true });
    await mkdir(join(this.path, "schemas"), { recursive: true });
  }

  async listSchemas(): Promise<StoredSchema[]> {
    let names: string[];
    try {
      names = await readdir(join(this.path, "schemas"));
    } catch {
      return [];
    }
    const schemas: StoredSchema[] = [];
    for (const name of names.filter((n) => n.endsWith(".schema.json")).sort()) {
      schemas.push(JSON.parse(await readFile(join(this.path, "schemas", name), "utf8")) as StoredSchema);
    }
    return schemas;
  }

  writeTrace(trace: unknown): Promise<void> {
    return writeJsonAtomic(join(this.path, "trace.json"), trace);
  }

  readTrace<T>(): Promise<T | undefined> {
    return readJsonIfExists<T>(join(this.path, "trace.json"));
  }
}
