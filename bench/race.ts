/**
 * `npm run bench -- race [--repetitions 500]`: the live-credentials race, long. Each repetition starts a
 * join (with Chime throttling CreateAttendee twice, as in a stampede) and, at a random moment of it, a
 * change that takes the person's right to the room away: a revocation, a seat assignment, a delegation
 * change. Afterwards the emulator is asked what Chime would still let in. Prints one JSON line per kind.
 */
import { participantIdOf } from '#domain/participants.ts';
import { seedStates } from '#domain/states.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';

const ORG = 'organizer@example.org';

type Kind = 'revoke' | 'seat' | 'delegation';

async function call(stack: LocalStack, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Who still has an attendee record in the room's live meetings, as Chime (the emulator) lists them. */
async function liveIn(stack: LocalStack, roomId: string) {
  const slot = await stack.deps.registry.slot(roomId);
  if (slot.state !== 'ready') return new Set<string>();
  const meetings = [slot.roomMeeting.meetingId, ...slot.roomMeeting.replicas.map((r) => r.meetingId)];
  const lists = await Promise.all(meetings.map((m) => stack.deps.meetings.listAttendees(m)));
  return new Set(lists.flat().map((a) => participantIdOf(a.ExternalUserId)));
}

export async function raceBench(options: { repetitions: number }) {
  process.env.POWERTOOLS_LOG_LEVEL = 'CRITICAL';
  const dynamo = await startDynamoDbLocal();
  const stack = await startLocalStack({ dynamoEndpoint: dynamo.endpoint, provisioning: false });
  const org = await stack.token(ORG);
  const states = seedStates().filter((s) => s.category === 'MemberState' && !['FRA', 'BRA'].includes(s.code));
  const results: Record<string, unknown>[] = [];
  try {
    for (const kind of ['revoke', 'seat', 'delegation'] as Kind[]) {
      const n = options.repetitions;
      // Seats: one per State, so at most 191 people per run of assignments; later rounds release them.
      const rows = Array.from({ length: n }, (_, i) => ({
        name: `Race ${kind} ${i}`,
        email: `race-${kind}-${i}@bench.example`,
        delegation: kind === 'seat' ? (states[i % states.length]?.code as string) : 'DEU',
        role: 'Delegate',
      }));
      const imported = await call(stack, org, 'POST', '/participants/import', rows);
      if (imported.status !== 200) throw new Error(`import: ${JSON.stringify(imported.body)}`);
      const people = (imported.body.participants as { id: string; email: string }[]).map((p, i) => ({
        ...p,
        code: rows[i]?.delegation as string,
        token: '',
      }));
      for (const p of people) p.token = await stack.token(p.email);
      const started = performance.now();
      const chimeBefore = stack.emulator.stats();
      let joinsAnswered200 = 0;
      const joinStatuses: Record<string, number> = {};
      for (let i = 0; i < people.length; i += 10) {
        const round = people.slice(i, i + 10);
        // A State's seat is taken by the previous round's person: free it for this round's.
        if (kind === 'seat') {
          for (const p of round) await call(stack, org, 'DELETE', `/delegations/${p.code}/in-person-seat`);
        }
        stack.emulator.injectThrottles('CreateAttendee', 2 * round.length);
        await Promise.all(
          round.map(async (p) => {
            const join = call(stack, p.token, 'POST', '/sessions/session-1/join');
            await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 400)));
            if (kind === 'revoke') await call(stack, org, 'POST', `/participants/${p.id}/revoke`);
            if (kind === 'seat')
              await call(stack, org, 'PUT', `/delegations/${p.code}/in-person-seat`, { participantId: p.id });
            if (kind === 'delegation')
              await call(stack, org, 'PATCH', `/participants/${p.id}`, { delegation: 'VAT' });
            const answered = await join;
            if (answered.status === 200) joinsAnswered200++;
            const code = answered.body?.error?.code ?? String(answered.status);
            joinStatuses[code] = (joinStatuses[code] ?? 0) + 1;
          }),
        );
      }
      // Nobody joins again after the change, so whoever still has a live attendee kept one they had lost
      // the right to (a released seat gives the right back, but makes no attendee).
      // What the every-minute upkeep does in AWS: sweep the orphans of rooms that asked for it (an attendee
      // made whose release failed because Chime or the table would not answer in time).
      const upkeep = (await stack.runDue()) as { swept?: { deleted: number }[] } | undefined;
      const live = await liveIn(stack, 'session-1');
      const chimeAfter = stack.emulator.stats();
      const made = (stats: typeof chimeAfter) =>
        (stats.calls.CreateAttendee ?? 0) - (stats.throttled.CreateAttendee ?? 0);
      results.push({
        bench: 'race',
        kind,
        repetitions: n,
        // Joins that got past their decision and made an attendee on Chime before the change landed:
        // each had to be released (the store saw the epoch move) or deleted by the change.
        attendeesMadeOnChime: made(chimeAfter) - made(chimeBefore),
        orphansSwept: (upkeep?.swept ?? []).reduce((n, r) => n + r.deleted, 0),
        leftLiveAttendees: people.filter((p) => live.has(p.id)).length,
        joinsAnswered200,
        joinStatuses,
        seconds: Math.round((performance.now() - started) / 100) / 10,
      });
      console.log(JSON.stringify(results.at(-1)));
    }
  } finally {
    await stack.stop();
    await dynamo.stop();
  }
  return results;
}
