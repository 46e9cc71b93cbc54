/**
 * What ismsflow accepts from outside, as pure checks the API (at the edge) and the workflows (in
 * Update validators and signal handlers) share. Anything these let through must be storable,
 * mailable and computable by every later step, so that no value can fail a workflow later.
 */

/** C0 control characters and DEL, except tab and line breaks: PostgreSQL refuses NUL, mail headers and CSV break on the rest. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** Line and paragraph breaks, which single-line values (titles, names, ids) must not hold. */
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;
/** Half of a surrogate pair on its own: not a character, and not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text is refused, or undefined when it is fine. */
export function textProblem(value: string, opts: { lineBreaks: boolean } = { lineBreaks: true }): string | undefined {
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text';
  if (!opts.lineBreaks && LINE_BREAK.test(value)) return 'must be a single line';
  return undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

function realDay(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** A real calendar day written `YYYY-MM-DD` (no week dates, ordinal dates or basic format). */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  return !!m && realDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * A real instant written `YYYY-MM-DDThh:mm[:ss[.fff]]` with `Z` or an offset: the one ISO 8601 form
 * accepted, so the parser and every later step read it the same way.
 */
export function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m || !realDay(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  const [hh, mm, ss] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hh > 23 || mm > 59 || ss > 59) return false;
  return m[7] === 'Z' || (Number(m[8]) <= 14 && Number(m[9]) <= 59);
}

/**
 * An address every mail relay accepts (RFC 5321 with no extensions): a dot-atom local part of at most
 * 64 ASCII characters, no quoted strings or comments, and a domain of letter-digit-hyphen labels with a
 * top-level name. What an SMTP server may refuse (quoted local parts, non-ASCII without SMTPUTF8, IP
 * literals) is refused here, before any process depends on it.
 */
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function isEmail(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at < 1) return false;
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  return (
    local.length <= 64 &&
    LOCAL.test(local) &&
    labels.length >= 2 &&
    labels.every((l) => LABEL.test(l)) &&
    /^[A-Za-z][A-Za-z0-9-]*$/.test(labels[labels.length - 1])
  );
}
