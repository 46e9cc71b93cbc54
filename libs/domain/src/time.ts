/**
 * All date and time arithmetic of ismsflow, on date-fns with @date-fns/tz: exact instants for
 * hours, the organisation's calendar (its IANA time zone) for days and months. Pure and
 * deterministic, so workflows and the API share it.
 *
 * Determinism: workflows replay this code, so the same inputs must always give the same instant.
 * date-fns and @date-fns/tz are pinned to exact versions in package.json: a new version could
 * resolve a month end or a DST gap differently and change the deadline a replaying workflow
 * computes, so upgrade them only together with the replay tests. Zone rules come from the
 * runtime's ICU time-zone data (Node's), so every worker of a deployment runs the same Node.
 */
import { TZDate } from '@date-fns/tz';
import { UTCDate } from '@date-fns/utc';
import { addDays as plusDays, addMonths as plusMonths, differenceInCalendarDays } from 'date-fns';

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** A calendar day, `YYYY-MM-DD`, in the organisation's time zone. */
export type CalendarDate = string;

/** Exact hours later (or earlier): hours run from the recorded instant, whatever the calendar does. */
export function addHours(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * HOUR_MS).toISOString();
}

const iso = (ms: number) => new Date(ms).toISOString();
/** A calendar day as a date-fns date on the UTC calendar, where days have no DST (and no zone data is needed). */
const day = (date: CalendarDate) => {
  const [y, m, d] = date.split('-').map(Number);
  return new UTCDate(y, m - 1, d);
};
const pad = (n: number) => String(n).padStart(2, '0');
/** `YYYY-MM-DD` of a date-fns date, on its own calendar (UTC or a zone). */
const dayString = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** The wall-clock time at `ms` in `timeZone`, as if it were UTC. */
const wallMs = (ms: number, timeZone: string) => ms - new TZDate(ms, timeZone).getTimezoneOffset() * 60_000;

/** Of the instants showing the same wall-clock time (the hour a DST change repeats), the earlier. */
function earliestSameWall(ms: number, timeZone: string): number {
  const wall = wallMs(ms, timeZone);
  for (const back of [HOUR_MS, HOUR_MS / 2]) if (wallMs(ms - back, timeZone) === wall) return ms - back;
  return ms;
}

/**
 * Whole months later on the organisation's calendar: the same day and wall-clock time, or the
 * month's last day when it has no such day (31 January -> 28/29 February). A wall-clock time a
 * DST change skips moves forward by the gap; one it repeats is the earlier of the two.
 */
export function addMonthsInZone(instant: string, months: number, timeZone: string): string {
  return iso(earliestSameWall(plusMonths(new TZDate(Date.parse(instant), timeZone), months).getTime(), timeZone));
}

/** The calendar day it is at `instant` (ISO or epoch ms) in `timeZone`. */
export function localDate(instant: string | number, timeZone: string): CalendarDate {
  return dayString(new TZDate(typeof instant === 'number' ? instant : Date.parse(instant), timeZone));
}

/** The instant (ISO) it is `hour:minute` on `date` in `timeZone` (a skipped time moves forward, a repeated one is the earlier). */
export function zonedInstant(date: CalendarDate, hour: number, minute: number, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return iso(earliestSameWall(new TZDate(y, m - 1, d, hour, minute, timeZone).getTime(), timeZone));
}

/** The last minute of `date` in `timeZone`: what "due on that day" means for a person. */
export function endOfDay(date: CalendarDate, timeZone: string): string {
  return zonedInstant(date, 23, 59, timeZone);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return dayString(plusDays(day(date), days));
}

/** Whole months later, on the same day or the month's last day (29 Feb + 12 months = 28 Feb). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  return dayString(plusMonths(day(date), months));
}

export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return differenceInCalendarDays(day(to), day(from));
}

/** JavaScript's weekday numbering (0 = Sunday), as working days are configured. */
export function weekday(date: CalendarDate): number {
  return day(date).getDay();
}

/** Is `date` a real calendar day written `YYYY-MM-DD`? */
export function isCalendarDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && dayString(day(date)) === date;
}

/** Is `timeZone` an IANA time zone the runtime knows? */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
