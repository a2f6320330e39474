import { describe, expect, it } from "vitest";
import { compareLoadIds, createLoadIdGenerator, isLoadId, newLoadId } from "../../../src/packages/load-id.js";

describe("load ids", () => {
  it("print a unix time in seconds like Python's str(time.time())", () => {
    expect(createLoadIdGenerator(() => 1_714_392_000_123.4567)()).toBe("1714392000.1234567");
    expect(createLoadIdGenerator(() => 1_714_392_000_500)()).toBe("1714392000.5");
    expect(createLoadIdGenerator(() => 1_714_392_000_000)()).toBe("1714392000.0");
    expect(createLoadIdGenerator(() => 1_714_392_000_000.25)()).toBe("1714392000.00025");
  });

  it("increase strictly when the clock stalls or steps back", () => {
    let now = 1_714_392_000_000;
    const next = createLoadIdGenerator(() => now);
    const first = next();
    const second = next(); // stalled
    now -= 5000; // stepped back
    const third = next();
    expect([first, second, third]).toEqual(["1714392000.0", "1714392000.0000001", "1714392000.0000002"]);
  });

  it("increase strictly across the process, whatever clock each call uses", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => newLoadId(i % 2 === 0 ? undefined : () => 0));
    for (let i = 1; i < ids.length; i++) {
      expect(compareLoadIds(ids[i - 1]!, ids[i]!)).toBe(-1);
    }
    expect(ids.every(isLoadId)).toBe(true);
    expect(Math.abs(Number(ids[0]) - Date.now() / 1000)).toBeLessThan(60);
  });

  it("sort numerically, not as text", () => {
    const ids = ["1714392001.5", "999.9", "1714392000.25", "1714392000.3", "1714392000.2500001", "1714392000"];
    expect([...ids].sort(compareLoadIds)).toEqual([
      "999.9",
      "1714392000",
      "1714392000.25",
      "1714392000.2500001",
      "1714392000.3",
      "1714392001.5",
    ]);
    expect(compareLoadIds("5.10", "5.1")).toBe(0);
  });

  it("recognise their shape", () => {
    expect(["1714392000.5", "1714392000"].map(isLoadId)).toEqual([true, true]);
    expect([".1714392000.5.tmp", "1714392000.", "abc", "", "1.2.3"].map(isLoadId)).toEqual([false, false, false, false, false]);
  });
});
