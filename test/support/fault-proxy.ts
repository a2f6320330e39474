/**
 * An HTTP proxy on 127.0.0.1 that injects S3 faults in front of a test server: for a seeded,
 * deterministic share of requests it answers `503 SlowDown` (with S3's XML error body) or
 * destroys the socket (a network reset); everything else is forwarded unchanged. Headers,
 * including Host, pass through untouched, so SigV4 signatures still verify upstream.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FaultMode = "slowdown" | "reset";

export interface FaultProxyOptions {
  readonly targetPort: number;
  /** Share of requests that fail, 0..1. */
  readonly faultRate: number;
  readonly seed?: number;
  readonly modes?: readonly FaultMode[];
}

export interface FaultProxy {
  readonly endpoint: string;
  readonly stats: { requests: number; forwarded: number; slowdowns: number; resets: number };
  /** Change the fault rate, e.g. to 0 to verify results through the same proxy. */
  setFaultRate(rate: number): void;
  close(): Promise<void>;
}

const SLOW_DOWN_BODY =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>" +
  "<RequestId>FAULTPROXY</RequestId><HostId>fault-proxy</HostId></Error>";

/**
 * mulberry32: a tiny seeded PRNG, so a failing run can be replayed with the same seed.
 *
 * @example
 * const next = seededRandom(42); next(); // same sequence on every run
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Starts the proxy on an ephemeral port.
 *
 * @example
 * const proxy = await startFaultProxy({ targetPort: server.port, faultRate: 0.3, seed: 7 });
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed ?? 1);
  const modes = options.modes ?? ["slowdown", "reset"];
  let rate = options.faultRate;
  const stats = { requests: 0, forwarded: 0, slowdowns: 0, resets: 0 };
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  const server = createServer((req, res) => {
    stats.requests++;
    const roll = random();
    const mode = modes[Math.floor(random() * modes.length)] ?? "slowdown";
    if (roll < rate && mode === "reset") {
      stats.resets++;
      req.socket.destroy();
      return;
    }
    if (roll < rate) {
      stats.slowdowns++;
      // Drain the body first: answering mid-upload would turn the 503 into a reset.
      req.resume();
      req.on("end", () => {
        res.writeHead(503, { "content-type": "application/xml", connection: "close" });
        res.end(req.method === "HEAD" ? undefined : SLOW_DOWN_BODY);
      });
      return;
    }
    stats.forwarded++;
    forward(req, res, options.targetPort, agent);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    setFaultRate: (next) => (rate = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

function forward(req: IncomingMessage, res: ServerResponse, targetPort: number, agent: Agent): void {
  const upstream = request(
    { host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => req.socket.destroy());
  req.on("error", () => upstream.destroy());
  req.pipe(upstream);
}
