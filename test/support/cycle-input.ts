import {
  DEFAULT_AUDIT_AREAS,
  DEFAULT_CADENCES,
  DEFAULT_REMINDER_POLICY,
  PROGRAMME_KINDS,
  type CycleInput,
  type ProgrammeKind,
} from '../../libs/domain/src';

export const ACME = {
  id: 'acme',
  name: 'ACME',
  scope: 'Development and operation of the ACME SaaS platform',
  ismsManager: 'isms@acme.example',
  topManagement: ['ceo@acme.example'],
  timeZone: 'Europe/Berlin',
  workingDays: [1, 2, 3, 4, 5],
  certificationBody: { name: 'Example Cert', planDueDays: 30, majorCloseDays: 90, minorCloseBy: 'nextAudit' as const },
};

/** A cycle of ACME from `decisionDate`, every activity owned by `<kind>@acme.example` unless overridden. */
export function cycleInput(decisionDate: string, overrides: Partial<Omit<CycleInput, 'owners'>> & { owners?: Partial<Record<ProgrammeKind, string>> } = {}): CycleInput {
  const { owners, ...rest } = overrides;
  return {
    cycleId: `acme:${decisionDate}`,
    organisation: ACME,
    decisionDate,
    startedOn: decisionDate,
    cadences: DEFAULT_CADENCES,
    owners: { ...(Object.fromEntries(PROGRAMME_KINDS.map((k) => [k, `${k.toLowerCase()}@acme.example`])) as Record<ProgrammeKind, string>), ...owners },
    auditAreas: DEFAULT_AUDIT_AREAS,
    taskPolicy: DEFAULT_REMINDER_POLICY,
    ...rest,
  };
}
