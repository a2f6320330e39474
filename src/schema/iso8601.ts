/**
 * The ISO-8601 forms dlt accepts (`parse_iso_like_datetime`: pendulum's ISO-8601 parser, then its
 * "common" fallback), as one small parser: extended and basic dates, week dates (`2024-W03-1`),
 * ordinal dates (`2024-015`), hour-only and basic times, `,` or `.` fractions, offsets `Z`, `±HH`,
 * `±HHMM`, `±HH:MM`; then `YYYY/MM/DD[ HH:MM[:SS][.f]]`. Times without an offset are UTC.
 */

/** What a string parsed into: a date-time, a plain date, or a time of day. */
export interface ParsedTemporal {
  readonly kind: "datetime" | "date" | "time";
  /** Milliseconds since the epoch (UTC) for `datetime` and `date`; since midnight for `time`. */
  readonly epochMs: number;
  /** The microseconds below the millisecond (0–999), which a JS `Date` cannot hold. */
  readonly micros: number;
}

const EXT_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const BASIC_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const EXT_WEEK = /^(\d{4})-W(\d{2})(?:-(\d))?$/;
const BASIC_WEEK = /^(\d{4})W(\d{2})(\d)?$/;
const EXT_ORDINAL = /^(\d{4})-(\d{3})$/;
const BASIC_ORDINAL = /^(\d{4})(\d{3})$/;
const EXT_TIME = /^(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?$/;
const BASIC_TIME = /^(\d{2})(?:(\d{2})(?:(\d{2})(?:[.,](\d+))?)?)?$/;
const OFFSET = /(Z|[+-]\d{2}(?::?\d{2})?)$/;
// pendulum's COMMON fallback: `YYYY[[/:]MM[/:]DD]` and/or `[ ]H:M[:S][.f]`.
const COMMON = /^(?:(\d{4})(?:[/:]?(\d{2})[/:]?(\d{2}))?)?(?: ?(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:[.,|](\d{1,9}))?)?$/;

const DAY_MS = 86_400_000;

/**
 * Parses what dlt's `parse_iso_like_datetime` parses; `undefined` for anything else.
 *
 * @example
 * parseIsoLike("20240115T100000Z"); // { kind: "datetime", epochMs: Date.UTC(2024, 0, 15, 10), micros: 0 }
 * parseIsoLike("2024-W03-1")?.kind; // "date"
 */
export function parseIsoLike(value: string): ParsedTemporal | undefined {
  const first = value.charCodeAt(0);
  // Most text is no date: a quick look at the first character avoids the regexes.
  if (!(first >= 48 && first <= 57) && first !== 84 /* T */) return undefined;
  return parseIso8601(value) ?? parseCommon(value);
}

function parseIso8601(value: string): ParsedTemporal | undefined {
  let datePart = value;
  let timePart: string | undefined;
  const sep = indexOfSeparator(value);
  if (sep >= 0) {
    datePart = value.slice(0, sep);
    timePart = value.slice(sep + 1);
  }
  if (datePart === "") {
    return timePart === undefined ? undefined : timeOnly(timePart);
  }
  const date = parseDatePart(datePart);
  if (date === undefined) return undefined;
  if (timePart === undefined) return { kind: "date", epochMs: date.epochMs, micros: 0 };
  let offsetMinutes = 0;
  const offset = OFFSET.exec(timePart);
  if (offset !== null) {
    const minutes = offsetOf(offset[1]!);
    if (minutes === undefined) return undefined;
    offsetMinutes = minutes;
    timePart = timePart.slice(0, timePart.length - offset[1]!.length);
  }
  const time = (date.isBasic === false ? EXT_TIME : date.isBasic === true ? BASIC_TIME : EXT_TIME).exec(timePart) ??
    (date.isBasic === undefined ? BASIC_TIME.exec(timePart) : null);
  if (time === null) return undefined;
  const clock = clockOf(time[1], time[2], time[3], time[4]);
  if (clock === undefined) return undefined;
  return { kind: "datetime", epochMs: date.epochMs + clock.ms - offsetMinutes * 60_000, micros: clock.micros };
}

/** The position of the date/time separator (`T`, or one space), or -1. */
function indexOfSeparator(value: string): number {
  const t = value.indexOf("T");
  return t >= 0 ? t : value.indexOf(" ");
}

function timeOnly(timePart: string): ParsedTemporal | undefined {
  const time = EXT_TIME.exec(timePart);
  const clock = time === null ? undefined : clockOf(time[1], time[2], time[3], time[4]);
  return clock === undefined ? undefined : { kind: "time", epochMs: clock.ms, micros: clock.micros };
}

interface DatePart {
  readonly epochMs: number;
  /** Basic (no `-`), extended, or year only (either). */
  readonly isBasic: boolean | undefined;
}

function parseDatePart(text: string): DatePart | undefined {
  let m = EXT_DATE.exec(text);
  if (m !== null) {
    const epochMs = calendarDay(Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), m[3] === undefined ? 1 : Number(m[3]));
    return epochMs === undefined ? undefined : { epochMs, isBasic: m[2] === undefined ? undefined : false };
  }
  if ((m = BASIC_DATE.exec(text)) !== null) {
    const epochMs = calendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
    return epochMs === undefined ? undefined : { epochMs, isBasic: true };
  }
  const week = EXT_WEEK.exec(text) ?? BASIC_WEEK.exec(text);
  if (week !== null) {
    const epochMs = weekDay(Number(week[1]), Number(week[2]), week[3] === undefined ? 1 : Number(week[3]));
    return epochMs === undefined ? undefined : { epochMs, isBasic: !text.includes("-") };
  }
  const ordinal = EXT_ORDINAL.exec(text) ?? BASIC_ORDINAL.exec(text);
  if (ordinal !== null) {
    const year = Number(ordinal[1]);
    const day = Number(ordinal[2]);
    if (day < 1 || day > (isLeapYear(year) ? 366 : 365)) return undefined;
    return { epochMs: utcDay(year, 0, 1) + (day - 1) * DAY_MS, isBasic: !text.includes("-") };
  }
  return undefined;
}

function parseCommon(value: string): ParsedTemporal | undefined {
  const m = COMMON.exec(value);
  if (m === null || (m[1] === undefined && m[4] === undefined)) return undefined;
  const clock = m[4] === undefined ? { ms: 0, micros: 0 } : clockOf(m[4], m[5], m[6], m[7]);
  if (clock === undefined) return undefined;
  if (m[1] === undefined) return { kind: "time", epochMs: clock.ms, micros: clock.micros };
  const day = calendarDay(Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), m[3] === undefined ? 1 : Number(m[3]));
  if (day === undefined) return undefined;
  return m[4] === undefined ? { kind: "date", epochMs: day, micros: 0 } : { kind: "datetime", epochMs: day + clock.ms, micros: clock.micros };
}

function clockOf(h: string | undefined, mi: string | undefined, s: string | undefined, frac: string | undefined): { ms: number; micros: number } | undefined {
  const hour = Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const digits = ((frac ?? "") + "000000").slice(0, 6);
  const fraction = Number(digits);
  return { ms: ((hour * 60 + minute) * 60 + second) * 1000 + Math.floor(fraction / 1000), micros: fraction % 1000 };
}

function offsetOf(text: string): number | undefined {
  if (text === "Z") return 0;
  const sign = text.startsWith("-") ? -1 : 1;
  const digits = text.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4) || "0");
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

function utcDay(year: number, monthIndex: number, day: number): number {
  const date = new Date(Date.UTC(2000, monthIndex, day));
  date.setUTCFullYear(year);
  return date.getTime();
}

function calendarDay(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const epochMs = utcDay(year, month - 1, day);
  const date = new Date(epochMs);
  // 2024-02-30 would roll over into March: such dates are invalid.
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1 ? epochMs : undefined;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** ISO week dates: week 1 holds January 4th; a year has 53 weeks when it starts on a Thursday (or a Wednesday, in leap years). */
function weekDay(year: number, week: number, weekday: number): number | undefined {
  const jan1 = (new Date(utcDay(year, 0, 1)).getUTCDay() + 6) % 7; // 0 = Monday
  const weeks = jan1 === 3 || (jan1 === 2 && isLeapYear(year)) ? 53 : 52;
  if (week < 1 || week > weeks || weekday < 1 || weekday > 7) return undefined;
  const jan4 = utcDay(year, 0, 4);
  const jan4Weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  const week1Monday = jan4 - jan4Weekday * DAY_MS;
  return week1Monday + ((week - 1) * 7 + (weekday - 1)) * DAY_MS;
}
