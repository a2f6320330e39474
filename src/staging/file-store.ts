/**
 * A local folder as a staging bucket (`file://` bucket URLs and `--local` mode). Writes are
 * atomic (temp file in the same folder + rename), so a reader such as DuckDB never sees half a
 * Parquet file, and a crash leaves at most a stray temp file that listings skip.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { LoadError } from "../errors.js";
import type { ObjectInfo, ObjectStore, PutBody } from "./object-store.js";

// Temp files start with this marker; listings hide them.
const TEMP_MARKER = ".dlt-athena-tmp-";

/**
 * Creates a store rooted at an absolute folder (created on first write).
 *
 * @example
 * const store = createFileStore("/p/.dlt/local/bucket");
 * await store.put("shop_data/orders/1.a.parquet", { path: "/tmp/job.parquet" });
 */
export function createFileStore(root: string): FileStore {
  return new FileStore(root);
}

export class FileStore implements ObjectStore {
  readonly root: string;
  readonly url: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.url = `file://${this.root}`;
  }

  async put(key: string, body: PutBody): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = join(dirname(target), `${TEMP_MARKER}${randomBytes(6).toString("hex")}`);
    try {
      await writeBody(temp, body);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw new LoadError("staging_upload_failed", `Could not write ${this.url}/${key}: ${messageOf(error)}`, {
        cause: error,
        meta: { key },
      });
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (codeOf(error) === "ENOENT") {
        throw new LoadError("staging_object_not_found", `No object at ${this.url}/${key}.`, { meta: { key } });
      }
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (codeOf(error) === "ENOENT" || codeOf(error) === "ENOTDIR") return false;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // Walk only the deepest folder the prefix names, then filter by the full string prefix
    // (S3 semantics: "orders" matches "orders/…" and "orders_archive/…", "orders/" only the first).
    const folderKey = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    const start = folderKey === "" ? this.root : this.pathOf(folderKey);
    const found: ObjectInfo[] = [];
    await walk(start, async (path) => {
      const key = relative(this.root, path).split(sep).join("/");
      if (key.startsWith(prefix)) found.push({ key, size: (await stat(path)).size });
    });
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    yield* found;
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) await rm(this.pathOf(key), { force: true });
  }

  /** Maps a key to a path under the root, refusing keys that would escape it. */
  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (key === "" || key.startsWith("/") || !path.startsWith(this.root + sep)) {
      throw new LoadError("invalid_staging_key", `The key '${key}' is outside the staging folder ${this.url}.`, {
        meta: { key },
      });
    }
    return path;
  }
}

async function writeBody(path: string, body: PutBody): Promise<void> {
  if (typeof body === "string" || body instanceof Uint8Array) {
    await writeFile(path, body);
  } else if (body instanceof Readable) {
    await pipeline(body, createWriteStream(path));
  } else {
    // copyFile may use reflinks (copy-on-write) where the file system supports them.
    await copyFile(body.path, path);
  }
}

async function walk(folder: string, onFile: (path: string) => Promise<void>): Promise<void> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (codeOf(error) === "ENOENT" || codeOf(error) === "ENOTDIR") return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(TEMP_MARKER)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await walk(path, onFile);
    else if (entry.isFile()) await onFile(path);
  }
}

function codeOf(error: unknown): string | undefined {
  return (error as { code?: unknown } | null)?.code as string | undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
