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
 * The organizer's Record page and the attendance page's presence chart, in a real browser against a
 * local stack whose record is chained (docs/record.md): one checkpoint signed, France online in Session I.
 */
const T0 = Date.parse('2021-06-28T11:40:00-04:00');

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];

describeInBrowser('Console: the record and the presence chart, in the browser', () => {
  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startTestStack({ chainRecord: true, provisioning: false }),
      launchChromium(),
    ]);
    api = apiClient(stack);
    // France's Head of Delegation joins Session I at 11:30 and is still in at 11:40.
    stack.clock.set(new Date(T0 - 10 * 60_000), { frozen: true });
    const joined = await api.call('POST', '/sessions/session-1/join', { as: 'hod.fra@example.org' });
    expect(joined.status, joined.text).toBe(200);
    stack.emulator.connect(joined.body.meeting.MeetingId, joined.body.attendee.AttendeeId);
    stack.clock.set(new Date(T0), { frozen: true });
    await stack.pipeline.flush();
    const signed = await stack.record.checkpoint();
    expect(signed.outcome).toBe('signed');
    ({ page, errors: consoleErrors } = await openPage(browser));
    await signInAs(page, stack.url, /Organizer/);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows Session I’s presence over time as a chart, with its figures as a table, France online', async () => {
    // Act
    await page.goto(`${stack.url}/console/#/attendance/session-1`);
    const figure = page.locator('figure.chart');
    await figure.waitFor();

    // Assess: a drawing with both series and a labelled time axis in the event's zone
    expect(await figure.locator('figcaption').innerText()).toMatch(
      /^People in the room over time: Session I/,
    );
    expect(await figure.locator('svg.chart-svg path.series-online').count()).toBe(1);
    expect(await figure.locator('svg.chart-svg path.series-in-person').count()).toBe(1);
    expect(await figure.locator('svg.chart-svg').textContent()).toContain('Time (EDT)');
    // The same figures as a table: the point of 11:35 EDT has France online
    await figure.getByText('Show the figures as a table').click();
    const row = figure.locator('table.chart-table tbody tr').filter({ hasText: '11:35' });
    expect(await row.locator('td').allInnerTexts()).toEqual(['1', '0', '1']);
    const online = await figure.locator('table.chart-table tbody tr td:nth-child(2)').allInnerTexts();
    expect(online.some((n) => Number(n) > 0)).toBe(true);
    expect(online.at(0)).toBe('0'); // 10:30, when the doors opened
    expect(await figure.locator('.chart-summary').innerText()).toContain('Most people at once: 1');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('keeps the chart within a phone’s width (390 px)', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.locator('figure.chart svg.chart-svg').waitFor();
    await eventually(() =>
      page.locator('figure.chart svg.chart-svg').evaluate((svg) => svg.getBoundingClientRect().right),
    ).toBeLessThanOrEqual(390);
    const pageWidth = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
          .documentElement.scrollWidth,
    );
    expect(pageWidth).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows the organizer the last checkpoint and the fingerprint, exports, and the link downloads the tar', async () => {
    // Prepare
    const status = (await api.call('GET', '/record', { as: 'organizer@example.org' })).body;

    // Act
    await page.getByRole('link', { name: 'Record' }).click();
    await page.getByRole('heading', { name: 'The record', level: 1 }).waitFor();

    // Assess: the last checkpoint, its time in the event's zone, and the key's fingerprint
    const checkpoint = page.getByTestId('last-checkpoint');
    await eventually(() => checkpoint.innerText()).toContain(`${status.lastCheckpoint.size} entries`);
    expect(await checkpoint.innerText()).toMatch(/Signed at\s+Mon, Jun 28, 11:40 EDT/);
    expect(await page.locator('code.fingerprint').innerText()).toBe(stack.record.fingerprint);
    expect(await page.locator('pre.command').innerText()).toBe(
      `npm run verify -- record.tar ${stack.record.fingerprint}`,
    );
    expect(await axeViolations(page)).toEqual([]);

    // Act: export
    await page.getByRole('button', { name: 'Export the record' }).click();
    const link = page.getByRole('link', { name: /^Download floorpass-record-hlc-2021-.*\.tar$/ });
    await link.waitFor();

    // Assess: the counts, the command naming the archive, and the link's archive
    expect(await page.getByRole('status').filter({ hasText: 'Exported.' }).innerText()).toMatch(
      /Exported\. Entries: \d+; checkpoints: 1; reports: \d+\./,
    );
    const filename = (await link.getAttribute('download')) as string;
    expect(await page.locator('pre.command').innerText()).toBe(
      `npm run verify -- ${filename} ${stack.record.fingerprint}`,
    );
    const href = (await link.getAttribute('href')) as string;
    const archive = new Uint8Array(await (await fetch(new URL(href, stack.url))).arrayBuffer());
    const text = new TextDecoder('latin1').decode(archive);
    expect(text.slice(257, 262)).toBe('ustar');
    expect(text).toContain('entries.jsonl');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('reads in French', async () => {
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('heading', { name: 'Le registre', level: 1 }).waitFor();
    expect(await page.getByTestId('last-checkpoint').innerText()).toContain('Signé le');
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('logged no error in the page (a Content-Security-Policy refusal among them)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
