/**
 * One input policy at the edge, for every body, query and path parameter of every route (DTOs,
 * webhooks, task pages, dashboard forms): text free of control characters, bounded nesting, and in
 * DTOs single-line text unless a field says it takes paragraphs. What passes can be stored, mailed
 * and computed by every later step, so nothing reaches a workflow that a later step refuses.
 */
import { type ArgumentMetadata, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import { AUDIENCE_SYNTAX, isCalendarDate, isDateTime, isEmail, parseAudience, textProblem, type FieldError } from '../../../../libs/domain/src';
import { fieldErrors, ProblemException } from './problem';

/** Deeper than any request ismsflow takes; far shallower than what would exhaust a stack later. */
export const MAX_DEPTH = 32;
const MULTILINE = Symbol('ismsflow:multiline');

/** A DTO text field that may hold line breaks (descriptions, instructions, notes); every other string is one line. */
export function MultiLine(): PropertyDecorator {
  return (target, key) => Reflect.defineMetadata(MULTILINE, true, target, key);
}

/** Control characters, broken Unicode or nesting beyond MAX_DEPTH anywhere in a raw value, by path. */
export function rawInputErrors(value: unknown, root: string, singleLine: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: root, depth: 0 }];
  while (stack.length && errors.length < 20) {
    const { v, path, depth } = stack.pop()!;
    const name = path || 'body';
    if (typeof v === 'string') {
      const problem = textProblem(v, { lineBreaks: !singleLine });
      if (problem) errors.push({ field: name, message: `${name} ${problem}` });
    } else if (v && typeof v === 'object') {
      if (depth >= MAX_DEPTH) {
        errors.push({ field: name, message: `${name} is nested more than ${MAX_DEPTH} levels deep` });
        continue;
      }
      for (const [k, child] of Object.entries(v)) {
        const childPath = path ? `${path}.${k}` : k;
        const keyProblem = textProblem(k, { lineBreaks: false });
        if (keyProblem) errors.push({ field: path || 'body', message: `a field name in ${path || 'the body'} ${keyProblem}` });
        else stack.push({ v: child, path: childPath, depth: depth + 1 });
      }
    }
  }
  return errors.reverse();
}

/** Strings of a validated DTO that hold line breaks where the field does not allow them. */
function lineErrors(dto: unknown, path: string, errors: FieldError[]): void {
  if (!dto || typeof dto !== 'object') return;
  for (const [key, value] of Object.entries(dto) as Array<[string, unknown]>) {
    const field = path ? `${path}.${key}` : key;
    const values = Array.isArray(value) ? value.map((v, i) => [`${field}.${i}`, v] as const) : [[field, value] as const];
    for (const [at, v] of values) {
      if (typeof v === 'string') {
        const multiline = Reflect.getMetadata(MULTILINE, dto, key) === true;
        const problem = textProblem(v, { lineBreaks: multiline });
        if (problem) errors.push({ field: at, message: `${at} ${problem}` });
      } else if (v && typeof v === 'object' && (v as object).constructor !== Object) lineErrors(v, at, errors);
    }
  }
}

/**
 * class-validator's pipe with the input policy around it: the raw value is checked before anything
 * reads it, the DTO after. A request without a body is an empty one, never a crash.
 */
export class EdgeValidationPipe extends ValidationPipe {
  constructor(options: ValidationPipeOptions) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return value;
    const raw = metadata.type === 'body' && value === undefined ? {} : value;
    const root = metadata.type === 'param' ? (metadata.data ?? 'path') : metadata.type === 'query' ? (metadata.data ?? '') : '';
    const errors = rawInputErrors(raw, root, metadata.type !== 'body');
    if (errors.length) throw ProblemException.invalid(errors);
    const dto: unknown = await super.transform(raw, metadata);
    // A DTO class's own strings: single line unless the field says otherwise. Plain objects (webhooks, forms) have rules of their own.
    if (this.toValidate(metadata) && metadata.metatype && dto instanceof metadata.metatype) {
      const lines: FieldError[] = [];
      lineErrors(dto, metadata.type === 'body' ? '' : root, lines);
      if (lines.length) throw ProblemException.invalid(lines);
    }
    return dto;
  }
}

const rule = (name: string, test: (value: string) => boolean, describe: (property: string) => string) => (options?: ValidationOptions) =>
  ValidateBy({ name, validator: { validate: (v: unknown) => typeof v === 'string' && test(v), defaultMessage: (args) => describe(args?.property ?? 'value') } }, options);

/** `YYYY-MM-DDThh:mm[:ss[.fff]]` with Z or an offset, a real instant. */
export const IsDateTime = rule('isDateTime', isDateTime, (p) => `${p} must be a date-time such as 2027-06-30T17:00:00Z`);
/** `YYYY-MM-DD`, a real calendar day. */
export const IsCalendarDate = rule('isCalendarDate', isCalendarDate, (p) => `${p} must be a date (YYYY-MM-DD)`);
/** Either of the two. */
export const IsDateOrDateTime = rule('isDateOrDateTime', (v) => isCalendarDate(v) || isDateTime(v), (p) => `${p} must be a date (YYYY-MM-DD) or a date-time`);
/** An address a mail relay accepts (see isEmail). Use with `@Transform(email)`. */
export const IsMailbox = rule('isMailbox', isEmail, (p) => `${p} must be an email address`);
/** An audience as written: `everyone`, `department:<name>`, `new-starters:<date>`. */
export const IsAudience = rule('isAudience', (v) => parseAudience(v) !== undefined, (p) => `${p} must be ${AUDIENCE_SYNTAX}`);

/** The pipe every route's input goes through: unknown fields refused, one message per field (the first rule broken). */
export function validationPipe(): EdgeValidationPipe {
  return new EdgeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => ProblemException.invalid(fieldErrors(errors)),
  });
}
