import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChessServer, startChessServer } from "../support/chess-server.js";
import type { CliResult } from "../support/cli.js";
import { LocalProject, type RunDocument, loadedRows, parseRun } from "../support/local-project.js";

// `init chess athena` as scaffolded, run against a local stand-in for api.chess.com. The CLI is
// spawned asynchronously: the fixture server runs in this process and must keep answering.
const fixtureGames = JSON.parse(readFileSync(new URL("../fixtures/chess/games.json", import.meta.url), "utf8")) as Record<string, Record<string, Array<{ url: string }>>>;
// The template loads 2022/11 through 2022/12; the fixtures also hold 2022/10, which it must skip.
const gamesInRange = Object.values(fixtureGames).flatMap((months) => [...(months["2022/11"] ?? []), ...(months["2022/12"] ?? [])]);
const DATASET = "chess_players_games_data";

const project = new LocalProject({ project: "chess" });
let server: ChessServer;
let first: RunDocument;
let second: RunDocument;
let secondRequests: string[];

async function run(): Promise<RunDocument> {
  const result: CliResult = await project.cliAsync(["run", "chess_pipeline.ts", "--local", "--json"], { SOURCES__CHESS__BASE_URL: server.baseUrl });
  return parseRun(result);
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const result = await project.cliAsync(["query", sql, "--local", "--json"]);
  if (result.status !== 0) throw new Error(`query failed: ${result.stdout}${result.stderr}`);
  return JSON.parse(result.stdout).rows;
}

beforeAll(async () => {
  server = await startChessServer();
  const init = await project.cliAsync(["init", "chess", "athena", "--dir", project.dir]);
  expect(init.status, init.stderr).toBe(0);
  project.link();
  first = await run();
  server.addGame("dommarajugukesh", "2022/12", { ...fixtureGames.dommarajugukesh!["2022/12"]![0]!, url: "https://www.chess.com/game/live/69999999999" });
  const before = server.requests.length;
  second = await run();
  secondRequests = server.requests.slice(before);
});
afterAll(async () => {
  await server?.close();
  project.cleanup();
});

describe("the scaffolded chess pipeline in local mode", () => {
  it("loads profiles, the archives in range and their games on the first run", async () => {
    expect(loadedRows(first)).toEqual([
      ["_dlt_pipeline_state", 1],
      ["players_archives", 6],
      ["players_games", gamesInRange.length],
      ["players_profiles", 4],
    ]);
    expect(await rows(`SELECT player, month FROM ${DATASET}.players_archives ORDER BY player, month`)).toEqual([
      { player: "dommarajugukesh", month: "2022/12" },
      { player: "magnuscarlsen", month: "2022/11" },
      { player: "magnuscarlsen", month: "2022/12" },
      { player: "rpragchess", month: "2022/11" },
      { player: "vincentkeymer", month: "2022/11" },
      { player: "vincentkeymer", month: "2022/12" },
    ]);
  });

  it("asks only for the newest archive month again on the second run", () => {
    expect(secondRequests.filter((path) => /\/games\/\d{4}\/\d{2}$/.test(path)).sort()).toEqual([
      "/pub/player/dommarajugukesh/games/2022/12",
      "/pub/player/magnuscarlsen/games/2022/12",
      "/pub/player/vincentkeymer/games/2022/12",
    ]);
  });

  it("loads only the new game on the second run, leaving no duplicate games", async () => {
    expect(loadedRows(second)).toContainEqual(["players_games", 1]);
    const games = await rows(`SELECT url, archive_month, white__username, black__username FROM ${DATASET}.players_games ORDER BY url`);
    expect(games.map((g) => g.url)).toEqual([...gamesInRange.map((g) => g.url), "https://www.chess.com/game/live/69999999999"].sort());
    expect(games.at(-1)).toMatchObject({ archive_month: "2022/12", white__username: expect.any(String) });
  });

  it("keeps one profile per player (merged by player_id) and replaces the archives", async () => {
    expect(second.loads[0]!.warnings).toEqual([]);
    expect(await rows(`SELECT username, count(*) AS n FROM ${DATASET}.players_profiles GROUP BY username ORDER BY username`)).toEqual([
      { username: "dommarajugukesh", n: 1 },
      { username: "magnuscarlsen", n: 1 },
      { username: "rpragchess", n: 1 },
      { username: "vincentkeymer", n: 1 },
    ]);
    expect(await rows(`SELECT count(*) AS n FROM ${DATASET}.players_archives`)).toEqual([{ n: 6 }]);
  });
});
