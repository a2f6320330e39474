import type { ProgressEvent } from "../../pipeline/run-host.js";

/**
 * A spinner on stderr that follows the pipeline's progress events. Only for people: the caller
 * creates it when stderr is a terminal and `CI` is unset, so logs and scripts stay clean.
 */
export async function createProgress(): Promise<{ listener: (event: ProgressEvent) => void; clear: () => void; stop: () => void }> {
  const { default: ora } = await import("ora");
  // discardStdin would take over stdin, which spins when stdin is closed (CI, pipes).
  const spinner = ora({ stream: process.stderr, text: "starting", discardStdin: false }).start();
  let lastUpdate = 0;
  const listener = (event: ProgressEvent) => {
    // Extract events arrive per page; redrawing more than ~10 times a second only costs time.
    const now = Date.now();
    if (event.kind === "extract" && now - lastUpdate < 100) return;
    lastUpdate = now;
    if (event.kind === "extract") spinner.text = `extracting ${event.resource}: ${event.items.toLocaleString("en-US")} items`;
    else if (event.kind === "load") spinner.text = `loading ${event.loadId}: step ${event.done}/${event.total} (${event.step})`;
    else spinner.text = event.text;
  };
  // clear() before other output lines; the spinner redraws itself on its next frame.
  return { listener, clear: () => spinner.clear(), stop: () => spinner.stop() };
}
