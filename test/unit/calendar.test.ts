import ICAL from 'ical.js';
import { programmeCalendar } from '../../apps/api/src/certification/calendar';
import { addDays, plannedAudits, planProgramme, TITLES } from '../../libs/domain/src';

describe('the programme as an iCalendar feed', () => {
  const audits = plannedAudits('2026-03-16');
  const activities = planProgramme('2026-03-16', audits[0]);
  const ics = programmeCalendar('cert-cycle:acme:2026-03-16', 'ACME', audits, activities);
  const unfolded = ics.replace(/\r\n[ \t]/g, '');

  it('is one calendar with an all-day event per audit and activity', () => {
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(unfolded.match(/BEGIN:VEVENT/g)).toHaveLength(audits.length + activities.length);
    expect(unfolded).toContain('X-WR-CALNAME:ACME ISMS programme');
    expect(unfolded).toMatch(/DTSTART;VALUE=DATE:20270212/);
    expect(unfolded).toContain('SUMMARY:ACME: Surveillance audit 1 (planned)');
  });

  it('keeps UIDs stable, so a re-planned date moves the event', () => {
    const moved = programmeCalendar('cert-cycle:acme:2026-03-16', 'ACME', plannedAudits('2026-03-16', { surveillance1: '2027-01-11' }), []).replace(/\r\n[ \t]/g, '');
    expect(moved).toContain('UID:cert-cycle:acme:2026-03-16:surveillance1@ismsflow');
    expect(moved).toMatch(/DTSTART;VALUE=DATE:20270111/);
  });
});

describe('the feed of a running cycle', () => {
  it('shows what is done as done', () => {
    const [first, ...rest] = planProgramme('2026-03-16', plannedAudits('2026-03-16')[0]);
    const ics = programmeCalendar('acme:2026-03-16', 'ACME', [], [{ ...first, status: 'completed', completedOn: first.due }, ...rest]).replace(/\r\n[ \t]/g, '');
    expect(ics).toContain(`SUMMARY:ACME: KPI measurement (done ${first.due})`);
    expect(ics).toContain('SUMMARY:ACME: Risk assessment due');
  });
});

/**
 * The feed as a calendar application reads it: parsed by ical.js (an RFC 5545 parser), every event,
 * and held to the rules of RFC 5545 that a lenient parser lets pass (it reads `P1DT` as one day).
 */
describe('the feed, read by an RFC 5545 parser', () => {
  // dur-value (RFC 5545 3.3.6): a `T` always has a time part after it.
  const DUR_VALUE = /^[+-]?P(?:\d+W|\d+D(?:T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S))?|T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S))$/;
  const DAY_ONLY = /^[+-]?P(?:\d+W|\d+D)$/; // with a DATE start: dur-day or dur-week only

  /** Every VEVENT checked against RFC 5545 3.6.1 and 3.8; returns them as ical.js events. */
  function readFeed(ics: string): ICAL.Event[] {
    expect(ics.endsWith('\r\n')).toBe(true);
    for (const line of ics.split('\r\n').slice(0, -1)) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75); // 3.1: folded at 75 octets
    const calendar = new ICAL.Component(ICAL.parse(ics));
    expect(calendar.name).toBe('vcalendar');
    expect(calendar.getAllProperties('version').map((p) => p.getFirstValue())).toEqual(['2.0']);
    expect(calendar.getAllProperties('prodid')).toHaveLength(1);
    const events = calendar.getAllSubcomponents('vevent');
    for (const e of events) {
      const uid = e.getFirstPropertyValue('uid');
      for (const once of ['uid', 'dtstamp', 'dtstart']) expect([uid, once, e.getAllProperties(once).length]).toEqual([uid, once, 1]);
      expect([uid, e.getFirstProperty('dtstart')!.type]).toEqual([uid, 'date']);
      const dtend = e.getAllProperties('dtend');
      const duration = e.getAllProperties('duration');
      expect([uid, dtend.length + duration.length]).toEqual([uid, 1]); // one of them, never both
      for (const d of duration) {
        const raw = String((d.toJSON() as unknown[])[3]); // as sent, before ical.js reads it
        expect([uid, raw, DUR_VALUE.test(raw) && DAY_ONLY.test(raw)]).toEqual([uid, raw, true]);
      }
      for (const d of dtend) {
        expect([uid, d.type]).toEqual([uid, 'date']);
        expect((d.getFirstValue() as ICAL.Time).compare(e.getFirstPropertyValue('dtstart') as ICAL.Time)).toBe(1);
      }
    }
    expect(new Set(events.map((e) => e.getFirstPropertyValue('uid'))).size).toBe(events.length);
    return events.map((e) => new ICAL.Event(e));
  }

  const dayOf = (t: ICAL.Time) => t.toString().slice(0, 10);

  it('every audit and activity is a one-day event on its date, with its title, description and categories', () => {
    const audits = plannedAudits('2026-03-16', { surveillance1: '2027-01-11' });
    const activities = audits.flatMap((a, i) => planProgramme(i === 0 ? '2026-03-16' : audits[i - 1].date, a));
    const done = { ...activities[0], status: 'completed', completedOn: activities[0].due };
    const events = readFeed(programmeCalendar('cert-cycle:acme:2026-03-16', 'ACME & Söhne', audits, [done, ...activities.slice(1)]));
    expect(events).toHaveLength(audits.length + activities.length);
    const byUid = new Map(events.map((e) => [e.uid, e]));

    for (const a of audits) {
      const e = byUid.get(`cert-cycle:acme:2026-03-16:${a.kind}@ismsflow`)!;
      expect([a.kind, dayOf(e.startDate), dayOf(e.endDate), e.startDate.isDate, e.duration.toSeconds()]).toEqual([a.kind, a.date, addDays(a.date, 1), true, 86_400]);
      expect(e.summary).toBe(`ACME & Söhne: ${TITLES[a.kind]}${a.booked ? '' : ' (planned)'}`);
      expect(e.description).toContain(a.latest);
      expect(e.component.getFirstProperty('categories')!.getValues()).toEqual(['ISMS', 'external audit']);
    }
    for (const a of activities) {
      const e = byUid.get(`cert-cycle:acme:2026-03-16:${a.id}@ismsflow`)!;
      expect([a.id, dayOf(e.startDate), dayOf(e.endDate), e.startDate.isDate, e.duration.toSeconds()]).toEqual([a.id, a.due, addDays(a.due, 1), true, 86_400]);
      expect(e.summary).toBe(`ACME & Söhne: ${TITLES[a.kind]} ${a === activities[0] ? `(done ${a.due})` : 'due'}`);
      expect(e.component.getFirstProperty('categories')!.getValues()).toEqual(['ISMS', a.heavy ? 'programme' : 'routine']);
    }
  });

  it('an event on the last day of a month or a year ends on the first of the next', () => {
    const audits = plannedAudits('2026-03-16', { surveillance1: '2026-12-31', surveillance2: '2028-02-29' });
    const events = readFeed(programmeCalendar('c', 'ACME', audits, [])).map((e) => [dayOf(e.startDate), dayOf(e.endDate)]);
    expect(events).toEqual(expect.arrayContaining([['2026-12-31', '2027-01-01'], ['2028-02-29', '2028-03-01']]));
  });

  it('holds a duration to the grammar of RFC 5545, which the lenient parser does not', () => {
    // The check itself: what the feed used to send (`DURATION:P1DT`) is refused, a correct one passes.
    const feed = (duration: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260316\r\nDURATION:${duration}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
    expect(() => readFeed(feed('P1DT'))).toThrow();
    expect(() => readFeed(feed('PT24H'))).toThrow(); // a DATE start takes whole days only
    expect(readFeed(feed('P1D'))[0].duration.toSeconds()).toBe(86_400);
  });
});
