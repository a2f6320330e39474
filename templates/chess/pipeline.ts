/**
 * Loads chess.com players and their games into Athena.
 *
 *   dlt-athena run chess_pipeline.ts           # into AWS (fill in .dlt/secrets.toml first)
 *   dlt-athena run chess_pipeline.ts --local   # into the embedded local engine, no AWS needed
 */
import { pipeline } from "dlt-athena";
import { chessSource } from "./chess/index.js";

const chessPipeline = pipeline({
  pipelineName: "chess_pipeline",
  destination: "athena",
  staging: "filesystem",
  datasetName: "chess_players_games_data",
});

// `dlt-athena run` prints the load summary (or `--json`); the returned LoadInfo is there for scripts.
await chessPipeline.run(
  chessSource({
    players: ["magnuscarlsen", "vincentkeymer", "dommarajugukesh", "rpragchess"],
    startMonth: "2022/11",
    endMonth: "2022/12",
  }),
);
