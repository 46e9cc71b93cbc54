import { hasScope } from '../../../../libs/security/src';
import { ProblemException } from '../common/problem';
import type { Caller } from './api-key.guard';

/** Who a record says did it, and, when that is not the caller, the caller who recorded it. */
export interface Acting {
  actor: string;
  recordedBy?: string;
}

/**
 * Who did it comes from the credential. A request may name another person in `field` (the one who
 * completed, approved, accepted, acknowledged) only with a key holding the `on-behalf` scope (a GRC
 * tool or ticketing system recording what people did there); the record then keeps both.
 */
export function acting(caller: Caller, named: string | undefined, field: string): Acting {
  if (named === undefined || named === caller.name) return { actor: caller.name };
  if (!hasScope(caller, 'on-behalf')) {
    throw new ProblemException(403, `The API key "${caller.name}" may not name someone else in ${field}: it is recorded as the one who did it`, [
      { field, message: 'leave it out, or use a key with the scope on-behalf' },
    ]);
  }
  return { actor: named, recordedBy: caller.name };
}

/**
 * The people a ticketing system's delivery names, as the record keeps them: the actor when the
 * caller may name people (a signed webhook, a key with on-behalf), and then the caller beside them;
 * otherwise the caller is the actor and the named person is kept as what the ticket said.
 */
export function asTicketSays<E extends { by?: string }>(caller: Caller, e: E): E & { recordedBy?: string; ticketUser?: string } {
  if (e.by === undefined || e.by === caller.name) return { ...e, by: caller.name };
  return hasScope(caller, 'on-behalf') ? { ...e, recordedBy: caller.name } : { ...e, by: caller.name, ticketUser: e.by };
}
