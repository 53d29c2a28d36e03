/**
 * The sample event's local data: the programme and the 195 States (as a deployment seeds them), plus a
 * few organizations and the personas the README and the tests use. Goes through the same use cases
 * and repositories as the API.
 */
import type { NewOrganization } from '#domain/delegations.ts';
import type { Identity } from '#domain/identity.ts';
import type { Programme } from '#domain/programme.ts';
import { importParticipants } from '#use-cases/import-participants.ts';
import { seedEvent } from '#use-cases/seed-event.ts';

export const sampleOrganizations: NewOrganization[] = [
  { code: 'UNOCT', name: 'United Nations Office of Counter-Terrorism', category: 'UNEntity' },
  { code: 'UNODC', name: 'United Nations Office on Drugs and Crime', category: 'UNEntity' },
  { code: 'CTED', name: 'Counter-Terrorism Committee Executive Directorate', category: 'UNEntity' },
  {
    code: 'INTERPOL',
    name: 'International Criminal Police Organization',
    category: 'InternationalOrganization',
  },
  { code: 'AU', name: 'African Union', category: 'InternationalOrganization' },
  {
    code: 'OSCE',
    name: 'Organization for Security and Co-operation in Europe',
    category: 'InternationalOrganization',
  },
  { code: 'GNWP', name: 'Global Network of Women Peacebuilders', category: 'CivilSociety' },
  { code: 'GIFCT', name: 'Global Internet Forum to Counter Terrorism', category: 'PrivateSector' },
];

export const personas = [
  { email: 'organizer@example.org', what: 'organizer (the secretariat)', organizer: true },
  {
    email: 'hod.fra@example.org',
    name: 'Head of Delegation of France',
    delegation: 'FRA',
    role: 'HeadOfDelegation',
  },
  { email: 'delegate.fra@example.org', name: 'Delegate of France', delegation: 'FRA', role: 'Delegate' },
  { email: 'delegate.bra@example.org', name: 'Delegate of Brazil', delegation: 'BRA', role: 'Delegate' },
  {
    email: 'hod.bra@example.org',
    name: 'Head of Delegation of Brazil',
    delegation: 'BRA',
    role: 'HeadOfDelegation',
  },
  {
    email: 'delegate.vat@example.org',
    name: 'Delegate of the Holy See',
    delegation: 'VAT',
    role: 'Delegate',
  },
  {
    email: 'speaker.cso@example.org',
    name: 'Speaker, Global Network of Women Peacebuilders',
    delegation: 'GNWP',
    role: 'Speaker',
  },
  { email: 'moderator@example.org', name: 'Moderator, UNOCT', delegation: 'UNOCT', role: 'Moderator' },
] as const;

export const organizerEmails = personas.filter((p) => 'organizer' in p).map((p) => p.email as string);

type SeedDeps = Parameters<typeof seedEvent>[0] & Parameters<typeof importParticipants>[0];

export async function seedSample(deps: SeedDeps, programme: Programme, options: { personas: boolean }) {
  const summary = await seedEvent(deps, programme);
  for (const org of sampleOrganizations) await deps.delegations.create({ ...org, regionalGroup: null });
  if (options.personas) {
    const seeder: Identity = { subject: 'local-seed', email: 'seed@localhost', isOrganizer: true };
    const rows = personas.flatMap((p) =>
      'delegation' in p ? [{ name: p.name, email: p.email, delegation: p.delegation, role: p.role }] : [],
    );
    await importParticipants(deps, seeder, rows);
  }
  return summary;
}
