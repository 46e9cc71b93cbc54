import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../libs/config/src';
import { temporalConnectionOptions } from '../../libs/temporal/src/connection';

const base = { DATABASE_URL: 'postgres://x@localhost/db', TASK_LINK_SECRET: 's'.repeat(32) };

describe('configuration from the environment', () => {
  it('has defaults for everything but the database and the link secret', () => {
    const config = loadConfig(base);
    expect(config.temporal).toEqual({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'ismsflow', uiUrl: 'http://localhost:8233' });
    expect(config.api.publicUrl).toBe('http://localhost:3000');
    expect(config.tasks.policy.remindBeforeDueHours).toEqual([72, 24]);
    expect(config.nc.policy.effectivenessWaitDays).toBe(30);
    expect(config.nc.ismsManager).toBeUndefined();
    expect(config.api).toMatchObject({ rateLimitPerMinute: 600, failedAuthPerMinute: 30 });
    expect(loadConfig({ ...base, RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '5' }).api.failedAuthPerMinute).toBe(5);
    expect(() => loadConfig({ ...base, RATE_LIMIT_FAILED_AUTH_PER_MINUTE: 'many' })).toThrow('RATE_LIMIT_FAILED_AUTH_PER_MINUTE must be a whole number');
  });

  it('reads each corrective-action interval from its own variable', () => {
    const config = loadConfig({ ...base, NC_EFFECTIVENESS_WAIT_DAYS: '45', NC_DEADLINE_WARNING_DAYS: '21', ISMS_MANAGER_EMAIL: 'isms@example.com' });
    expect(config.nc).toMatchObject({ ismsManager: 'isms@example.com', policy: { effectivenessWaitDays: 45, deadlineWarningDays: 21, correctionDays: 7 } });
  });

  it('reads each ticketing system: where to post, the shared secret, signed inbound webhooks, the instance time zone', () => {
    const secret = 'x'.repeat(16);
    const hooks = { jira: { url: 'https://jira.example.com/hook', secret, verifyInbound: true }, servicenow: { secret, verifyInbound: true, timeZone: 'Europe/Berlin' }, zendesk: { timeZone: 'UTC' } };
    expect(loadConfig({ ...base, TICKET_WEBHOOKS: JSON.stringify(hooks) }).webhooks).toEqual(hooks);
    const refused = (value: unknown) => () => loadConfig({ ...base, TICKET_WEBHOOKS: typeof value === 'string' ? value : JSON.stringify(value) });
    expect(refused('{not json')).toThrow('TICKET_WEBHOOKS must be JSON');
    expect(refused([1])).toThrow('TICKET_WEBHOOKS must be a JSON object');
    expect(refused({ jira: { url: 'ftp://x', secret } })).toThrow('TICKET_WEBHOOKS.jira.url must be an http(s) URL');
    expect(refused({ jira: { url: 'https://x', secret: 'short' } })).toThrow('TICKET_WEBHOOKS.jira.secret must be at least 16 characters');
    expect(refused({ jira: { url: 'https://x' } })).toThrow('TICKET_WEBHOOKS.jira needs a secret: outbound calls are signed with it');
    expect(refused({ jira: { verifyInbound: true } })).toThrow('TICKET_WEBHOOKS.jira needs a secret: verifyInbound checks signatures with it');
    expect(refused({ jira: { secret, verifyInbound: 'yes' } })).toThrow('TICKET_WEBHOOKS.jira.verifyInbound must be true or false');
    expect(refused({ servicenow: { timeZone: 'Mars/Olympus' } })).toThrow('TICKET_WEBHOOKS.servicenow.timeZone must be an IANA time zone');
  });

  it('refuses to start without a strong link secret or a database', () => {
    expect(() => loadConfig({ ...base, TASK_LINK_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ TASK_LINK_SECRET: base.TASK_LINK_SECRET })).toThrow('DATABASE_URL (or DATABASE_URL_FILE) must be set');
  });

  it('reads secrets from files and reminder policy from lists', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    writeFileSync(path.join(dir, 'secret'), `${'f'.repeat(40)}\n`);
    const config = loadConfig({ DATABASE_URL: base.DATABASE_URL, TASK_LINK_SECRET_FILE: path.join(dir, 'secret'), TASK_REMIND_BEFORE_DUE_HOURS: '168, 24', PUBLIC_URL: 'https://isms.example.com/' });
    expect(config.tasks.linkSecret).toBe('f'.repeat(40));
    expect(config.tasks.policy.remindBeforeDueHours).toEqual([168, 24]);
    expect(config.api.publicUrl).toBe('https://isms.example.com');
    expect(() => loadConfig({ ...base, TASK_ESCALATE_AFTER_DUE_HOURS: 'soon' })).toThrow('TASK_ESCALATE_AFTER_DUE_HOURS must be a whole number');
  });

  it('connects to Temporal plainly, over TLS, with mTLS from PEM files, or to Temporal Cloud with an API key', () => {
    expect(temporalConnectionOptions(loadConfig(base).temporal)).toEqual({ address: '127.0.0.1:7233' });
    expect(temporalConnectionOptions(loadConfig({ ...base, TEMPORAL_TLS: 'true' }).temporal).tls).toEqual({});

    const dir = mkdtempSync(path.join(tmpdir(), 'tls-'));
    const pem = (name: string) => {
      writeFileSync(path.join(dir, name), `-----BEGIN ${name}-----\nAAAA\n-----END ${name}-----\n`);
      return path.join(dir, name);
    };
    const mtls = loadConfig({ ...base, TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS_CA_FILE: pem('CA'), TEMPORAL_TLS_CERT_FILE: pem('CERT'), TEMPORAL_TLS_KEY_FILE: pem('KEY'), TEMPORAL_TLS_SERVER_NAME: 'frontend' });
    const options = temporalConnectionOptions(mtls.temporal);
    expect(options.tls?.serverNameOverride).toBe('frontend');
    expect(options.tls?.serverRootCACertificate?.toString()).toContain('BEGIN CA');
    expect(options.tls?.clientCertPair?.crt.toString()).toContain('BEGIN CERT');
    expect(options.tls?.clientCertPair?.key.toString()).toContain('BEGIN KEY');

    const cloud = temporalConnectionOptions(loadConfig({ ...base, TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233', TEMPORAL_NAMESPACE: 'acme.a1b2c', TEMPORAL_API_KEY: 'cloud-key' }).temporal);
    expect(cloud).toEqual({ address: 'eu-west-1.aws.api.temporal.io:7233', tls: {}, apiKey: 'cloud-key' });

    expect(() => loadConfig({ ...base, TEMPORAL_TLS_CERT_FILE: pem('CERT') })).toThrow('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together');
    expect(() => loadConfig({ ...base, TEMPORAL_TLS: 'yes' })).toThrow('TEMPORAL_TLS must be true or false');
    expect(() => loadConfig({ ...base, TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA_FILE: pem('CA') })).toThrow('contradicts');
  });
});
