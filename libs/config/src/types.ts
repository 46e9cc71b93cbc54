import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { isEmail, textProblem } from '../../domain/src/input';
import { isTimeZone } from '../../domain/src/time';

/**
 * The kinds of value an environment variable holds: how its text is checked and turned into a
 * value (a zod schema), and what the README's table says it is. Every message completes a sentence
 * that starts with the variable's name: "PORT must be a port number (1 to 65535)".
 *
 * Why zod: the most used TypeScript schema library, without dependencies; the values' types are
 * inferred from the schemas (no second declaration to drift), text becomes numbers, lists and
 * objects in the same step that checks it, and its issues carry the path inside a value, so a
 * mistake deep in TICKET_WEBHOOKS is named `TICKET_WEBHOOKS.jira.url`. Environment-only libraries
 * (envalid, env-schema) describe flat values and could not check that JSON.
 */
export interface ValueType<T> {
  readonly schema: z.ZodType<T, string>;
  readonly says: string;
}

const valueType = <T>(says: string, schema: z.ZodType<T, string>): ValueType<T> => ({ says, schema });

/** One line of text without control characters (the input policy's rule, libs/domain/src/input.ts). */
const line = z.string().superRefine((value, ctx) => {
  const problem = textProblem(value, { lineBreaks: false });
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Numbers, flags and lists forgive spaces around them; text, URLs and secrets are taken as written. */
const trimmed = z.string().trim();

export function wholeNumber(min: number, max: number, unit = ''): ValueType<number> {
  const what = `a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max.toLocaleString('en-GB')}`;
  return valueType(what, trimmed.regex(/^\d{1,15}$/, { error: `must be ${what}` }).transform(Number).pipe(z.number().min(min, { error: `must be ${what}` }).max(max, { error: `must be ${what}` })));
}

export const port = valueType('a port (1 to 65535)', trimmed.regex(/^\d{1,5}$/, { error: 'must be a port number (1 to 65535)' }).transform(Number).pipe(z.number().min(1, { error: 'must be a port number (1 to 65535)' }).max(65535, { error: 'must be a port number (1 to 65535)' })));

export const hoursList = valueType(
  'hours, comma-separated',
  trimmed
    .regex(/^\d{1,6}(\.\d{1,3})?(\s*,\s*\d{1,6}(\.\d{1,3})?)*$/, { error: 'must be a comma-separated list of hours, such as 72,24' })
    .transform((raw) => raw.split(',').map((hours) => Number(hours.trim()))),
);

export const bool = valueType('`true` or `false`', trimmed.pipe(z.enum(['true', 'false'], { error: 'must be true or false' })).transform((v) => v === 'true'));

const url = (protocols: RegExp, error: string) => z.string().refine((v) => URL.canParse(v) && protocols.test(new URL(v).protocol), { error });

export const httpUrl = valueType('an http(s) URL', url(/^https?:$/, 'must be an http(s) URL, such as https://isms.example.com'));

export const postgresUrl = valueType('a PostgreSQL URL', url(/^postgres(ql)?:$/, 'must be a PostgreSQL URL: postgres://user:password@host:5432/database'));

export const smtpUrl = valueType('an SMTP URL', url(/^smtps?:$/, 'must be an SMTP URL: smtp://host:25, smtps://user:password@host:465'));

export const hostAndPort = valueType(
  '`host:port`',
  z.string().refine((v) => /^[^\s]+:\d{1,5}$/.test(v) && Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, { error: 'must be host:port, such as temporal.internal:7233' }),
);

/** A Temporal namespace or task queue. */
export const name = valueType('a name', z.string().regex(/^[^\s\u0000-\u001f\u007f]{1,255}$/, { error: 'must be a name without spaces or control characters' }));

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const hostName = valueType('a host name', z.string().regex(HOST_NAME, { error: 'must be a host name, such as temporal.internal' }));

export const listenAddress = valueType('an IP address or host name', z.string().refine((v) => isIP(v) !== 0 || HOST_NAME.test(v), { error: 'must be an IP address or a host name to listen on, such as 0.0.0.0 or ::' }));

export const email = valueType('an e-mail address', z.string().refine(isEmail, { error: 'must be an e-mail address every mail relay accepts, such as isms@example.com' }));

/** A mail's sender: an address, or a name and `<address>` (local names such as `localhost` too). */
export const mailbox = valueType(
  'an address, or `Name <address>`',
  z.string().regex(/^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, { error: 'must be an address or Name <address>, such as ismsflow <isms@example.com>' }),
);

export const secretText = (min: number) => valueType(`text, at least ${min} characters`, z.string().min(min, { error: `must be at least ${min} characters` }));

export const singleLineSecret = valueType('text', line);

export const pem = valueType('PEM', z.string().regex(/-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----/, { error: 'must be PEM text (-----BEGIN ...----- ... -----END ...-----)' }));

export const aesKey = valueType(
  '32 bytes, base64',
  z.string().refine((v) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, { error: 'must be 32 random bytes in base64 (openssl rand -base64 32)' }),
);

/** Express's "trust proxy": how many proxies, or which (named ranges, addresses, CIDR ranges). */
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const isProxy = (entry: string) => {
  const [address, prefix, ...rest] = entry.trim().split('/');
  if (rest.length || (prefix !== undefined && !/^\d{1,3}$/.test(prefix) && isIP(prefix) === 0)) return false;
  return PROXY_NAMES.includes(address) ? prefix === undefined : isIP(address) !== 0;
};
export const trustProxy = valueType(
  'a number of proxies, or `loopback`, `linklocal`, `uniquelocal`, addresses and CIDR ranges, comma-separated',
  trimmed.refine((v) => /^\d{1,3}$/.test(v) || v.split(',').every(isProxy), { error: 'must be a number of proxies, or loopback, linklocal, uniquelocal, IP addresses and CIDR ranges, comma-separated' }),
);

export const existingFile = valueType('a file', line.refine((v) => existsSync(v) && statSync(v).isFile(), { error: 'must name a file that exists' }));

/** A folder path (created when missing). */
export const folder = valueType('a folder', line);

/** Anything: the variable is shared with other programs (DEBUG) or only its presence counts. */
export const anyText = valueType('any text', z.string());

/** DEBUG=ismsflow (or a list naming it, or `*`): stack traces with startup failures. */
export const debugList = valueType('names, comma- or space-separated', z.string().transform((v) => v.split(/[\s,]+/).some((n) => n === 'ismsflow' || n === 'ismsflow:*' || n === '*')));

export const timeZone = valueType('an IANA time zone', z.string().refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }));

/**
 * A ticketing system: `url` where ismsflow posts the incident's state (signed with `secret`),
 * `verifyInbound` when the system's own webhooks must carry that signature (then they need no API
 * key), `timeZone` the zone of times the system sends without an offset (ServiceNow).
 */
const ticketSystem = z
  .strictObject(
    {
      url: z.string({ error: 'must be an http(s) URL' }).regex(/^https?:\/\//, { error: 'must be an http(s) URL' }).optional(),
      secret: z.string({ error: 'must be at least 16 characters' }).min(16, { error: 'must be at least 16 characters' }).optional(),
      verifyInbound: z.boolean({ error: 'must be true or false' }).optional(),
      timeZone: z.string({ error: 'must be an IANA time zone such as Europe/Berlin' }).refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }).optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `has unknown keys (${issue.keys.join(', ')}): it takes url, secret, verifyInbound and timeZone` : 'must be an object') },
  )
  .superRefine((hook, ctx) => {
    if (hook.secret !== undefined) return;
    if (hook.url !== undefined) ctx.addIssue({ code: 'custom', message: 'needs a secret: outbound calls are signed with it' });
    else if (hook.verifyInbound) ctx.addIssue({ code: 'custom', message: 'needs a secret: verifyInbound checks signatures with it' });
  });

export type TicketSystem = z.output<typeof ticketSystem>;

export const ticketWebhooks = valueType(
  'JSON',
  z
    .string()
    .transform((raw, ctx): unknown => {
      try {
        return JSON.parse(raw);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON: {"<system>": {"url": "https://...", "secret": "...", "verifyInbound": true}}' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), ticketSystem, { error: 'must be a JSON object keyed by system' })),
);
