/** The source of "now"; tests pass a fixed or stepping clock instead of the system's. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stays where it is set; `advance` moves it forward. */
export function fixedClock(start: Date | string): Clock & { advance(ms: number): void; set(d: Date | string): void } {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance: (ms) => { t += ms; },
    set: (d) => { t = new Date(d).getTime(); },
  };
}

/**
 * Every congress using this works in Beijing time (UTC+8, no daylight saving): times are entered,
 * shown and written into records in it, whatever the server's own zone.
 */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * An instant as RFC 3339 in Beijing time, to the second: 2024-01-16T09:30:00+08:00. China has one
 * zone and no daylight saving, so the offset is always +08:00.
 */
export function beijingTime(d: Date): string {
  const t = new Date(Math.floor(d.getTime() / 1000) * 1000 + BEIJING_OFFSET_MS);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}+08:00`;
}

/** The calendar date (YYYY-MM-DD) of an RFC 3339 time in Beijing time, or of an instant. */
export function beijingDate(at: string | Date): string {
  if (typeof at === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/.test(at)) return at.slice(0, 10);
  const t = new Date(new Date(at).getTime() + BEIJING_OFFSET_MS);
  return t.toISOString().slice(0, 10);
}

/** "YYYY-MM-DD HH:MM" (or with a T) typed in Beijing time, as an instant; undefined when it is not such a time. */
export function parseBeijingMinute(text: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const at = new Date(`${m[1]}T${m[2]!.padStart(2, '0')}:${m[3]}:00+08:00`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
