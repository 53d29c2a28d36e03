import { AccessDeniedError } from '#domain/errors.ts';
import type { Identity } from '#domain/identity.ts';

/** Organizer routes: the group claim was checked at the edge into `isOrganizer`. */
export function requireOrganizer(identity: Identity): void {
  if (!identity.isOrganizer) {
    throw new AccessDeniedError('FORBIDDEN', 'This action is for organizers (the secretariat) only.');
  }
}
