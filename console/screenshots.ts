/**
 * `npm run console:screenshots`: the console's main pages in English and French at 1280×800 (and two at
 * a phone's 390 px), into docs/screenshots/. It starts its own local stack (DynamoDB Local needs Java),
 * sets a scene on Session I (France online and asking for the floor, Brazil in person, the Holy See
 * refused), and drives Debian's Chromium (`apt-get install -y chromium`).
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startLocalStack } from '../local/stack.ts';
import { chromiumPath, launchChromium, missingChromium, signInAs } from '../test/support/browser.ts';

if (!chromiumPath) {
  console.error(`floorpass: ${missingChromium}`);
  process.exit(1);
}
const out = new URL('../docs/screenshots/', import.meta.url);
mkdirSync(out, { recursive: true });

const T0 = '2021-06-28T11:40:00-04:00';
const stack = await startLocalStack({ port: 0, provisioning: false, clock: T0, chainRecord: true });
const tokens = new Map<string, string>();
async function call(method: string, path: string, as: string | null, body?: unknown) {
  if (as && !tokens.has(as)) tokens.set(as, await stack.token(as));
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      ...(as ? { authorization: `Bearer ${tokens.get(as)}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json().catch(() => null)) as Record<string, never> | null;
  if (!res.ok && res.status !== 403)
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const browser = await launchChromium();
try {
  // The scene: France joins Session I, connects and asks for the floor; Brazil's Head of Delegation takes
  // the in-person seat and is inscribed by the secretariat; the Holy See is refused Session I.
  const ORG = 'organizer@example.org';
  const MOD = 'moderator@example.org';
  const joined = (await call('POST', '/sessions/session-1/join', 'hod.fra@example.org')) as unknown as {
    meeting: { MeetingId: string };
    attendee: { AttendeeId: string };
  };
  stack.emulator.connect(joined.meeting.MeetingId, joined.attendee.AttendeeId);
  await stack.pipeline.flush();
  await call('POST', '/sessions/session-1/floor/requests', 'hod.fra@example.org', {});
  const brazil = (await call('GET', '/me', 'hod.bra@example.org')) as unknown as {
    participant: { id: string };
  };
  await call('PUT', '/delegations/BRA/in-person-seat', ORG, { participantId: brazil.participant.id });
  await call('POST', '/sessions/session-1/check-ins', ORG, {
    participantId: brazil.participant.id,
    direction: 'in',
  });
  await call('POST', '/sessions/session-1/floor/requests', ORG, { participantId: brazil.participant.id });
  await call('POST', '/sessions/session-1/join', 'delegate.vat@example.org');
  await call('POST', '/sessions/session-1/floor/next', MOD);
  // 2 min 35 s into France's three minutes: the countdown has turned.
  const floor = (await call('GET', '/sessions/session-1/floor', MOD)) as unknown as {
    holder: { grantedAt: string };
  };
  const warned = new Date(Date.parse(floor.holder.grantedAt) + 155_000).toISOString();
  await call('POST', '/_local/clock', null, { now: warned, frozen: true });
  // The record chained so far, and a checkpoint signed over it (the Record page shows it).
  await stack.record.flush();
  await stack.record.checkpoint();

  const shots: {
    name: string;
    persona: RegExp;
    hash: string;
    width?: number;
    ready: (p: Page) => Promise<unknown>;
  }[] = [
    {
      name: 'my-sessions',
      persona: /delegate\.vat@/,
      hash: '#/sessions',
      ready: (p) => p.locator('.card').first().waitFor(),
    },
    {
      name: 'floor',
      persona: /moderator@/,
      hash: '#/floor/session-1',
      ready: (p) => p.locator('.live-live').waitFor(),
    },
    {
      name: 'rooms',
      persona: /organizer@/,
      hash: '#/rooms',
      ready: (p) => p.locator('table').first().waitFor(),
    },
    {
      name: 'attendance',
      persona: /organizer@/,
      hash: '#/attendance/session-1',
      ready: (p) => p.locator('.roll-call table').waitFor(),
    },
    {
      name: 'seats',
      persona: /organizer@/,
      hash: '#/seats/BRA',
      ready: (p) => p.locator('#seat-heading').waitFor(),
    },
    {
      // A file with a bad row, checked: the error on its cell, the count at the top.
      name: 'participants',
      persona: /organizer@/,
      hash: '#/participants',
      ready: async (p) => {
        await p.locator('#import-file').setInputFiles({
          name: 'delegates.csv',
          mimeType: 'text/csv',
          buffer: Buffer.from(
            'name,email,delegation,role\r\n' +
              'Amina Diallo,amina.diallo@example.org,SEN,HeadOfDelegation\r\n' +
              'Bruno Keller,bruno.keller@example.org,CHE,Ambassador\r\n' +
              'Chiara Rossi,chiara.rossi@example.org,ITA,Delegate\r\n' +
              'Dmitri Ivanov,amina.diallo@example.org,RUS,Delegate\r\n',
          ),
        });
        await p.getByRole('button', { name: /^(Check the file|Vérifier le fichier)$/ }).click();
        await p.locator('[aria-invalid="true"]').first().waitFor();
        await p.locator('#import-heading').evaluate((h) => h.scrollIntoView());
      },
    },
    {
      name: 'record',
      persona: /organizer@/,
      hash: '#/record',
      ready: (p) => p.locator('dl[data-testid="last-checkpoint"]').waitFor(),
    },
    {
      name: 'audit',
      persona: /organizer@/,
      hash: '#/audit',
      ready: (p) => p.locator('table.audit').waitFor(),
    },
    {
      name: 'my-sessions-phone',
      persona: /hod\.fra@/,
      hash: '#/sessions',
      width: 390,
      ready: (p) => p.locator('.card').first().waitFor(),
    },
    {
      name: 'floor-phone',
      persona: /moderator@/,
      hash: '#/floor/session-1',
      width: 390,
      ready: (p) => p.locator('.live-live').waitFor(),
    },
  ];
  for (const lang of ['en', 'fr'] as const) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
    await page.goto(`${stack.url}/console/`);
    await page.getByRole('button', { name: lang === 'en' ? 'English' : 'Français' }).click();
    await page.screenshot({ path: new URL(`sign-in-${lang}.png`, out).pathname });
    for (const shot of shots) {
      await page.setViewportSize({ width: shot.width ?? 1280, height: 800 });
      await signInAs(page, stack.url, shot.persona);
      await page.goto(`${stack.url}/console/${shot.hash}`);
      await shot.ready(page);
      await page.waitForTimeout(300);
      await page.screenshot({ path: new URL(`${shot.name}-${lang}.png`, out).pathname });
    }
    await page.close();
  }
  console.log(`floorpass: screenshots written to ${out.pathname}`);
} finally {
  await browser.close();
  await stack.stop();
}
