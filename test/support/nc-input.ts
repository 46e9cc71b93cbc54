import { DEFAULT_CORRECTIVE_ACTION_POLICY, DEFAULT_REMINDER_POLICY, type CorrectiveActionInput } from '../../libs/domain/src';

export function ncInput(ncNumber: string, nowMs: number, overrides: Partial<CorrectiveActionInput> = {}): CorrectiveActionInput {
  return {
    ncNumber,
    source: 'internalAudit',
    sourceRef: `IA-${ncNumber}`,
    requirement: 'A.5.18 Access rights',
    description: 'Leavers kept their VPN access for weeks after their last day',
    evidence: ['https://audit.example.com/ia-2026/finding-3'],
    classification: 'minor',
    owner: 'owner@example.com',
    ismsManager: 'isms@example.com',
    reviewer: 'isms@example.com',
    raisedAt: new Date(nowMs).toISOString(),
    raisedBy: 'auditor',
    deadlines: {},
    policy: DEFAULT_CORRECTIVE_ACTION_POLICY,
    taskPolicy: DEFAULT_REMINDER_POLICY,
    ...overrides,
  };
}

export const GOOD_ROOT_CAUSE = {
  method: '5 Whys',
  analysis: 'Why? IT learns of leavers from an HR email. Why? There is no joiner-mover-leaver process.',
  rootCause: 'No owned joiner-mover-leaver process: revocation depends on an unowned HR email',
  similar: 'Same risk for SaaS accounts outside SSO',
};
