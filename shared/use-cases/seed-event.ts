/**
 * Deploy-time course: the programme is stored in the table (so organizers can adjust a room's times
 * without a redeploy) and the States are seeded. Re-running it is safe: States are inserted once.
 */
import type { Programme } from '#domain/programme.ts';
import { seedStates } from '#domain/states.ts';
import type { DelegationRepository, ProgrammeRepository } from '#ports/repositories.ts';

export async function seedEvent(
  deps: { programme: ProgrammeRepository; delegations: DelegationRepository },
  programme: Programme,
) {
  await deps.programme.save(programme);
  const states = seedStates();
  const inserted = await deps.delegations.seed(states);
  return { sessions: programme.sessions.length, states: states.length, statesInserted: inserted };
}
