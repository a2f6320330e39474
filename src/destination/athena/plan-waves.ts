/**
 * Groups planned steps into waves. Each step names the steps it must follow and the Iceberg
 * tables it commits to; a step goes into the first wave after all its dependencies in which no
 * other step commits to one of its tables (Athena raises ICEBERG_COMMIT_ERROR when two
 * statements commit to one table concurrently). Pure and deterministic: insertion order decides.
 */
import type { LoadStep } from "../plan.js";

interface Node {
  readonly step: LoadStep;
  readonly deps: readonly number[];
  readonly touches: readonly string[];
}

/**
 * A dependency graph of steps, built in dependency order (a step's dependencies are added first).
 *
 * @example
 * const g = new StepGraph();
 * const a = g.add(createDb, []);
 * g.add(createTable, [a], ["shop.orders"]);
 * g.toWaves(); // [[createDb], [createTable]]
 */
export class StepGraph {
  private readonly nodes: Node[] = [];

  /** Adds a step; `undefined` dependencies are ignored. Returns the step's index. */
  add(step: LoadStep, deps: Iterable<number | undefined>, touches: readonly string[] = []): number {
    const known = [...deps].filter((d): d is number => d !== undefined);
    this.nodes.push({ step, deps: [...new Set(known)], touches });
    return this.nodes.length - 1;
  }

  /** Indexes of every step added so far. */
  all(): number[] {
    return this.nodes.map((_, i) => i);
  }

  /** The steps, wave by wave. */
  toWaves(): LoadStep[][] {
    const waveOf: number[] = [];
    const committed = new Map<number, Set<string>>();
    for (const [index, node] of this.nodes.entries()) {
      let wave = Math.max(-1, ...node.deps.map((d) => waveOf[d] ?? -1)) + 1;
      while (node.touches.some((t) => committed.get(wave)?.has(t) === true)) wave += 1;
      waveOf[index] = wave;
      const set = committed.get(wave) ?? new Set<string>();
      for (const table of node.touches) set.add(table);
      committed.set(wave, set);
    }
    const waves: LoadStep[][] = [];
    for (const [index, node] of this.nodes.entries()) {
      const wave = waveOf[index] ?? 0;
      (waves[wave] ??= []).push(node.step);
    }
    return waves.filter((w) => w !== undefined && w.length > 0);
  }
}
