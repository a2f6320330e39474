import { snakeCaseKeys } from "../util/snake-case.js";
import type { LoadJobResult, QueryStats } from "../destination/contract.js";

export interface PackageInfo {
  readonly loadId: string;
  readonly state: "loaded" | "failed" | "normalized";
  readonly jobs: readonly LoadJobResult[];
  readonly queries: QueryStats;
  readonly warnings: readonly string[];
}

/** Requests sent again after a retryable failure (throttling, 5xx, resets), per service. */
export interface RetryInfo {
  readonly s3: number;
  readonly athena: number;
}

export interface TableInfo {
  readonly name: string;
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
}

/** What `pipeline.run` returns: every package loaded by the run, with tables, files and queries. */
export class LoadInfo {
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly destination: string;
  readonly location: string;
  readonly packages: readonly PackageInfo[];
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly retries: RetryInfo;
  /** Warnings of the run that belong to no package (a state reset, a package kept for another destination). */
  readonly runWarnings: readonly string[];

  constructor(
    init: Omit<LoadInfo, "loadIds" | "tables" | "hasFailedJobs" | "files" | "bytes" | "queries" | "warnings" | "runWarnings" | "toJSON" | "toString" | "retries"> & {
      readonly retries?: RetryInfo;
      readonly runWarnings?: readonly string[];
    },
  ) {
    this.pipelineName = init.pipelineName;
    this.datasetName = init.datasetName;
    this.destination = init.destination;
    this.location = init.location;
    this.packages = init.packages;
    this.startedAt = init.startedAt;
    this.finishedAt = init.finishedAt;
    this.retries = init.retries ?? { s3: 0, athena: 0 };
    this.runWarnings = init.runWarnings ?? [];
  }

  get loadIds(): string[] {
    return this.packages.map((p) => p.loadId);
  }

  get hasFailedJobs(): boolean {
    return this.packages.some((p) => p.jobs.some((j) => j.state === "failed"));
  }

  get files(): number {
    return this.packages.reduce((n, p) => n + p.jobs.length, 0);
  }

  get bytes(): number {
    return this.packages.reduce((n, p) => n + p.jobs.reduce((m, j) => m + (j.bytes ?? 0), 0), 0);
  }

  get queries(): QueryStats {
    return this.packages.reduce(
      (sum, p) => ({
        count: sum.count + p.queries.count,
        longestChain: sum.longestChain + p.queries.longestChain,
        seconds: sum.seconds + p.queries.seconds,
        ...(sum.bytesScanned !== undefined || p.queries.bytesScanned !== undefined
          ? { bytesScanned: (sum.bytesScanned ?? 0) + (p.queries.bytesScanned ?? 0) }
          : {}),
      }),
      { count: 0, longestChain: 0, seconds: 0 } as QueryStats,
    );
  }

  get warnings(): string[] {
    return [...this.runWarnings, ...this.packages.flatMap((p) => p.warnings)];
  }

  /** Rows, files and bytes per table, over every package. */
  get tables(): TableInfo[] {
    const byName = new Map<string, { rows: number; files: number; bytes: number }>();
    for (const job of this.packages.flatMap((p) => p.jobs)) {
      const entry = byName.get(job.table) ?? { rows: 0, files: 0, bytes: 0 };
      entry.rows += job.rows ?? 0;
      entry.files += 1;
      entry.bytes += job.bytes ?? 0;
      byName.set(job.table, entry);
    }
    return [...byName].map(([name, t]) => ({ name, ...t })).sort((a, b) => a.name.localeCompare(b.name));
  }

  toJSON(): Record<string, unknown> {
    return {
      pipeline_name: this.pipelineName,
      dataset_name: this.datasetName,
      destination: this.destination,
      location: this.location,
      load_ids: this.loadIds,
      started_at: this.startedAt.toISOString(),
      finished_at: this.finishedAt.toISOString(),
      has_failed_jobs: this.hasFailedJobs,
      tables: this.tables,
      files: this.files,
      bytes: this.bytes,
      queries: snakeCaseKeys(this.queries),
      retries: this.retries,
      warnings: this.warnings,
      run_warnings: this.runWarnings,
      packages: snakeCaseKeys(this.packages),
    };
  }

  /** A short human summary, like dlt's load info. */
  toString(): string {
    const seconds = ((this.finishedAt.getTime() - this.startedAt.getTime()) / 1000).toFixed(2);
    if (this.packages.length === 0) {
      return [`Pipeline ${this.pipelineName}: nothing to load (${seconds} s).`, ...this.warnings.map((w) => `  warning: ${w}`)].join("\n");
    }
    const lines = [
      `Pipeline ${this.pipelineName} loaded ${this.packages.length} package(s) into ${this.destination} dataset ${this.datasetName} at ${this.location} in ${seconds} s.`,
      ...this.tables.map((t) => `  ${t.name}: ${t.rows} rows in ${t.files} file(s), ${t.bytes} bytes`),
      `  queries: ${this.queries.count} (longest chain ${this.queries.longestChain})`,
      ...(this.retries.s3 + this.retries.athena > 0 ? [`  retries: s3 ${this.retries.s3}, athena ${this.retries.athena}`] : []),
      ...this.warnings.map((w) => `  warning: ${w}`),
    ];
    for (const job of this.packages.flatMap((p) => p.jobs).filter((j) => j.state === "failed")) {
      lines.push(`  FAILED ${job.job}: ${job.failure ?? "unknown reason"}`);
    }
    return lines.join("\n");
  }
}
