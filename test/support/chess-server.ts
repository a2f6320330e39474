import { readFileSync } from "node:fs";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

type Json = Record<string, unknown>;

const FIXTURES = new URL("../fixtures/chess/", import.meta.url);

/** `test/fixtures/chess/*.json`: profiles by player, and games by player and archive month (`YYYY/MM`). */
function readFixtures(): { players: Record<string, Json>; games: Record<string, Record<string, Json[]>> } {
  const read = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8"));
  return { players: read("players.json"), games: read("games.json") };
}

export interface ChessServer {
  /** What `SOURCES__CHESS__BASE_URL` is set to, e.g. `http://127.0.0.1:41234/pub`. */
  readonly baseUrl: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  /** Adds a game to a player's archive month (the month's archive is created when missing). */
  addGame(player: string, month: string, game: Json): void;
  close(): Promise<void>;
}

/**
 * A stand-in for the chess.com published-data API on 127.0.0.1 (an ephemeral port), serving
 * `/pub/player/<name>`, `/pub/player/<name>/games/archives` and `/pub/player/<name>/games/YYYY/MM`
 * from fixture JSON; archive URLs point back at this server. Anything else answers 404.
 *
 * @example
 * const server = await startChessServer();
 * runCli(["run", "chess_pipeline.ts", "--local"], { env: { SOURCES__CHESS__BASE_URL: server.baseUrl } });
 * await server.close();
 */
export async function startChessServer(): Promise<ChessServer> {
  const { players, games } = readFixtures();
  const requests: string[] = [];
  let baseUrl = "";

  const routes: Array<[RegExp, (match: RegExpMatchArray) => unknown]> = [
    [/^\/pub\/player\/([^/]+)$/, ([, name]) => players[name!]],
    [
      /^\/pub\/player\/([^/]+)\/games\/archives$/,
      ([, name]) => {
        const months = games[name!];
        if (!players[name!]) return undefined;
        return { archives: Object.keys(months ?? {}).sort().map((month) => `${baseUrl}/player/${name}/games/${month}`) };
      },
    ],
    [/^\/pub\/player\/([^/]+)\/games\/(\d{4}\/\d{2})$/, ([, name, month]) => {
      const monthGames = games[name!]?.[month!];
      return monthGames && { games: monthGames };
    }],
  ];

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    requests.push(path);
    for (const [pattern, handle] of routes) {
      const match = path.match(pattern);
      const body = match && handle(match);
      if (body) {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
        return;
      }
    }
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ code: 0, message: `${path} not found` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pub`;

  return {
    baseUrl,
    requests,
    addGame(player, month, game) {
      ((games[player] ??= {})[month] ??= []).push(game);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
