import { ValidateBy, type ValidationOptions } from 'class-validator';

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
