import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { dropPipeline } from "../../../src/cli/commands/pipeline-drop.js";
import { pipelineContext } from "../../../src/cli/commands/pipeline-context.js";
import type { CliIo } from "../../../src/cli/io.js";
import type { Prompter } from "../../../src/cli/prompt.js";
import { newPipelineState } from "../../../src/state/pipeline-state.js";
import { WorkingFolder } from "../../../src/pipeline/working-folder.js";
import { makeTempDir } from "../../support/temp.js";

// A pipeline whose project has no local database yet: the drop only concerns its working folder,
// which is enough to pin the confirmation rules without an engine.

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function setup(answers: { canPrompt: boolean; answer?: boolean }) {
  const temp = makeTempDir();
  cleanup = temp.cleanup;
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isInteractive: answers.canPrompt, env: { PIPELINE__PIPELINES_DIR: `${temp.dir}/pipelines` }, cwd: temp.dir };
  const folder = new WorkingFolder(`${temp.dir}/pipelines`, "shop");
  await folder.ensure();
  await folder.writeState(newPipelineState("shop", "shop_data"));
  const asked: string[] = [];
  const prompter: Prompter = {
    canPrompt: () => answers.canPrompt,
    confirm: async (_io, question) => {
      asked.push(question);
      return answers.answer ?? false;
    },
  };
  return { io, folder, prompter, asked, out, err };
}

describe("pipeline drop confirmation", () => {
  it("refuses with confirmation_required when nobody can answer and --yes is missing", async () => {
    const { io, folder, prompter } = await setup({ canPrompt: false });
    await expect(dropPipeline(pipelineContext(io, "shop", { local: true }), prompter)).rejects.toMatchObject({ code: "confirmation_required", kind: "usage" });
    expect(existsSync(folder.path)).toBe(true);
  });

  it("keeps everything when the person answers no", async () => {
    const { io, folder, prompter, asked, err } = await setup({ canPrompt: true, answer: false });
    await dropPipeline(pipelineContext(io, "shop", { local: true }), prompter);
    expect(asked).toEqual(["Do you want to proceed?"]);
    expect(err.join("")).toContain("Nothing was dropped.");
    expect(existsSync(folder.path)).toBe(true);
  });

  it("removes the working folder after a yes, and without asking with --yes", async () => {
    const first = await setup({ canPrompt: true, answer: true });
    await dropPipeline(pipelineContext(first.io, "shop", { local: true }), first.prompter);
    expect(existsSync(first.folder.path)).toBe(false);
    cleanup?.();
    const second = await setup({ canPrompt: false });
    await dropPipeline(pipelineContext(second.io, "shop", { local: true, yes: true }), second.prompter);
    expect(second.asked).toEqual([]);
    expect(existsSync(second.folder.path)).toBe(false);
    expect(second.out.join("")).toContain("Dropped pipeline shop from athena (local) dataset shop_data: 0 table(s)");
  });
});
