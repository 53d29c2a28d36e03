import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import {
  axeViolations,
  describeInBrowser,
  eventually,
  launchChromium,
  openPage,
  signInAs,
} from '../support/browser.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

/**
 * The console in a real browser (Debian's Chromium, driven by playwright-core), against a local stack:
 * one browser and one page for the file, the clock moved by the test as POST /_local/clock moves it.
 */
const ROOM = 'session-1';
const T0 = Date.parse('2021-06-28T11:40:00-04:00');

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let browser: Browser;
let page: Page;
/** What the page logged as an error (a Content-Security-Policy refusal among them), and its uncaught errors. */
let consoleErrors: string[] = [];
/** Every serious or critical axe violation, by page. */
const scans: Record<string, unknown[]> = {};

async function scan(name: string) {
  scans[name] = await axeViolations(page);
}
async function moveClock(iso: string) {
  const res = await api.call('POST', '/_local/clock', { body: { now: iso, frozen: true } });
  expect(res.status, res.text).toBe(200);
}

describeInBrowser('Console: in the browser', () => {
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ provisioning: false }), launchChromium()]);
    api = apiClient(stack);
    stack.clock.set(new Date(T0), { frozen: true });
    ({ page, errors: consoleErrors } = await openPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in locally with a persona picker labelled as local only, and passes an axe scan', async () => {
    // Act
    await page.goto(`${stack.url}/console/`);
    // Assess
    await eventually(() => page.getByText('Local development only.').isVisible()).toBe(true);
    await scan('sign-in');
  });

  it('shows the Holy See’s delegate Session I refused, with the reason, in English and in French', async () => {
    // Act
    await signInAs(page, stack.url, /Holy See/);
    const card = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: /^Session I:/ }) });
    // Assess
    await eventually(() => card.innerText()).toContain('You cannot join.');
    expect(await card.innerText()).toContain('This session is not open to your delegation’s category.');
    expect(await page.getByText('Times are New York time (America/New_York).').isVisible()).toBe(true);
    await scan('my-sessions');
    await page.getByRole('button', { name: 'Français' }).click();
    await eventually(() => card.innerText()).toContain('Vous ne pouvez pas entrer.');
    expect(await card.innerText()).toContain(
      'Cette séance n’est pas ouverte à la catégorie de votre délégation.',
    );
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('lets France’s Head of Delegation join, says plainly there is no media, and shows no secret', async () => {
    // Act
    await signInAs(page, stack.url, /France, Head of Delegation/);
    const card = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: /^Session I:/ }) });
    await card.getByRole('button', { name: 'Join' }).click();
    // Assess
    await eventually(() => card.innerText()).toContain('No audio or video is available here');
    const html = await page.content();
    expect(html).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no JWT
    expect(html).not.toMatch(/JoinToken/i);
  });

  it('lets France ask for the floor and see its position, and the moderator run the intervention: the countdown turns at the warning and shows the cut, with no reload', async () => {
    // Prepare: France (joined above) connects; its Head of Delegation, in a browser of their own, asks
    // for the floor and sees their position
    const joined = await api.call('POST', `/sessions/${ROOM}/join`, { as: 'hod.fra@example.org' });
    stack.emulator.connect(joined.body.meeting.MeetingId, joined.body.attendee.AttendeeId);
    await stack.pipeline.flush();
    const delegateContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const delegate = await delegateContext.newPage();
    delegate.setDefaultTimeout(10_000);
    await signInAs(delegate, stack.url, /hod\.fra@/);
    await delegate.goto(`${stack.url}/console/#/floor/${ROOM}`);
    await delegate.getByText('Live: updates arrive as they happen.').waitFor();
    await delegate.getByRole('button', { name: 'Ask for the floor' }).click();
    await eventually(() => delegate.locator('.ask').innerText()).toContain('You are number 1 on the list.');
    await signInAs(page, stack.url, /Moderator/);
    await page.goto(`${stack.url}/console/#/floor/${ROOM}`);
    await page.getByText('Live: updates arrive as they happen.').waitFor();
    const row = page.getByRole('row').filter({ hasText: 'FRA' });
    await eventually(() => row.innerText()).toContain('Online');
    // Act: give the floor
    await page.getByRole('button', { name: 'Give the floor to the next speaker' }).click();
    const countdown = page.getByRole('timer');
    await countdown.waitFor();
    expect(await countdown.getAttribute('data-state')).toBe('running');
    // The delegate's page learns it from the channel, with no reload
    await eventually(() => delegate.locator('.ask').innerText()).toContain('You have the floor');
    // …and opens the microphone: against the emulator (no media) it says so plainly
    await eventually(() => delegate.locator('[data-microphone]').getAttribute('data-microphone')).toBe(
      'no-media',
    );
    expect(await delegate.locator('.ask').innerText()).toContain('This local stack has no audio');
    const grantedAt = (await api.call('GET', `/sessions/${ROOM}/floor`, { as: 'moderator@example.org' })).body
      .holder.grantedAt as string;
    await scan('floor');
    // Act: the clock reaches the warning (2:30), then the limit (3:00)
    await moveClock(new Date(Date.parse(grantedAt) + 150_000).toISOString());
    // Assess: the warning, from the channel alone
    await eventually(() => countdown.getAttribute('data-state')).toBe('warning');
    expect(await page.getByText('30 seconds or less').isVisible()).toBe(true);
    await moveClock(new Date(Date.parse(grantedAt) + 180_000).toISOString());
    await eventually(() => page.locator('.countdown').getAttribute('data-state')).toBe('cut');
    expect(await page.locator('.holder').innerText()).toMatch(
      /FRA was cut at the time limit at 11:\d\d:\d\d EDT/,
    );
    // The delegate's page closes the microphone at the cut, with no reload
    await eventually(() => delegate.locator('[data-microphone]').count()).toBe(0);
    await delegate.getByRole('button', { name: 'Ask for the floor' }).waitFor();
    await delegateContext.close();
  });

  it('lets the moderator run a second intervention, in person: overtime is shown, and the moderator ends it', async () => {
    // Prepare: Brazil's Head of Delegation takes the in-person seat; the secretariat inscribes them
    const brazil = await api.call('GET', '/me', { as: 'hod.bra@example.org' });
    const seat = await api.call('PUT', '/delegations/BRA/in-person-seat', {
      as: 'organizer@example.org',
      body: { participantId: brazil.body.participant.id },
    });
    expect(seat.status, seat.text).toBe(200);
    const inscribed = await api.call('POST', `/sessions/${ROOM}/floor/requests`, {
      as: 'organizer@example.org',
      body: { participantId: brazil.body.participant.id },
    });
    expect(inscribed.status, inscribed.text).toBe(201);
    const row = page.getByRole('row').filter({ hasText: 'BRA' });
    await eventually(() => row.innerText()).toContain('In person');
    // Act: the floor to Brazil, then the clock past the limit
    await page.getByRole('button', { name: 'Give the floor to the next speaker' }).click();
    const holder = page.locator('.holder');
    await eventually(() => holder.innerText()).toContain('BRA');
    expect(await holder.innerText()).toContain('In person');
    const grantedAt = (await api.call('GET', `/sessions/${ROOM}/floor`, { as: 'moderator@example.org' })).body
      .holder.grantedAt as string;
    await moveClock(new Date(Date.parse(grantedAt) + 181_000).toISOString());
    // Assess: the hall microphone is not the server's to cut: overtime, until the moderator ends it
    await eventually(() => page.getByRole('timer').innerText()).toBe('Overtime');
    await page.getByRole('button', { name: 'End the intervention' }).click();
    await eventually(() => holder.innerText()).toMatch(/BRA’s intervention ended at 11:\d\d:\d\d EDT/);
  });

  it('is usable with the keyboard alone, with a visible focus ring', async () => {
    // Act: sign out, then Tab from the top of the sign-in page to the first persona and press Enter
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await page.locator('body').focus();
    const focusedName = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document
            .activeElement?.textContent ?? '',
      );
    for (let i = 0; i < 12 && !(await focusedName()).includes('organizer@example.org'); i++)
      await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { activeElement: unknown } }).document;
      const style = (
        globalThis as unknown as {
          getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string };
        }
      ).getComputedStyle(d.activeElement);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
    expect(ring).toBe('solid 3px');
    await page.keyboard.press('Enter');
    // Assess: signed in as the organizer, on the rooms board
    await page.getByRole('heading', { name: 'Rooms', level: 1 }).waitFor();
  });

  it('shows the organizer the rooms board, and France online for Session I in the roll call', async () => {
    // Act
    await signInAs(page, stack.url, /Organizer/);
    await page.getByRole('heading', { name: 'Rooms', level: 1 }).waitFor();
    const session1 = page.getByRole('row').filter({ hasText: 'Session I:' });
    // Assess: the board
    await eventually(() => session1.innerText()).toContain('Open');
    // The day's timeline: a lane per room of the day (as the table's rows), Session I's open, now marked
    const firstDay = page.locator('.day').first();
    const timeline = firstDay.locator('svg.timeline-chart');
    expect(Number(await timeline.getAttribute('data-rooms'))).toBe(
      await firstDay.locator('table.board tbody tr').count(),
    );
    expect(await timeline.locator(`g[data-room="${ROOM}"]`).getAttribute('class')).toContain('lane-open');
    expect(await timeline.locator('g.now').count()).toBe(1);
    await scan('rooms');
    // Act: the roll call (Member States)
    await page.getByRole('link', { name: 'Attendance', exact: true }).click();
    const france = page.locator('.roll-call tr', { has: page.locator('th', { hasText: /^France/ }) });
    // Assess
    await eventually(() => france.locator(`td[data-room="${ROOM}"]`).innerText()).toBe('Online');
    // The room's attendance as a CSV file, through the button (the token goes in a header, not a link)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download this room’s attendance (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`attendance-${ROOM}.csv`);
    const csv = await readFile((await download.path()) as string, 'utf8');
    expect(csv).toMatch(/FRA/);
    // The Observer States (two rows: the axe scan of 193 Member States' rows alone takes 15 s)
    await page.getByLabel('Category').selectOption('ObserverState');
    const holySee = page.locator('.roll-call tr', { has: page.locator('th', { hasText: /^Holy See/ }) });
    await eventually(() => holySee.locator(`td[data-room="${ROOM}"]`).innerText()).toBe('Absent');
    await scan('attendance');
  });

  it('shows the organizer the audit trail, filtered to refusals, with the reason translated', async () => {
    // Prepare: the Holy See tries to join Session I anyway, and is refused (audited)
    const refused = await api.call('POST', `/sessions/${ROOM}/join`, { as: 'delegate.vat@example.org' });
    expect(refused.body.error.code).toBe('SESSION_RESTRICTED');
    // Act
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByLabel('Room').selectOption(ROOM);
    await page.getByLabel('Outcome').selectOption('denied');
    const refusal = page.getByRole('row').filter({ hasText: 'VAT' }).first();
    // Assess
    await eventually(() => refusal.innerText().catch(() => '')).toContain('Denied');
    expect(await refusal.innerText()).toContain('This session is not open to your delegation’s category.');
    await scan('audit');
  });

  it('lets the secretariat inscribe Brazil’s in-person seat holder from the floor page', async () => {
    // Act
    await page.goto(`${stack.url}/console/#/floor/${ROOM}`);
    await page.getByLabel('Delegation code (e.g. BRA)').fill('bra');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('button', { name: 'Inscribe Head of Delegation of Brazil' }).click();
    // Assess
    const row = page.locator('.speakers tr', { hasText: 'BRA' });
    await eventually(() => row.innerText().catch(() => '')).toContain('In person');
  });

  it('lets the secretariat hand Brazil’s seat over, then check its new holder in at the door', async () => {
    // Act: Brazil's Head of Delegation holds the seat (above); hand it over to Brazil's delegate
    await page.getByRole('link', { name: 'Seats' }).click();
    await page.getByLabel('State').selectOption('BRA');
    await eventually(() => page.locator('#seat-heading').innerText()).toBe(
      'The seat is held by Head of Delegation of Brazil',
    );
    await page.getByRole('button', { name: 'Hand the seat over to Delegate of Brazil' }).click();
    // Assess: the new holder, and what it did to their live credentials
    await eventually(() => page.locator('#seat-heading').innerText()).toBe(
      'The seat is held by Delegate of Brazil',
    );
    expect(await page.locator('.notice-ok').innerText()).toContain('Live online credentials deleted: 0.');
    // Act: check the holder in at Session I's door
    await page.getByLabel('Door of').selectOption(ROOM);
    await page.getByRole('button', { name: 'Check in at the door' }).click();
    await eventually(() => page.locator('.notice-ok').innerText()).toBe('Delegate of Brazil is checked in.');
    await scan('seats');
  });

  it('does not overflow a phone’s width (390 px) on any page', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    const widths: Record<string, number> = {};
    const pages: [string, RegExp][] = [
      ['#/rooms', /organizer@/],
      ['#/attendance/session-1', /organizer@/],
      ['#/audit', /organizer@/],
      ['#/seats/BRA', /organizer@/],
      ['#/sessions', /hod\.fra@/],
      [`#/floor/${ROOM}`, /moderator@/],
    ];
    for (const [hash, persona] of pages) {
      await signInAs(page, stack.url, persona);
      await page.goto(`${stack.url}/console/${hash}`);
      await page.locator('h1').waitFor();
      await page.waitForTimeout(200);
      widths[hash] = await page.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
            .documentElement.scrollWidth,
      );
    }
    expect(widths).toEqual(Object.fromEntries(pages.map(([hash]) => [hash, 390])));
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('ran every page within its Content-Security-Policy, with no uncaught error', () => {
    expect(consoleErrors).toEqual([]);
  });

  it('finds no serious or critical accessibility violation on any page (axe-core)', () => {
    expect(Object.keys(scans).sort()).toEqual([
      'attendance',
      'audit',
      'floor',
      'my-sessions',
      'rooms',
      'seats',
      'sign-in',
    ]);
    expect(scans).toEqual(Object.fromEntries(Object.keys(scans).map((k) => [k, []])));
  });
});
