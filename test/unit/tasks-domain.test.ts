import { completionErrors, DEFAULT_REMINDER_POLICY, linkExpiry, notificationSchedule, type TaskReminderPolicy } from '../../libs/domain/src';

const due = '2026-12-10T17:00:00.000Z';

describe('notificationSchedule', () => {
  it('reminds 72 h and 24 h before, on the due date, and escalates a day late then every 3 days', () => {
    const schedule = notificationSchedule(due, DEFAULT_REMINDER_POLICY, '2026-12-01T09:00:00.000Z');
    expect(schedule.slice(0, 6)).toEqual([
      { kind: 'reminder', key: 'reminder-72h-before', at: '2026-12-07T17:00:00.000Z' },
      { kind: 'reminder', key: 'reminder-24h-before', at: '2026-12-09T17:00:00.000Z' },
      { kind: 'due', key: 'due', at: '2026-12-10T17:00:00.000Z' },
      { kind: 'escalation', key: 'escalation-1', at: '2026-12-11T17:00:00.000Z' },
      { kind: 'escalation', key: 'escalation-2', at: '2026-12-14T17:00:00.000Z' },
      { kind: 'escalation', key: 'escalation-3', at: '2026-12-17T17:00:00.000Z' },
    ]);
    expect(schedule.filter((n) => n.kind === 'escalation')).toHaveLength(10);
  });

  it('skips what is already past, and keeps keys stable so a resend is recognised', () => {
    const schedule = notificationSchedule(due, DEFAULT_REMINDER_POLICY, '2026-12-09T18:00:00.000Z');
    expect(schedule[0]).toEqual({ kind: 'due', key: 'due', at: due });
  });

  it('follows the configured policy: one escalation, no due-day reminder', () => {
    const policy: TaskReminderPolicy = { ...DEFAULT_REMINDER_POLICY, remindBeforeDueHours: [48], remindAtDue: false, repeatEscalationEveryHours: 0 };
    expect(notificationSchedule(due, policy, '2026-12-01T00:00:00.000Z').map((n) => n.key)).toEqual(['reminder-48h-before', 'escalation-1']);
  });

  it('orders reminders given in any order', () => {
    const policy = { ...DEFAULT_REMINDER_POLICY, remindBeforeDueHours: [1, 168, 24] };
    const keys = notificationSchedule(due, policy, '2026-11-01T00:00:00.000Z').map((n) => n.key);
    expect(keys.slice(0, 3)).toEqual(['reminder-168h-before', 'reminder-24h-before', 'reminder-1h-before']);
  });

  it('links expire the configured time after the due date', () => {
    expect(linkExpiry(due, DEFAULT_REMINDER_POLICY)).toBe('2027-01-09T17:00:00.000Z');
  });
});

const NOW = '2026-12-01T00:00:00.000Z';

describe('completionErrors', () => {
  const task = { outcomes: ['approved', 'rejected'] };
  const ok = { outcome: 'approved', completedBy: 'a@example.com', via: 'link' as const };

  it('accepts a proper completion', () => {
    expect(completionErrors({ ...ok, notes: 'fine', evidence: ['https://x.example.com/a'] }, task, NOW)).toEqual([]);
  });

  it('names each field that is wrong', () => {
    expect(completionErrors({ ...ok, outcome: 'maybe', notes: 'x'.repeat(4001), evidence: ['javascript:alert(1)'] }, task, NOW).map((e) => e.field)).toEqual([
      'outcome',
      'notes',
      'evidence',
    ]);
    expect(completionErrors({ ...ok, evidence: Array(21).fill('https://x.example.com') }, task, NOW)).toEqual([
      { field: 'evidence', message: 'at most 20 evidence links' },
    ]);
  });
});
