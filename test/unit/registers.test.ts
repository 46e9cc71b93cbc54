import { acceptanceState, ANNEX_A, annexATheme, materialChange, riskBand, riskLevel, type RiskAssessment } from '../../libs/domain/src';

const base: RiskAssessment = {
  asset: 'CRM',
  threat: 'Data leak',
  vulnerability: 'Shared admin account',
  owner: 'cto@acme.example',
  consequence: 4,
  likelihood: 3,
  treatment: 'reduce',
  rationale: 'MFA',
  controls: ['A.8.5', 'A.5.15'],
};

describe('the risk register rules', () => {
  it('levels risks on a 5 x 5 matrix', () => {
    expect(riskLevel(base)).toBe(12);
    expect([riskBand(4), riskBand(12), riskBand(15)]).toEqual(['low', 'medium', 'high']);
  });

  it('a change of level, treatment, controls or owner is material; rewording is not', () => {
    expect(materialChange(base, { ...base, rationale: 'MFA everywhere', plan: 'Q1' })).toBe(false);
    expect(materialChange(base, { ...base, controls: ['A.5.15', 'A.8.5'] })).toBe(false);
    expect(materialChange(base, { ...base, consequence: 3, likelihood: 4 })).toBe(false); // same level
    expect(materialChange(base, { ...base, likelihood: 4 })).toBe(true);
    expect(materialChange(base, { ...base, treatment: 'accept' })).toBe(true);
    expect(materialChange(base, { ...base, controls: ['A.8.5'] })).toBe(true);
    expect(materialChange(base, { ...base, owner: 'ciso@acme.example' })).toBe(true);
  });

  it('an acceptance covers later versions until a material change', () => {
    const v = (version: number, a: Partial<RiskAssessment> = {}) => ({ version, assessment: { ...base, ...a } });
    expect(acceptanceState([v(1)], [])).toEqual({ acceptedVersion: null, acceptanceRequired: true });
    expect(acceptanceState([v(1)], [1])).toEqual({ acceptedVersion: 1, acceptanceRequired: false });
    expect(acceptanceState([v(1), v(2, { rationale: 'reworded' })], [1])).toEqual({ acceptedVersion: 1, acceptanceRequired: false });
    expect(acceptanceState([v(1), v(2, { rationale: 'reworded' }), v(3, { likelihood: 5 })], [1])).toEqual({ acceptedVersion: 1, acceptanceRequired: true });
    expect(acceptanceState([v(1), v(2, { likelihood: 5 })], [1, 2])).toEqual({ acceptedVersion: 2, acceptanceRequired: false });
  });
});

describe('Annex A (ISO/IEC 27001:2022)', () => {
  it('has 93 controls in four themes: 37 organisational, 8 people, 14 physical, 34 technological', () => {
    expect(ANNEX_A).toHaveLength(93);
    expect(new Set(ANNEX_A.map(([id]) => id)).size).toBe(93);
    const count = (t: string) => ANNEX_A.filter(([id]) => annexATheme(id) === t).length;
    expect([count('organisational'), count('people'), count('physical'), count('technological')]).toEqual([37, 8, 14, 34]);
  });
});
