import { programmeCalendar } from '../../apps/api/src/certification/calendar';
import { plannedAudits, planProgramme } from '../../libs/domain/src';

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
