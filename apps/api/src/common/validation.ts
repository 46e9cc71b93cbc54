import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { ProblemException } from './problem';

// class-validator checks the decorators nearest the property first, and with stopAtFirstError
// only that message is reported: so the most basic rule (type, presence) stands last on a line.

export function IsInFuture(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isInFuture',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && Date.parse(value) > Date.now(),
        defaultMessage: (args) => `${args?.property} must be in the future`,
      },
    },
    options,
  );
}

export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Addresses are compared and searched as one spelling. */
export const email = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
export const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/** limit/offset paging shared by every list. */
export class PageQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional() @Type(() => Number) @Max(200) @Min(1) @IsInt()
  limit: number = 50;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 1_000_000 })
  @IsOptional() @Type(() => Number) @Max(1_000_000) @Min(0) @IsInt()
  offset: number = 0;
}

/** An Idempotency-Key header, when sent, must be a short visible token. */
export function checkIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw ProblemException.invalid([{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 200 visible ASCII characters' }], 400);
  }
}
