import { seedStates } from '#domain/states.ts';
import type { LocalStack } from '../local/stack.ts';

/**
 * Registers `count` delegates of Member States (spread over the 193) through the import route, as an
 * organizer would, and returns their emails and opaque ids in order.
 */
export async function registerDelegates(
  stack: LocalStack,
  count: number,
  emailPrefix: string,
): Promise<{ email: string; id: string }[]> {
  const states = seedStates().filter((s) => s.category === 'MemberState');
  const rows = Array.from({ length: count }, (_, i) => ({
    name: `Bench ${emailPrefix} ${i}`,
    email: `${emailPrefix}${i}@bench.example`,
    delegation: (states[i % states.length] as (typeof states)[number]).code,
    role: 'Delegate',
  }));
  const organizer = await stack.token('organizer@example.org');
  const registered: { email: string; id: string }[] = [];
  for (let i = 0; i < rows.length; i += 5000) {
    const res = await fetch(`${stack.url}/participants/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${organizer}`, 'content-type': 'application/json' },
      body: JSON.stringify(rows.slice(i, i + 5000)),
    });
    if (res.status !== 200) throw new Error(`import failed: ${res.status} ${await res.text()}`);
    registered.push(
      ...((await res.json()) as { participants: { email: string; id: string }[] }).participants,
    );
  }
  const byEmail = new Map(registered.map((p) => [p.email, p.id]));
  return rows.map((r) => ({ email: r.email, id: byEmail.get(r.email) as string }));
}
