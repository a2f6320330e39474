import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { LoadPackage } from "../../src/packages/load-package.js";
import type { Destination, LoadContext, PackageLoadResult, RestoredState } from "../../src/destination/contract.js";
import { JOB_MANIFEST } from "../../src/packages/job-manifest.js";
import type { JobManifestEntry } from "../../src/packages/job-manifest.js";

/**
 * A destination for pipeline tests that copies every job file into a folder and remembers what
 * it received (the newest state and schemas too, which it hands back as a real destination
 * would), so tests see exactly what the pipeline handed over. `failNext` makes the next
 * load throw before anything is copied, as an interrupted load would.
 */
export class RecordingDestination implements Destination {
  readonly name = "recording";
  readonly location: string;
  readonly identity: string;
  readonly loads: Array<{ loadId: string; context: LoadContext; files: string[] }> = [];
  failNext: Error | undefined;
  restorable: RestoredState | undefined;

  constructor(readonly folder: string) {
    this.location = folder;
    this.identity = `recording:${folder}`;
  }

  async loadPackage(pkg: LoadPackage, context: LoadContext): Promise<PackageLoadResult> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    const manifest = (await pkg.readJSON<JobManifestEntry[]>(JOB_MANIFEST)) ?? [];
    const target = join(this.folder, pkg.loadId);
    await mkdir(target, { recursive: true });
    const files: string[] = [];
    for (const job of await pkg.listJobs("new")) {
      await copyFile(job.path, join(target, job.name));
      files.push(join(target, job.name));
      await pkg.startJob(job.name);
      await pkg.completeJob(job.name);
    }
    this.loads.push({ loadId: pkg.loadId, context, files });
    if (context.state) this.stored = { state: context.state, schemas: [context.schema] };
    return {
      jobs: manifest.map((entry) => ({ job: entry.job, table: entry.table, state: "completed", rows: entry.rows, bytes: entry.bytes })),
      queries: { count: 0, longestChain: 0, seconds: 0 },
      warnings: [],
    };
  }

  /** The state and schema of the newest package that carried a state. */
  private stored: RestoredState | undefined;

  async restoreState(): Promise<RestoredState | undefined> {
    return this.restorable ?? this.stored;
  }

  async close(): Promise<void> {}

  /** Files of a table received so far, over every load. */
  filesOf(table: string): string[] {
    return this.loads.flatMap((load) => load.files.filter((file) => file.split("/").pop()!.startsWith(`${table}.`)));
  }
}
