/**
 * All date and time arithmetic of ismsflow, on the Temporal API (the `temporal-polyfill` package):
 * exact instants for hours, the organisation's calendar (its IANA time zone) for days and months.
 * Pure and deterministic, so workflows and the API share it.
 *
 * Determinism: workflows replay this code, so the same inputs must always give the same instant.
 * The Temporal API's arithmetic is fixed by its specification (month ends constrained, a skipped
 * wall-clock time moved forward, a repeated one the earlier), and the polyfill is pinned to an
 * exact version in package.json: upgrade it only together with the replay tests. Zone rules come
 * from the runtime's ICU time-zone data (Node's), so every worker of a deployment runs the same
 * Node version. (date-fns' TZDate and UTCDate cannot serve here: they subclass Date, which the
 * workflow sandbox replaces with a function, so inside a workflow they silently become plain
 * dates in the worker's zone.)
 */
import { Temporal } from 'temporal-polyfill';

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** A calendar day, `YYYY-MM-DD`, in the organisation's time zone. */
export type CalendarDate = string;

/** Exact hours later (or earlier): hours run from the recorded instant, whatever the calendar does. */
export function addHours(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * HOUR_MS).toISOString();
}

const iso = (zoned: Temporal.ZonedDateTime) => new Date(zoned.epochMilliseconds).toISOString();
/** Epoch milliseconds are whole for the Temporal API (it throws on a fraction, which in a workflow would fail every task). */
const zoned = (instant: string | number, timeZone: string) =>
  Temporal.Instant.fromEpochMilliseconds(Math.floor(typeof instant === 'number' ? instant : Date.parse(instant))).toZonedDateTimeISO(timeZone);

/**
 * Whole months later on the organisation's calendar: the same day and wall-clock time, or the
 * month's last day when it has no such day (31 January -> 28/29 February). A wall-clock time a
 * DST change skips moves forward by the gap; one it repeats is the earlier of the two.
 */
export function addMonthsInZone(instant: string, months: number, timeZone: string): string {
  const later = zoned(instant, timeZone).add({ months }, { overflow: 'constrain' });
  return iso(later.toPlainDateTime().toZonedDateTime(timeZone, { disambiguation: 'compatible' }));
}

/**
 * Whole days later (or earlier) on the organisation's calendar: the same wall-clock time `days`
 * days on, so "14 days" across a DST change still ends on the 14th day there, not an hour off it
 * (and, late in the evening, on the wrong day). A skipped time moves forward, a repeated one is the earlier.
 */
export function addDaysInZone(instant: string, days: number, timeZone: string): string {
  return iso(zoned(instant, timeZone).add({ days }));
}

/** The calendar day it is at `instant` (ISO or epoch ms) in `timeZone`. */
export function localDate(instant: string | number, timeZone: string): CalendarDate {
  return zoned(instant, timeZone).toPlainDate().toString();
}

/** The instant (ISO) it is `hour:minute` on `date` in `timeZone` (a skipped time moves forward, a repeated one is the earlier). */
export function zonedInstant(date: CalendarDate, hour: number, minute: number, timeZone: string): string {
  return iso(Temporal.PlainDate.from(date).toZonedDateTime({ timeZone, plainTime: new Temporal.PlainTime(hour, minute) }));
}

/** The last minute of `date` in `timeZone`: what "due on that day" means for a person. */
export function endOfDay(date: CalendarDate, timeZone: string): string {
  return zonedInstant(date, 23, 59, timeZone);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

/** Whole months later, on the same day or the month's last day (29 Feb + 12 months = 28 Feb). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  return Temporal.PlainDate.from(date).add({ months }, { overflow: 'constrain' }).toString();
}

export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Temporal.PlainDate.from(from).until(to, { largestUnit: 'days' }).days;
}

/** JavaScript's weekday numbering (0 = Sunday), as working days are configured. */
export function weekday(date: CalendarDate): number {
  return Temporal.PlainDate.from(date).dayOfWeek % 7;
}

/** Is `timeZone` an IANA time zone the runtime knows? */
export function isTimeZone(timeZone: string): boolean {
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(timeZone);
    return true;
  } catch {
    return false;
  }
}
