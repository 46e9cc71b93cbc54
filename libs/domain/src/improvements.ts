/**
 * The improvements register (ISO 27001 10.1): opportunities for improvement, each with an owner and,
 * in the end, an outcome, so continual improvement is shown by dated records rather than claimed.
 * Raised by people through the API and by processes (an internal audit's OFI findings).
 */
export const IMPROVEMENT_SOURCES = ['internalAudit', 'externalAudit', 'managementReview', 'incident', 'staffReport', 'drill', 'other'] as const;
export type ImprovementSource = (typeof IMPROVEMENT_SOURCES)[number];

/** An improvement is open until its owner records what became of it: done, or not taken up (with why). */
export const IMPROVEMENT_OUTCOMES = ['done', 'rejected'] as const;
export type ImprovementOutcome = (typeof IMPROVEMENT_OUTCOMES)[number];

export function improvementNumber(year: number, sequence: number): string {
  return `OFI-${year}-${String(sequence).padStart(4, '0')}`;
}

export const IMPROVEMENT_NUMBER = /^OFI-\d{4}-\d{4,}$/;
