/** Rows and bytes of each job file, written by extract and read by destinations for summaries. */
export const JOB_MANIFEST = "jobs.json";

export interface JobManifestEntry {
  readonly job: string;
  readonly table: string;
  readonly rows: number;
  readonly bytes: number;
}
