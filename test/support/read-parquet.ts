/**
 * Reads Parquet files back with hyparquet, a reader independent of the DuckDB writer. hyparquet
 * turns DECIMAL into JS numbers (inexact beyond 15 digits), so decimal columns are read raw
 * (their logical type stripped) and rebuilt here as exact strings from the unscaled integers.
 */
import { readFileSync } from "node:fs";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import type { FileMetaData, SchemaElement } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";

export interface ParquetContent {
  readonly metadata: FileMetaData;
  /** Leaf schema elements by column name. */
  readonly schema: ReadonlyMap<string, SchemaElement>;
  readonly rows: Record<string, unknown>[];
}

export async function readParquet(path: string): Promise<ParquetContent> {
  const file = toArrayBuffer(readFileSync(path));
  const metadata = parquetMetadata(file);
  const schema = new Map(metadata.schema.slice(1).map((element) => [element.name, element]));
  const decimalScales = new Map<string, number>();
  const rawSchema = metadata.schema.map((element) => {
    if (element.converted_type !== "DECIMAL") return element;
    decimalScales.set(element.name, element.scale ?? 0);
    const { converted_type: _converted, logical_type: _logical, ...raw } = element;
    return raw;
  });
  // utf8: false keeps BLOB (unannotated BYTE_ARRAY) as bytes; UTF8-annotated text stays text.
  const rows = (await parquetReadObjects({
    file,
    metadata: { ...metadata, schema: rawSchema },
    utf8: false,
  })) as Record<string, unknown>[];
  for (const row of rows) {
    for (const [name, scale] of decimalScales) {
      const raw = row[name];
      row[name] = raw === null || raw === undefined ? null : formatDecimal(unscaledOf(raw), scale);
    }
  }
  return { metadata, schema, rows };
}

/** Page types of every column chunk, walking the page headers from the first page on. */
export function pageTypesOf(path: string): Set<string> {
  const file = toArrayBuffer(readFileSync(path));
  const metadata = parquetMetadata(file);
  const types = new Set<string>();
  for (const group of metadata.row_groups) {
    for (const column of group.columns) {
      const meta = column.meta_data;
      if (meta === undefined) continue;
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      const reader = { view: new DataView(file), offset: start };
      while (reader.offset < end) {
        const header = parquetHeader(reader);
        types.add(header.type);
        reader.offset += header.compressed_page_size;
      }
    }
  }
  return types;
}

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

/** INT32 → number, INT64 → bigint, FIXED_LEN_BYTE_ARRAY → big-endian two's complement. */
function unscaledOf(raw: unknown): bigint {
  if (typeof raw === "number" || typeof raw === "bigint") return BigInt(raw);
  if (raw instanceof Uint8Array) {
    let value = 0n;
    for (const byte of raw) value = (value << 8n) | BigInt(byte);
    const bits = BigInt(raw.length * 8);
    return value >= 1n << (bits - 1n) ? value - (1n << bits) : value;
  }
  throw new Error(`unexpected raw decimal ${String(raw)}`);
}

function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
