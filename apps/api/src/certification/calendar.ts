import { createEvents, type DateArray, type EventAttributes } from 'ics';
import { addDays, TITLES, type ExternalAudit, type PlannedActivity } from '../../../../libs/domain/src';

const day = (d: string): DateArray => d.split('-').map(Number) as DateArray;
/** An all-day event: DTSTART and DTEND as dates, the end exclusive (RFC 5545 3.6.1). */
const allDay = (d: string) => ({ start: day(d), end: day(addDays(d, 1)) });

/**
 * The cycle's plan as an iCalendar feed (RFC 5545, all-day events), so the people who do the work
 * see it in their own calendars. UIDs are stable: a re-planned date updates the event, not a copy.
 */
export function programmeCalendar(cycleId: string, organisation: string, audits: ExternalAudit[], activities: Array<PlannedActivity & { status?: string; completedOn?: string }>): string {
  const events: EventAttributes[] = [
    ...audits.map((a) => ({
      uid: `${cycleId}:${a.kind}@ismsflow`,
      title: `${organisation}: ${TITLES[a.kind]}${a.booked ? '' : ' (planned)'}`,
      description: `External audit by the certification body. Latest date under the rules: ${a.latest}.`,
      ...allDay(a.date),
      categories: ['ISMS', 'external audit'],
    })),
    ...activities.map((a) => ({
      uid: `${cycleId}:${a.id}@ismsflow`,
      title: `${organisation}: ${TITLES[a.kind]} ${a.status === 'completed' ? `(done ${a.completedOn})` : 'due'}`,
      description: `Part of the ISMS programme before the ${TITLES[a.forAudit].toLowerCase()}.`,
      ...allDay(a.due),
      categories: ['ISMS', a.heavy ? 'programme' : 'routine'],
    })),
  ];
  const { error, value } = createEvents(events, { productId: 'ismsflow', calName: `${organisation} ISMS programme` });
  if (error || !value) throw error ?? new Error('calendar could not be built');
  return value;
}
