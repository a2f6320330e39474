import type { ResolvedConfig } from "../config/resolve.js";
import { ConfigError } from "../errors.js";
import type { ParquetCompression } from "../writers/parquet-writer.js";

/** `[normalize.data_writer]`: the Parquet codec and file rotation limits. */
export function writerSettingsOf(config: ResolvedConfig): { compression: ParquetCompression; maxRowsPerFile?: number; maxBytesPerFile?: number } {
  const compression = config.getString("normalize.data_writer.compression") ?? "snappy";
  if (compression !== "snappy" && compression !== "zstd") {
    throw new ConfigError(
      "invalid_config_value",
      `[normalize.data_writer] compression must be "snappy" or "zstd", got "${compression}" (env NORMALIZE__DATA_WRITER__COMPRESSION).`,
      { meta: { key: "normalize.data_writer.compression" } },
    );
  }
  const maxRowsPerFile = config.getInteger("normalize.data_writer.file_max_items");
  const maxBytesPerFile = config.getInteger("normalize.data_writer.file_max_bytes");
  return {
    compression,
    ...(maxRowsPerFile !== undefined ? { maxRowsPerFile } : {}),
    ...(maxBytesPerFile !== undefined ? { maxBytesPerFile } : {}),
  };
}

