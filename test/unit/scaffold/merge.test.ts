import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { mergeLines, mergeToml } from "../../../src/scaffold/merge.js";

describe("mergeToml", () => {
  it("adds missing keys inside an existing section and keeps set values, comments and placeholders", () => {
    const existing = '# my notes\n[a]\nx = "mine" # keep\n\n[b]\ny = "please set me up!"\n';
    const template = '[a]\nx = "template"\nz = 3\n\n[b]\ny = "template"\n\n[c]\n# only a comment\n';
    const merged = mergeToml(existing, template);
    expect(merged.added).toEqual(["a.z", "[c]"]);
    expect(merged.text).toBe('# my notes\n[a]\nx = "mine" # keep\nz = 3\n\n[b]\ny = "please set me up!"\n\n[c]\n# only a comment\n');
  });

  it("adds a parent section after its sub-section exists, as TOML allows", () => {
    const merged = mergeToml('[a.credentials]\nkey = "k"\n', '[a]\nbucket = "b"\n\n[a.credentials]\nkey = "t"\nregion = "r"\n');
    expect(parse(merged.text)).toEqual({ a: { bucket: "b", credentials: { key: "k", region: "r" } } });
  });

  it("changes nothing when every key is there", () => {
    const existing = "[a]\nx = 1\n";
    expect(mergeToml(existing, "[a]\nx = 2\n")).toEqual({ text: existing, added: [] });
  });

  it("refuses a file that is not TOML", () => {
    expect(() => mergeToml("[a\nx =", "[a]\nx = 1\n")).toThrow();
  });
});

describe("mergeLines", () => {
  it("appends only the lines that are missing", () => {
    const merged = mergeLines("node_modules/\ndist/", "# comment\nnode_modules/\n.dlt/secrets.toml\n");
    expect(merged.added).toEqual([".dlt/secrets.toml"]);
    expect(merged.text).toBe("node_modules/\ndist/\n\n# dlt-athena\n.dlt/secrets.toml\n");
  });
});
