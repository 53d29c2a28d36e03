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
 * The Participants page in a real browser (Debian's Chromium, driven by playwright-core), against a
 * local stack: an organizer imports a file with a bad row and fixes it in place, finds and revokes a
 * participant, and the page passes axe with the row errors showing.
 */
const ROOM = 'session-1';
const T0 = Date.parse('2021-06-28T11:40:00-04:00');
const ORG = /organizer@/;

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];
/** Waits up to 10 s for what a person would wait for. */
/** The browser's document, typed here (the tests' own tsconfig has no DOM library); read inside evaluate only. */
type Doc = { document: { activeElement: { id: string } | null; documentElement: { scrollWidth: number } } };

const csv = [
  'name,email,delegation,role',
  'Amina Diallo,amina.diallo@browser.example.org,SEN,HeadOfDelegation',
  'Bruno Keller,bruno.keller@browser.example.org,CHE,Ambassador',
  'Chiara Rossi,chiara.rossi@browser.example.org,ITA,Delegate',
].join('\r\n');

type ImportAudit = { id: string; action: string; details: { rows: number } };
const importAudits = async (): Promise<ImportAudit[]> =>
  (
    await api.call('GET', '/audit?outcome=succeeded&limit=500', { as: 'organizer@example.org' })
  ).body.items.filter((a: ImportAudit) => a.action === 'participants.import');

describeInBrowser('Console: the Participants page, in the browser', () => {
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ provisioning: false }), launchChromium()]);
    api = apiClient(stack);
    stack.clock.set(new Date(T0), { frozen: true });
    // The dry run's refusal of a bad file is a 400, which Chromium logs; it is the answer expected.
    ({ page, errors: consoleErrors } = await openPage(browser, {
      expected: /status of 400 \(Bad Request\)/,
    }));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('imports a CSV with one bad row: shows the error on the row, takes the fix in place, imports it, and lists the new participant', async () => {
    // Prepare
    await signInAs(page, stack.url, ORG);
    await page.getByRole('link', { name: 'Participants' }).click();
    await page.getByRole('heading', { level: 1, name: 'Participants' }).waitFor();

    // Act: choose the file, and check it
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: 'delegates.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await eventually(() => page.getByText('delegates.csv: 3 rows read.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Check the file' }).click();

    // Assess: the summary at the top, and the error on row 2's role cell
    const summary = page.getByRole('alert').filter({ hasText: 'row has an error' });
    await eventually(() => summary.innerText()).toContain('1 row has an error.');
    const role2 = page.getByLabel('Row 2, Role');
    expect(await role2.getAttribute('aria-invalid')).toBe('true');
    const row2 = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: '2', exact: true }) });
    expect(await row2.innerText()).toContain(
      'The role must be one of: HeadOfDelegation (Head of Delegation), Delegate (Delegate),',
    );
    expect(await page.getByLabel('Row 2, Name').getAttribute('aria-invalid')).toBeNull();
    // The summary's link takes the keyboard to the bad cell
    await page.getByRole('link', { name: 'Go to the first error (row 2)' }).click();
    await eventually(() =>
      page.evaluate(() => (globalThis as unknown as Doc).document.activeElement?.id),
    ).toBe('import-r2-role');
    const scan = await axeViolations(page);
    expect(scan).toEqual([]);

    // Act: fix the cell in place, check again, import
    await role2.fill('Delegate');
    await page.getByRole('button', { name: 'Check the file' }).click();
    await eventually(() => page.locator('.notice-ok').first().innerText()).toContain(
      'The file is valid: 3 to create, 0 to update, 0 unchanged.',
    );
    await page.getByRole('button', { name: 'Import 3 rows' }).click();

    // Assess: the bar full, the summary, and the new participant in the list
    await eventually(() =>
      page.getByText('Import complete: 3 created, 0 updated, 0 unchanged.').isVisible(),
    ).toBe(true);
    expect(
      await page.locator('#import-progress').evaluate((p) => (p as unknown as { value: number }).value),
    ).toBe(3);
    // The list below reads the participants again: the new ones are there with no filter
    await eventually(() => page.getByRole('table', { name: 'Participants, page 1' }).innerText()).toContain(
      'amina.diallo@browser.example.org',
    );
    await page.getByLabel('Name or email contains').fill('keller');
    await page.getByRole('button', { name: 'Filter' }).click();
    const listed = page
      .getByRole('table', { name: 'Participants, page 1' })
      .getByRole('row')
      .filter({ hasText: 'bruno.keller@browser.example.org' });
    await eventually(() => listed.innerText()).toContain('Bruno Keller');
    expect(await listed.innerText()).toContain('Delegate');
    const stored = await api.call('GET', '/participants?q=bruno.keller', { as: 'organizer@example.org' });
    expect(stored.body.items).toEqual([
      expect.objectContaining({ name: 'Bruno Keller', delegation: 'CHE', role: 'Delegate', revoked: false }),
    ]);
  });

  it('edits a participant in place, saying what it did to live credentials', async () => {
    // Act: Bruno Keller (listed above) becomes Head of Delegation
    await page.getByRole('button', { name: 'Edit Bruno Keller' }).click();
    const form = page.getByRole('group', { name: 'Edit Bruno Keller' });
    await eventually(() =>
      page.evaluate(() => (globalThis as unknown as Doc).document.activeElement?.id),
    ).toBe('edit-name');
    await form.getByLabel('Role').selectOption('HeadOfDelegation');
    await form.getByRole('button', { name: 'Save' }).click();

    // Assess
    await eventually(() => page.locator('#list-notice').innerText()).toBe(
      'Bruno Keller was saved. No live online credentials were affected.',
    );
    const stored = await api.call('GET', '/participants?q=bruno.keller', { as: 'organizer@example.org' });
    expect(stored.body.items[0].role).toBe('HeadOfDelegation');
  });

  it('imports a file of 600 rows in parts, the bar counting the rows committed', async () => {
    // Prepare
    const before = new Set((await importAudits()).map((a) => a.id));
    const rows = Array.from(
      { length: 600 },
      (_, i) => `Person ${i},person.${i}@bulk.example.org,NOR,Delegate`,
    );
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: 'bulk.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(['name,email,delegation,role', ...rows].join('\n')),
    });
    await page.getByRole('button', { name: 'Check the file' }).click();
    await eventually(() => page.getByText('The file is valid: 600 to create').isVisible()).toBe(true);

    // Act
    await page.getByRole('button', { name: 'Import 600 rows' }).click();

    // Assess
    await eventually(() =>
      page.getByText('Import complete: 600 created, 0 updated, 0 unchanged.').isVisible(),
    ).toBe(true);
    const bar = page.getByRole('progressbar', { name: 'Import progress' });
    expect([await bar.getAttribute('value'), await bar.getAttribute('max')]).toEqual(['600', '600']);
    expect(await page.locator('.progress p[aria-live]').innerText()).toBe('600 of 600 rows imported.');
    // The parts in the audit: each an import of its own (the clock is frozen, so read them as a set).
    const parts = (await importAudits())
      .filter((a) => !before.has(a.id))
      .map((a) => a.details.rows)
      .sort();
    expect(parts).toEqual([100, 250, 250]);
  });

  it('revokes a participant who has a live attendee, after a confirmation, and says "1 live attendee deleted"', async () => {
    // Prepare: France's Delegate joins Session I (one live attendee)
    const joined = await api.call('POST', `/sessions/${ROOM}/join`, { as: 'delegate.fra@example.org' });
    expect(joined.status, joined.text).toBe(200);
    await page.getByLabel('Name or email contains').fill('delegate.fra');
    await page.getByRole('button', { name: 'Filter' }).click();
    const row = page.getByRole('row').filter({ hasText: 'delegate.fra@example.org' });
    await row.waitFor();

    // Act: revoke, which asks first
    await row.getByRole('button', { name: 'Revoke Delegate of France' }).click();
    const confirm = page.getByRole('alertdialog');
    expect(await confirm.innerText()).toContain('Revoke Delegate of France?');
    await confirm.getByRole('button', { name: 'Yes, revoke Delegate of France' }).click();

    // Assess
    await eventually(() => page.locator('#list-notice').innerText()).toBe(
      'Delegate of France was revoked. 1 live attendee deleted.',
    );
    await eventually(() => row.innerText()).toContain('Revoked');
    const again = await api.call('POST', `/sessions/${ROOM}/join`, { as: 'delegate.fra@example.org' });
    expect(again.body.error.code).toBe('PARTICIPANT_REVOKED');
  });

  it('says the effect in French too, plural-correct', async () => {
    // Prepare: Brazil's Delegate joins Session I
    const joined = await api.call('POST', `/sessions/${ROOM}/join`, { as: 'delegate.bra@example.org' });
    expect(joined.status, joined.text).toBe(200);
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByLabel('Le nom ou l’adresse contient').fill('delegate.bra');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    const row = page.getByRole('row').filter({ hasText: 'delegate.bra@example.org' });
    await row.waitFor();

    // Act
    await row.getByRole('button', { name: 'Révoquer Delegate of Brazil' }).click();
    await page.getByRole('button', { name: 'Oui, révoquer Delegate of Brazil' }).click();

    // Assess
    await eventually(() => page.locator('#list-notice').innerText()).toBe(
      'Delegate of Brazil : participation révoquée. 1 accès en ligne actif supprimé.',
    );
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('does not overflow a phone’s width (390 px), with row errors showing', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${stack.url}/console/#/participants`);
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: 'delegates.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv.replace('chiara.rossi@', 'chiara.rossi.again@')),
    });
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByLabel('Row 2, Role').waitFor();
    const width = await page.evaluate(
      () => (globalThis as unknown as Doc).document.documentElement.scrollWidth,
    );
    expect(width).toBe(390);
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('ran within its Content-Security-Policy, with no uncaught error', () => {
    expect(consoleErrors).toEqual([]);
  });
});
