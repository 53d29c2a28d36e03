import { loadProgrammeFile } from '#config/programme-file.ts';
import type { apiClient, Call } from './local-stack.ts';
import type { MatrixContext, Persona, RequestSpec } from './route-expectations.ts';

/**
 * The personas of the authorization matrix and the fuzz suite, on the seeded sample event (local/seed.ts):
 * France's Head of Delegation, Brazil's delegate (of another delegation than the target's), a revoked
 * French delegate made here, the seeded Moderator (UNOCT), and the organizer.
 */
export const personaEmails: Record<Exclude<Persona, 'anonymous'>, string> = {
  participant: 'hod.fra@example.org',
  otherDelegation: 'delegate.bra@example.org',
  revoked: 'revoked.fra@personas.example.org',
  moderator: 'moderator@example.org',
  organizer: 'organizer@example.org',
};
const ORG = personaEmails.organizer;
const TARGET_DELEGATION = 'FRA';

type Api = ReturnType<typeof apiClient>;

export async function setUpPersonas(api: Api, options: { eventFile?: string } = {}) {
  const programme = loadProgrammeFile(options.eventFile ?? 'events/hlc-2021.yaml');
  const must = (res: Call, what: string) => {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.body;
  };
  let serial = 0;
  const freshCode = () => `PX-${++serial}`;
  const importOne = async (email: string, delegation: string, role: string) =>
    must(
      await api.call('POST', '/participants/import', {
        as: ORG,
        body: [{ name: `Persona ${email.split('@')[0]}`, email, delegation, role }],
      }),
      `import ${email}`,
    ).participants[0].id as string;

  const revokedId = await importOne(personaEmails.revoked, TARGET_DELEGATION, 'Delegate');
  must(await api.call('POST', `/participants/${revokedId}/revoke`, { as: ORG }), 'revoke');
  const french = must(
    await api.call('GET', `/participants?delegation=${TARGET_DELEGATION}&limit=500`, { as: ORG }),
    'list FRA',
  ).items as { id: string; email: string }[];
  const target = {
    delegation: TARGET_DELEGATION,
    participantId: french.find((p) => p.email === 'delegate.fra@example.org')?.id as string,
    sessionId: 'session-1',
  };
  // The personas are who the matrix says they are.
  const me = async (persona: Exclude<Persona, 'anonymous'>) =>
    (await api.call('GET', '/me', { as: personaEmails[persona] })).body;
  const [moderator, revoked, other] = await Promise.all([
    me('moderator'),
    me('revoked'),
    me('otherDelegation'),
  ]);
  if (moderator.participant.role !== 'Moderator') throw new Error('the moderator persona is no Moderator');
  if (revoked.participant.revoked !== true) throw new Error('the revoked persona is not revoked');
  if (other.delegation.code === TARGET_DELEGATION)
    throw new Error('otherDelegation is of the target delegation');

  /** France's Head of Delegation on Session I's speakers list, nobody on the floor. */
  const queuedFloorRequest = async (): Promise<string> => {
    const floor = `/sessions/${target.sessionId}/floor`;
    await api.call('POST', `${floor}/end`, { as: ORG });
    const res = await api.call('POST', `${floor}/requests`, { as: personaEmails.participant });
    if (res.status === 201) return res.body.request.id as string;
    if (res.body?.error?.code === 'ALREADY_ON_LIST') return res.body.error.requestId as string;
    throw new Error(`inscribe: ${res.status} ${res.text.slice(0, 300)}`);
  };

  return {
    programme,
    target,
    contextFor(persona: Persona): MatrixContext {
      return {
        persona,
        target,
        programme,
        freshParticipant: () =>
          importOne(`fresh.${freshCode().toLowerCase()}@personas.example.org`, TARGET_DELEGATION, 'Delegate'),
        freshCode,
        queuedFloorRequest: () => queuedFloorRequest(),
        heldFloor: async () => {
          const id = await queuedFloorRequest();
          must(
            await api.call('POST', `/sessions/${target.sessionId}/floor/grant`, {
              as: ORG,
              body: { requestId: id },
            }),
            'grant the floor',
          );
          return id;
        },
      };
    },
    /** Calls the API as the persona (anonymous: no Authorization header). */
    callAs(persona: Persona, method: string, url: string, spec: RequestSpec): Promise<Call> {
      return api.call(method, url, {
        ...(persona === 'anonymous' ? {} : { as: personaEmails[persona] }),
        ...(spec.body !== undefined ? { body: spec.body } : {}),
      });
    },
  };
}

export type Personas = Awaited<ReturnType<typeof setUpPersonas>>;
