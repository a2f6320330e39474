/**
 * `pipeline <name> failed-jobs` and `pipeline <name> drop-pending-packages` (dlt's commands): list
 * the jobs of packages that failed for good, and discard the packages that are waiting to load.
 */
import { rm } from "node:fs/promises";
import { PACKAGE_FAILURE_FILE, listLoadPackages, openLoadPackage } from "../../packages/load-package.js";
import { acquirePipelineLock } from "../../pipeline/lock.js";
import { revertPackageState } from "../../pipeline/recovery.js";
import { printJson } from "../output/render.js";
import { requireState } from "./pipeline-context.js";
import type { PipelineContext } from "./pipeline-context.js";

export interface FailedJob {
  readonly load_id: string;
  readonly job: string;
  readonly table: string;
  readonly failure: string;
  readonly failed_at: string | null;
}

/** Every job in `failed_jobs/` of every package, oldest package first. */
export async function collectFailedJobs(root: string): Promise<FailedJob[]> {
  const failed: FailedJob[] = [];
  for (const summary of await listLoadPackages(root)) {
    const pkg = await openLoadPackage(root, summary.loadId);
    const packageFailure = await pkg.readJSON<{ reason?: string; failed_at?: string }>(PACKAGE_FAILURE_FILE);
    for (const job of await pkg.listJobs("failed")) {
      const reason = (await pkg.failureReason(job.name)) ?? packageFailure?.reason ?? "no reason recorded";
      failed.push({ load_id: summary.loadId, job: job.name, table: job.table, failure: reason, failed_at: packageFailure?.failed_at ?? null });
    }
  }
  return failed;
}

export async function showFailedJobs(ctx: PipelineContext): Promise<void> {
  await requireState(ctx);
  const jobs = await collectFailedJobs(ctx.folder.packagesRoot);
  if (ctx.options.json) return printJson(ctx.io, { pipeline_name: ctx.name, failed_jobs: jobs });
  if (jobs.length === 0) {
    ctx.io.stdout(`Pipeline "${ctx.name}" has no failed jobs.\n`);
    return;
  }
  const lines = [`Failed jobs of pipeline "${ctx.name}" (${jobs.length}):`];
  for (const job of jobs) lines.push(`  ${job.load_id}  ${job.job} (${job.table}): ${job.failure.replace(/\s+/g, " ").trim()}`);
  ctx.io.stdout(`${lines.join("\n")}\n`);
}

/**
 * Removes every package not loaded yet (pending, or left incomplete), newest first, holding the
 * pipeline lock; the working folder's state goes back to what it was before each was extracted.
 */
export async function dropPendingPackages(ctx: PipelineContext): Promise<void> {
  await requireState(ctx);
  const lock = await acquirePipelineLock(ctx.folder.path);
  const dropped: string[] = [];
  try {
    const pending = (await listLoadPackages(ctx.folder.packagesRoot)).filter((p) => p.state === "normalized" || p.state === "extracted" || p.state === "aborted");
    for (const summary of pending.reverse()) {
      if (summary.state === "normalized") await revertPackageState(ctx.folder, await openLoadPackage(ctx.folder.packagesRoot, summary.loadId));
      await rm(summary.path, { recursive: true, force: true });
      dropped.push(summary.loadId);
    }
  } finally {
    await lock.release();
  }
  dropped.reverse();
  if (ctx.options.json) return printJson(ctx.io, { pipeline_name: ctx.name, dropped_packages: dropped });
  ctx.io.stdout(
    dropped.length === 0
      ? `Pipeline "${ctx.name}" has no pending packages.\n`
      : `Dropped ${dropped.length} pending package(s) of pipeline "${ctx.name}": ${dropped.join(", ")}.\n`,
  );
}
