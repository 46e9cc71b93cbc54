import { asksAgain, majorVersion, namedDocument, reminderAt, roundId } from '../../libs/domain/src';
import { signAcknowledgementLink, verifyAcknowledgementLink } from '../../libs/security/src';

describe('which approved versions ask the audience again', () => {
  it.each([
    ['1.0', '2.0', true],
    ['1.4', '1.5', false],
    ['2.0', '2.0.1', false],
    ['1.9', '10.0', true],
    ['2', '2.1', false],
    ['02.1', '2.2', false],
    ['1.0', 'v2', true],
    ['draft-a', 'draft-b', true],
    [' 3.1', '3.2', false],
  ])('after %s, approving %s asks again: %s', (previous, next, asks) => {
    expect(asksAgain(previous, next)).toBe(asks);
  });

  it('the first approved version always asks', () => {
    expect(asksAgain(null, '0.1')).toBe(true);
    expect(asksAgain(undefined, '7.3')).toBe(true);
  });

  it('a round is per document and major version: a minor version is acknowledged in its major\'s round', () => {
    expect(majorVersion('2.10')).toBe('2');
    expect(majorVersion('007.1')).toBe('7');
    expect(majorVersion('0.9')).toBe('0');
    expect(roundId('POL-01', '2.1')).toBe(roundId('POL-01', '2.0'));
    expect(roundId('POL-01', '3.0')).not.toBe(roundId('POL-01', '2.0'));
  });
});

describe('when a batch is reminded', () => {
  it('three days before the due time, when that is still ahead', () => {
    expect(reminderAt('2026-12-01T09:00:00Z', '2026-12-15T23:00:00Z')).toBe('2026-12-12T23:00:00.000Z');
  });
  it('not at all for a round shorter than that', () => {
    expect(reminderAt('2026-12-13T09:00:00Z', '2026-12-15T23:00:00Z')).toBeUndefined();
    expect(reminderAt('2026-12-12T23:00:00Z', '2026-12-15T23:00:00Z')).toBeUndefined();
  });
});

describe('acknowledgement links', () => {
  const secret = 'x'.repeat(32);
  const at = new Date('2027-01-01T00:00:00Z');
  it('carry the round and the person they were signed for, until they expire', () => {
    const token = signAcknowledgementLink(secret, 'POL-01@2', 'Alice@Acme.example', at);
    expect(verifyAcknowledgementLink(secret, token, at.getTime() - 1000)).toEqual({ roundId: 'POL-01@2', person: 'alice@acme.example' });
    expect(verifyAcknowledgementLink(secret, token, at.getTime() + 1000)).toBeUndefined();
  });
  it('refuse another person, another round, another secret, or a task link', () => {
    const token = signAcknowledgementLink(secret, 'POL-01@2', 'alice@acme.example', at);
    const [, expiry, sig] = token.split('.');
    const other = Buffer.from(JSON.stringify(['POL-01@2', 'bob@acme.example'])).toString('base64url');
    expect(verifyAcknowledgementLink(secret, `${other}.${expiry}.${sig}`, 0)).toBeUndefined();
    expect(verifyAcknowledgementLink('y'.repeat(32), token, 0)).toBeUndefined();
    expect(verifyAcknowledgementLink(secret, token.replace(/\.\d+\./, `.${Number(expiry) + 1}.`), 0)).toBeUndefined();
    expect(verifyAcknowledgementLink(secret, 'abc.def', 0)).toBeUndefined();
  });
});

describe('which registered document a policy review row names', () => {
  const docs = [
    { id: 'POL-01', title: 'Information security policy' },
    { id: 'POL-010', title: 'Access control policy' },
    { id: 'POL-02', title: 'Access control policy' },
  ];
  it.each([
    ['POL-01', 'POL-01'],
    ['pol-01', 'POL-01'],
    ['  POL-01: Information security policy ', 'POL-01'],
    ['POL-01 – Information security policy', 'POL-01'],
    ['POL-010', 'POL-010'],
    ['information   security POLICY', 'POL-01'],
    // Two documents share this title: naming it picks neither.
    ['Access control policy', undefined],
    ['POL-0', undefined],
    ['POL-01x', undefined],
    ['Acceptable use policy', undefined],
    ['', undefined],
  ])('%j is %s', (name, id) => {
    expect(namedDocument(name, docs)?.id).toBe(id);
  });
});
