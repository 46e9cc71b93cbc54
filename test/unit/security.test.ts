import { hashToken, newTaskId, parseTaskLink, signTaskLink, taskIdForIdempotencyKey, verifyTaskLink } from '../../libs/security/src';

const secret = 'a-test-secret-that-is-long-enough-123456';
const claims = { taskId: 'abc234defg56', version: 2, assignee: 'Alice@Example.com', expiresAt: new Date('2027-01-01T00:00:00Z') };

describe('task links', () => {
  it('are deterministic, so a retried mail carries the same link', () => {
    expect(signTaskLink(secret, claims)).toBe(signTaskLink(secret, { ...claims }));
  });

  it('verify only for exactly the claims they were signed for', () => {
    const token = signTaskLink(secret, claims);
    expect(verifyTaskLink(secret, token, claims)).toBe(true);
    expect(verifyTaskLink(secret, token, { ...claims, assignee: 'alice@example.com' })).toBe(true); // email case is not identity
    expect(verifyTaskLink(secret, token, { ...claims, assignee: 'mallory@example.com' })).toBe(false);
    expect(verifyTaskLink(secret, token, { ...claims, version: 1 })).toBe(false);
    expect(verifyTaskLink(secret, token, { ...claims, expiresAt: new Date('2030-01-01T00:00:00Z') })).toBe(false);
    expect(verifyTaskLink('another-secret-that-is-long-enough-000000', token, claims)).toBe(false);
    expect(verifyTaskLink(secret, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), claims)).toBe(false);
  });

  it('parse what they claim, and nothing malformed', () => {
    expect(parseTaskLink(signTaskLink(secret, claims))).toEqual({ taskId: claims.taskId, version: 2, expiresAt: claims.expiresAt });
    for (const bad of ['', 'abc', 'abc.1.2.short', `ABC.1.2.${'a'.repeat(43)}`, `abc.1.2.${'a'.repeat(43)}/../x`]) expect(parseTaskLink(bad)).toBeUndefined();
  });

  it('are stored only as a hash', () => {
    const token = signTaskLink(secret, claims);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
  });
});

describe('task ids', () => {
  it('are short, readable and random', () => {
    const ids = new Set(Array.from({ length: 1000 }, newTaskId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[a-z2-9]{12}$/);
  });

  it('follow from an Idempotency-Key per client', () => {
    expect(taskIdForIdempotencyKey('client1', 'JIRA-1')).toBe(taskIdForIdempotencyKey('client1', 'JIRA-1'));
    expect(taskIdForIdempotencyKey('client1', 'JIRA-1')).not.toBe(taskIdForIdempotencyKey('client2', 'JIRA-1'));
  });
});
