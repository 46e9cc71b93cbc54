import { HttpException, HttpStatus, type ValidationError } from '@nestjs/common';
import type { FieldError } from '../../../../libs/domain/src';

/** An RFC 9457 problem: what went wrong, and for bad input, which fields. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export class ProblemException extends HttpException {
  constructor(status: number, detail: string, errors?: FieldError[], type = 'about:blank') {
    const problem: Problem = { type, title: TITLES[status] ?? HttpStatus[status] ?? 'Error', status, detail, ...(errors?.length ? { errors } : {}) };
    super(problem, status);
    // Logged where it is caught outside a request (the pending-starts sweep): the detail says what.
    this.message = detail;
  }

  get problem(): Problem {
    return this.getResponse() as Problem;
  }

  static invalid(errors: FieldError[], status = 422): ProblemException {
    return new ProblemException(status, errors.map((e) => e.message).join('; '), errors);
  }
}

/** class-validator's nested errors, flattened to `field.path: message` pairs. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints && e.value === undefined) return [{ field, message: `${field} is required` }];
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      // class-validator says "property x should not exist" for unknown fields: say it plainly.
      message: message.startsWith('property ') && message.endsWith('should not exist') ? `${field} is not a known field` : message,
    }));
    return [...own, ...fieldErrors(e.children ?? [], field)];
  });
}
