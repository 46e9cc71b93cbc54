import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APP_VARIABLES, ConfigError, givenEnv, loadConfig } from '../../libs/config/src';
import { describeStartupFailure } from '../../libs/devstack/src/startup-error';
import { temporalConnectionOptions } from '../../libs/temporal/src/connection';

const base = { DATABASE_URL: 'postgres://x@localhost/db', TASK_LINK_SECRET: 's'.repeat(32) };
const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
const file = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

describe('configuration from the environment', () => {
  it('has defaults for everything but the database and the link secret', () => {
    const config = loadConfig(base);
    expect(config.temporal).toEqual({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'ismsflow', uiUrl: 'http://localhost:8233' });
    expect(config.api.publicUrl).toBe('http://localhost:3000');
    expect(config.api.host).toBe('0.0.0.0');
    expect(config.tasks.policy.remindBeforeDueHours).toEqual([72, 24]);
    expect(config.nc.policy.effectivenessWaitDays).toBe(30);
    expect(config.nc.ismsManager).toBeUndefined();
    expect(config.webhooks).toEqual({});
    expect(config.api).toMatchObject({ rateLimitPerMinute: 600, failedAuthPerMinute: 30 });
    expect(loadConfig({ ...base, RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '5' }).api.failedAuthPerMinute).toBe(5);
    expect(() => loadConfig({ ...base, RATE_LIMIT_FAILED_AUTH_PER_MINUTE: 'many' })).toThrow('RATE_LIMIT_FAILED_AUTH_PER_MINUTE must be a whole number');
  });

  it('reads each corrective-action interval from its own variable', () => {
    const config = loadConfig({ ...base, NC_EFFECTIVENESS_WAIT_DAYS: '45', NC_DEADLINE_WARNING_DAYS: '21', ISMS_MANAGER_EMAIL: 'isms@example.com' });
    expect(config.nc).toMatchObject({ ismsManager: 'isms@example.com', policy: { effectivenessWaitDays: 45, deadlineWarningDays: 21, correctionDays: 7 } });
    expect(loadConfig({ ...base, NC_CORRECTION_DAYS: '3' }).nc.policy).toMatchObject({ correctionDays: 3, rootCauseDays: 14 });
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
    expect(refused({ jira: { secret, verifyinbound: true } })).toThrow('TICKET_WEBHOOKS.jira has unknown keys (verifyinbound)');
    expect(refused({ jira: 'https://jira' })).toThrow('TICKET_WEBHOOKS.jira must be an object');
  });

  it('refuses to start without a strong link secret or a database, naming every variable that is wrong at once', () => {
    expect(() => loadConfig({ ...base, TASK_LINK_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ TASK_LINK_SECRET: base.TASK_LINK_SECRET })).toThrow('DATABASE_URL (or DATABASE_URL_FILE) must be set');
    const all = (() => {
      try {
        loadConfig({ PORT: 'eighty', TASK_REMIND_AT_DUE: 'maybe' });
      } catch (err) {
        return err as ConfigError;
      }
    })();
    expect(all?.problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'PORT', 'TASK_LINK_SECRET', 'TASK_REMIND_AT_DUE']);
    expect(all?.message).toContain('PORT must be a port number (1 to 65535), got "eighty"');
  });

  it('is told as a start failure by the API, the worker and npm start: the variable, what it must be, where they are listed', () => {
    const error = (() => {
      try {
        loadConfig({ ...base, PORT: 'eighty' });
      } catch (err) {
        return err;
      }
    })();
    expect(describeStartupFailure(error, 'the API', false)).toBe(
      'could not start the API: PORT must be a port number (1 to 65535), got "eighty"\n  what to do: fix PORT (README.md, Configuration, lists each variable, its values and default)',
    );
    expect(describeStartupFailure(error, 'the API', true)).toMatch(/ConfigError: PORT must be[^]*^\s+at /m); // the stack only under DEBUG=ismsflow
  });

  it('reads secrets from files (trimmed), and refuses a file for a variable that is not a secret', () => {
    const config = loadConfig({ DATABASE_URL: base.DATABASE_URL, TASK_LINK_SECRET_FILE: file('secret', `${'f'.repeat(40)}\n`), TASK_REMIND_BEFORE_DUE_HOURS: '168, 24', PUBLIC_URL: 'https://isms.example.com/' });
    expect(config.tasks.linkSecret).toBe('f'.repeat(40));
    expect(config.tasks.policy.remindBeforeDueHours).toEqual([168, 24]);
    expect(config.api.publicUrl).toBe('https://isms.example.com');
    expect(() => loadConfig({ ...base, TASK_ESCALATE_AFTER_DUE_HOURS: 'soon' })).toThrow('TASK_ESCALATE_AFTER_DUE_HOURS must be a whole number');
    expect(() => loadConfig({ ...base, TASK_LINK_SECRET_FILE: file('short', 'short\n') })).toThrow('TASK_LINK_SECRET (from TASK_LINK_SECRET_FILE) must be at least 32 characters');
    expect(() => loadConfig({ ...base, TASK_LINK_SECRET_FILE: path.join(dir, 'missing') })).toThrow(`TASK_LINK_SECRET_FILE=${path.join(dir, 'missing')} cannot be read (ENOENT)`);
    expect(() => loadConfig({ ...base, PORT_FILE: file('port', '8080') })).toThrow('PORT_FILE is not read: only secrets and certificates come from files; set PORT itself');
  });

  it('never puts a secret into a message', () => {
    const secret = 'hunter2-but-too-short';
    const error = (() => {
      try {
        loadConfig({ ...base, TASK_LINK_SECRET: secret, DATABASE_URL: 'mysql://root:hunter2@db/x' });
      } catch (err) {
        return err as Error;
      }
    })();
    expect(error?.message).toContain('TASK_LINK_SECRET must be at least 32 characters');
    expect(error?.message).toContain('DATABASE_URL must be a PostgreSQL URL');
    expect(error?.message).not.toContain('hunter2');
  });

  it('connects to Temporal plainly, over TLS, with mTLS from PEM files, or to Temporal Cloud with an API key', () => {
    expect(temporalConnectionOptions(loadConfig(base).temporal)).toEqual({ address: '127.0.0.1:7233' });
    expect(temporalConnectionOptions(loadConfig({ ...base, TEMPORAL_TLS: 'true' }).temporal).tls).toEqual({});

    const pem = (name: string) => file(name, `-----BEGIN ${name}-----\nAAAA\n-----END ${name}-----\n`);
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

  it('tells which variables were set, for npm start and the benchmark, without their defaults', () => {
    expect(givenEnv(['TEMPORAL_ADDRESS', 'SMTP_URL'], {})).toEqual({});
    expect(givenEnv(['TEMPORAL_ADDRESS', 'SMTP_URL'], { SMTP_URL: '' })).toEqual({}); // empty is unset
    expect(givenEnv(['TEMPORAL_ADDRESS'], { TEMPORAL_ADDRESS: 'temporal:7233' })).toEqual({ TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(() => givenEnv(['TEMPORAL_ADDRESS'], { TEMPORAL_ADDRESS: 'temporal' })).toThrow('TEMPORAL_ADDRESS must be host:port');
    expect(APP_VARIABLES).toContain('NC_CORRECTION_DAYS');
  });
});
