/**
 * A source for the public chess.com API (https://www.chess.com/news/view/published-data-api):
 * player profiles, the list of monthly game archives, and the games of each month, loaded
 * incrementally by archive month so a second run only asks for new months.
 */
import { readFileSync } from "node:fs";
import { configValue, incremental, resource, source } from "dlt-athena";

export interface ChessOptions {
  /** chess.com user names. */
  readonly players: readonly string[];
  /** First archive month to load, `YYYY/MM` (inclusive). */
  readonly startMonth?: string;
  /** Last archive month to load, `YYYY/MM` (inclusive). */
  readonly endMonth?: string;
  /** API root; default `[sources.chess] base_url` in .dlt/config.toml or `SOURCES__CHESS__BASE_URL`. */
  readonly baseUrl?: string;
  /**
   * Answer from the bundled sample of API responses (`chess/sample.json`) instead of chess.com;
   * default `[sources.chess] offline` or `SOURCES__CHESS__OFFLINE`.
   */
  readonly offline?: boolean;
}

const DEFAULT_BASE_URL = "https://api.chess.com/pub";

interface Archives {
  readonly archives: readonly string[];
}

interface MonthOfGames {
  readonly games: ReadonlyArray<Record<string, unknown>>;
}

type GetJson = <T>(url: string) => Promise<T>;

async function fetchJson<T>(url: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { "User-Agent": "dlt-athena chess source" } });
  } catch (error) {
    // fetch says only "fetch failed"; the reason (ENOTFOUND, ECONNREFUSED, …) is its cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`GET ${url} failed: ${cause?.code ?? cause?.message ?? String(error)}. Offline? Set offline = true under [sources.chess] to use the bundled sample.`, { cause: error });
  }
  if (!response.ok) throw new Error(`GET ${url} answered HTTP ${response.status} ${response.statusText}`);
  return (await response.json()) as T;
}

/** Serves the bundled sample: the path of a URL under the API root picks the response. */
function sampleJson(baseUrl: string): GetJson {
  const { responses } = JSON.parse(readFileSync(new URL("./sample.json", import.meta.url), "utf8")) as { responses: Record<string, unknown> };
  return async <T>(url: string) => {
    const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url.replace(/^https:\/\/api\.chess\.com\/pub/, "");
    if (!(path in responses)) throw new Error(`${url} is not in the offline sample (chess/sample.json); set offline = false to ask chess.com.`);
    return responses[path] as T;
  };
}

function isOn(value: unknown): boolean {
  return value === true || (typeof value === "string" && ["true", "1", "yes"].includes(value.toLowerCase()));
}

/** `https://…/games/2022/11` → `2022/11` */
function monthOf(archiveUrl: string): string {
  return archiveUrl.split("/").slice(-2).join("/");
}

export function chessSource(options: ChessOptions) {
  const baseUrl = (options.baseUrl ?? configValue<string>("sources.chess.base_url") ?? DEFAULT_BASE_URL).replace(/\/$/, "");
  const players = options.players.map((name) => name.toLowerCase());
  const getJson: GetJson = (options.offline ?? isOn(configValue("sources.chess.offline"))) ? sampleJson(baseUrl) : fetchJson;

  const inRange = (month: string) =>
    (options.startMonth === undefined || month >= options.startMonth) &&
    (options.endMonth === undefined || month <= options.endMonth);

  return source("chess", () => {
    const playersProfiles = resource(
      async function* () {
        for (const player of players) yield await getJson<Record<string, unknown>>(`${baseUrl}/player/${player}`);
      },
      // Merging needs an Iceberg table on Athena: into a Hive table the rows would be appended.
      { name: "players_profiles", writeDisposition: "merge", primaryKey: "player_id", tableFormat: "iceberg" },
    );

    const playersArchives = resource(
      async function* () {
        for (const player of players) {
          const { archives } = await getJson<Archives>(`${baseUrl}/player/${player}/games/archives`);
          yield archives.filter((url) => inRange(monthOf(url))).map((url) => ({ player, url, month: monthOf(url) }));
        }
      },
      { name: "players_archives", writeDisposition: "replace" },
    );

    // Each game row carries the archive month it came from; the cursor remembers the newest month
    // loaded, so the next run skips every archive before it (the current month is fetched again,
    // and games already loaded are dropped by their url).
    const playersGames = resource(
      async function* ({ incremental: cursor }) {
        const lastMonth = cursor?.lastValue as string | undefined;
        for (const player of players) {
          const { archives } = await getJson<Archives>(`${baseUrl}/player/${player}/games/archives`);
          for (const url of archives) {
            const month = monthOf(url);
            if (!inRange(month) || (lastMonth !== undefined && month < lastMonth)) continue;
            const { games } = await getJson<MonthOfGames>(url);
            yield games.map((game) => ({ ...game, archive_month: month }));
          }
        }
      },
      {
        name: "players_games",
        writeDisposition: "append",
        incremental: incremental("archive_month", { primaryKey: "url" }),
      },
    );

    return [playersProfiles, playersArchives, playersGames];
  });
}
