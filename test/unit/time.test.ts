import { addDays, addMonths, addMonthsInZone, daysBetween, endOfDay, isCalendarDate, isTimeZone, localDate, weekday, zonedInstant } from '../../libs/domain/src';

/** DOMAIN.md section 4, "Counting time": months and days on the organisation's calendar. */
describe('months on the organisation calendar', () => {
  it.each([
    // instant, zone, one month later
    ['2027-01-30T23:30:00.000Z', 'Europe/Berlin', '2027-02-27T23:30:00.000Z'], // 31 Jan 00:30 Berlin -> 28 Feb 00:30 Berlin (UTC would say 1 March in Berlin)
    ['2028-01-30T23:30:00.000Z', 'Europe/Berlin', '2028-02-28T23:30:00.000Z'], // leap year: 31 Jan -> 29 Feb
    ['2026-03-04T20:00:00.000Z', 'Europe/Berlin', '2026-04-04T19:00:00.000Z'], // across the spring change: same wall clock, one hour less UTC
    ['2026-10-04T20:00:00.000Z', 'Europe/Berlin', '2026-11-04T21:00:00.000Z'], // across the autumn change
    ['2027-02-28T01:30:00.000Z', 'Europe/Berlin', '2027-03-28T01:30:00.000Z'], // 02:30 does not exist on 28 March 2027: 03:30 CEST
    ['2026-10-01T05:30:00.000Z', 'America/New_York', '2026-11-01T05:30:00.000Z'], // 01:30 happens twice on 1 Nov 2026: the earlier
    ['2026-12-31T23:30:00.000Z', 'UTC', '2027-01-31T23:30:00.000Z'],
    ['2026-08-31T22:00:00.000Z', 'Asia/Kolkata', '2026-09-30T22:00:00.000Z'], // 1 Sep 03:30 IST -> 1 Oct 03:30 IST
  ])('%s in %s + 1 month = %s', (from, zone, to) => expect(addMonthsInZone(from, 1, zone)).toBe(to));
});

describe('days in a zone', () => {
  it('midnight belongs to the day it starts, in the organisation zone', () => {
    expect(localDate('2026-11-24T23:30:00.000Z', 'Europe/Berlin')).toBe('2026-11-25');
    expect(localDate('2026-11-24T23:30:00.000Z', 'America/New_York')).toBe('2026-11-24');
    expect(localDate(Date.parse('2026-11-24T23:00:00.000Z'), 'Europe/Berlin')).toBe('2026-11-25');
    expect(localDate('2026-11-24T22:59:59.999Z', 'Europe/Berlin')).toBe('2026-11-24');
  });

  it('the end of a day is its last minute in that zone, in winter and summer time', () => {
    expect(endOfDay('2027-01-15', 'Europe/Berlin')).toBe('2027-01-15T22:59:00.000Z');
    expect(endOfDay('2027-07-15', 'Europe/Berlin')).toBe('2027-07-15T21:59:00.000Z');
    expect(endOfDay('2027-03-28', 'Europe/Berlin')).toBe('2027-03-28T21:59:00.000Z'); // the 23-hour day
    expect(endOfDay('2027-06-01', 'Asia/Kolkata')).toBe('2027-06-01T18:29:00.000Z');
  });

  it('a wall-clock time on the day the clocks change', () => {
    expect(zonedInstant('2027-03-28', 8, 0, 'Europe/Berlin')).toBe('2027-03-28T06:00:00.000Z');
    expect(zonedInstant('2027-03-28', 2, 30, 'Europe/Berlin')).toBe('2027-03-28T01:30:00.000Z'); // skipped: moves forward
    expect(zonedInstant('2026-10-25', 2, 30, 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z'); // repeated: the earlier
  });

  it('calendar days: adding, counting, weekdays, month ends and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2027-03-27', 2)).toBe('2027-03-29'); // DST plays no part in calendar days
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(daysBetween('2027-03-01', '2027-04-01')).toBe(31);
    expect(daysBetween('2028-03-01', '2028-02-28')).toBe(-2);
    expect(weekday('2026-11-29')).toBe(0); // a Sunday
    expect(weekday('2026-11-30')).toBe(1);
  });

  it('tells real days and known zones', () => {
    expect(['2028-02-29', '2027-02-29', '2027-13-01', '2027-1-01'].map(isCalendarDate)).toEqual([true, false, false, false]);
    expect(['Europe/Berlin', 'UTC', 'Mars/Olympus', ''].map(isTimeZone)).toEqual([true, true, false, false]);
  });
});
