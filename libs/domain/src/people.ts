/**
 * The staff directory (ISO 27001 7.2, 7.3: everyone doing work under the organisation's control):
 * who is on staff on a day, and audiences, the filters that say who a policy acknowledgement or an
 * awareness campaign is for.
 */
import { isCalendarDate } from './input';
import type { CalendarDate } from './time';

export interface StaffMember {
  email: string;
  department: string;
  startDate: CalendarDate;
  leaveDate: CalendarDate | null;
  active: boolean;
}

/** Who an acknowledgement round or a campaign is for. */
export type Audience = { kind: 'everyone' } | { kind: 'department'; department: string } | { kind: 'newStarters'; since: CalendarDate };

export const AUDIENCE_SYNTAX = 'everyone, department:<name> or new-starters:<YYYY-MM-DD>';

/** `everyone`, `department:<name>`, `new-starters:<date>` (who started on or after that day); undefined for anything else. */
export function parseAudience(text: string): Audience | undefined {
  if (text === 'everyone') return { kind: 'everyone' };
  const [kind, ...rest] = text.split(':');
  const value = rest.join(':').trim();
  if (kind === 'department' && value) return { kind: 'department', department: value };
  if (kind === 'new-starters' && isCalendarDate(value)) return { kind: 'newStarters', since: value };
  return undefined;
}

/** An audience as written, the inverse of parseAudience. */
export function formatAudience(a: Audience): string {
  return a.kind === 'everyone' ? 'everyone' : a.kind === 'department' ? `department:${a.department}` : `new-starters:${a.since}`;
}

/** On staff that day: active, started, and not yet gone (the leave date is the last day of work, as HR systems give it). */
export function onStaff(p: StaffMember, today: CalendarDate): boolean {
  return p.active && p.startDate <= today && (p.leaveDate === null || today <= p.leaveDate);
}

/** In the audience on that day: on staff, and matching its filter. */
export function inAudience(p: StaffMember, audience: Audience, today: CalendarDate): boolean {
  if (!onStaff(p, today)) return false;
  if (audience.kind === 'department') return p.department === audience.department;
  if (audience.kind === 'newStarters') return p.startDate >= audience.since;
  return true;
}
