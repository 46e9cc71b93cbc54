import { DEFAULT_REMINDER_POLICY, type IncidentInput } from '../../libs/domain/src';

export function incidentInput(ticketId: string, nowMs: number, overrides: Partial<IncidentInput> = {}): IncidentInput {
  const now = new Date(nowMs).toISOString();
  return {
    incidentId: `jira:${ticketId}`,
    system: 'jira',
    ticketId,
    title: 'Customer database exposed through a misconfigured bucket',
    description: 'A storage bucket holding a customer export was public for two days.',
    detectedAt: now,
    reportedAt: now,
    reportedBy: 'soc@example.com',
    affectedAssets: ['crm-export-bucket'],
    awareAt: now,
    handler: 'handler@example.com',
    dpo: 'dpo@example.com',
    ciso: 'ciso@example.com',
    ismsManager: 'isms@example.com',
    taskPolicy: DEFAULT_REMINDER_POLICY,
    ...overrides,
  };
}

/** An assessment answer: which regimes apply. */
export function assessment(gdpr: boolean, nis2: boolean, dora: boolean, extra: Record<string, string> = {}) {
  const yn = (b: boolean) => (b ? 'yes' : 'no');
  return { gdpr: yn(gdpr), gdprRationale: 'r', nis2: yn(nis2), nis2Rationale: 'r', dora: yn(dora), doraRationale: 'r', ...extra };
}
