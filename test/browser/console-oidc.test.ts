import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildConsole, type ConsoleFile } from '../../console/build.ts';
import type { ConsoleConfig } from '../../console/src/config.ts';
import { consoleSecurityHeaders } from '../../local/console-route.ts';
import type { LocalStack } from '../../local/stack.ts';
import { describeInBrowser, eventually, launchChromium, openPage } from '../support/browser.ts';
import { startTestStack } from '../support/local-stack.ts';

/**
 * The console's OIDC sign-in in a real browser, as it runs in AWS: the built console at the root of a
 * site of its own (as CloudFront serves it), its config.json saying `oidc`, and a stand-in for Cognito's
 * hosted UI on the same site (/oauth2/authorize, /oauth2/token, /oauth2/revoke, /logout) whose ID tokens
 * the local stack's issuer signs, so the local API takes them. The site passes every other path to the
 * local stack, as the API would answer it.
 */
const EMAIL = 'hod.fra@example.org';

let stack: LocalStack;
let browser: Browser;
let page: Page;
let site: Server;
let origin: string;

/** What the stand-in provider was asked, in order. */
const asked: { path: string; params: Record<string, string> }[] = [];
/** The pending authorization (one at a time): what /oauth2/token checks the code exchange against. */
let pending: { code: string; challenge: string; nonce: string; redirectUri: string } | null = null;

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers JSON; true, for the provider's "answered". */
function json(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return true;
}

async function provider(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const form = req.method === 'POST' ? Object.fromEntries(new URLSearchParams(await bodyOf(req))) : {};
  const params = { ...Object.fromEntries(url.searchParams), ...form };
  if (url.pathname === '/oauth2/authorize') {
    asked.push({ path: url.pathname, params });
    pending = {
      code: `code-${asked.length}`,
      challenge: params.code_challenge ?? '',
      nonce: params.nonce ?? '',
      redirectUri: params.redirect_uri ?? '',
    };
    const back = new URL(pending.redirectUri);
    back.search = new URLSearchParams({ code: pending.code, state: params.state ?? '' }).toString();
    res.writeHead(302, { location: back.toString() }).end();
    return true;
  }
  if (url.pathname === '/oauth2/token') {
    asked.push({ path: url.pathname, params });
    if (params.client_id !== stack.issuer.audience) return json(res, 400, { error: 'invalid_client' });
    if (params.grant_type === 'authorization_code') {
      // Cognito's checks: the code, the redirect URI, and the PKCE verifier against the challenge.
      const ok =
        pending &&
        params.code === pending.code &&
        params.redirect_uri === pending.redirectUri &&
        s256(params.code_verifier ?? '') === pending.challenge;
      if (!ok || !pending) return json(res, 400, { error: 'invalid_grant' });
      const { nonce } = pending;
      pending = null;
      // Thirty seconds to live: the console refreshes it at its first API call.
      const idToken = await stack.issuer.issue(EMAIL, { expiresIn: 30, claims: { nonce } });
      return json(res, 200, { id_token: idToken, access_token: 'unused', refresh_token: 'refresh-1' });
    }
    if (params.grant_type === 'refresh_token' && params.refresh_token === 'refresh-1') {
      return json(res, 200, { id_token: await stack.issuer.issue(EMAIL), access_token: 'unused' });
    }
    return json(res, 400, { error: 'invalid_grant' });
  }
  if (url.pathname === '/oauth2/revoke') {
    asked.push({ path: url.pathname, params });
    res.writeHead(200).end();
    return true;
  }
  if (url.pathname === '/logout') {
    asked.push({ path: url.pathname, params });
    res.writeHead(302, { location: params.logout_uri ?? '/' }).end();
    return true;
  }
  return false;
}

async function startSite(files: Map<string, ConsoleFile>) {
  site = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      if (await provider(req, res, url)) return;
      if (url.pathname === '/config.json') {
        const config: ConsoleConfig = {
          apiUrl: origin,
          eventsUrl: stack.eventsUrl,
          signIn: {
            kind: 'oidc',
            issuer: stack.issuer.issuer,
            clientId: stack.issuer.audience,
            scopes: ['openid', 'email', 'profile'],
            redirectUri: `${origin}/`,
            cognitoDomain: origin,
          },
          media: false,
        };
        res.writeHead(200, { 'content-type': 'application/json', ...consoleSecurityHeaders });
        return void res.end(JSON.stringify(config));
      }
      const file = files.get(url.pathname === '/' ? 'index.html' : url.pathname.slice(1));
      if (file) {
        res.writeHead(200, { 'content-type': file.contentType, ...consoleSecurityHeaders });
        return void res.end(file.body);
      }
      // The API, as the local stack answers it.
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await bodyOf(req);
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const answer = await fetch(`${stack.url}${url.pathname}${url.search}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body === undefined ? {} : { body }),
      });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
}

const tokenCalls = () => asked.filter((a) => a.path === '/oauth2/token');

describeInBrowser('Console: OIDC sign-in in the browser', () => {
  beforeAll(async () => {
    let files: ConsoleFile[];
    [stack, browser, files] = await Promise.all([
      startTestStack({ provisioning: false }),
      launchChromium(),
      buildConsole(),
    ]);
    await startSite(new Map(files.map((f) => [f.path, f])));
    ({ page } = await openPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await stack?.stop();
  });

  it('refuses a callback with a state it did not send, and calls no token endpoint', async () => {
    // Act
    await page.goto(`${origin}/?code=stolen&state=forged`);
    // Assess
    await eventually(() => page.getByRole('alert').textContent()).toContain('STATE_MISMATCH');
    expect(tokenCalls()).toHaveLength(0);
    expect(page.url()).toBe(`${origin}/`);
  });

  it('signs in with the code and PKCE, uses the refreshed ID token for the API, and signs out at the provider', async () => {
    // Act: sign in.
    await page.goto(`${origin}/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Assess: signed in, the code gone from the address bar, the rooms read from the API.
    await eventually(() => page.locator('.who-email').textContent()).toBe(EMAIL);
    expect(page.url()).not.toContain('code=');
    const authorize = asked.find((a) => a.path === '/oauth2/authorize')?.params ?? {};
    expect(authorize).toMatchObject({
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'openid email profile',
    });
    const exchange = tokenCalls()[0]?.params ?? {};
    expect(exchange.grant_type).toBe('authorization_code');
    expect(s256(exchange.code_verifier ?? '')).toBe(authorize.code_challenge);
    // The first ID token had 30 s to live: the API call was made with the refreshed one.
    await eventually(() => tokenCalls().some((c) => c.params.grant_type === 'refresh_token')).toBe(true);
    await eventually(() => page.getByText('Session I', { exact: false }).first().isVisible()).toBe(true);
    // The session in sessionStorage; the single-use verifier, state and nonce gone.
    const stored = String(await page.evaluate('JSON.stringify(sessionStorage)'));
    expect(stored).toContain('floorpass.oidc-session');
    expect(stored).not.toContain('floorpass.oidc-pending');

    // Act: sign out.
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Assess: the refresh token revoked, the provider's session ended, back at the sign-in page.
    await eventually(() => asked.some((a) => a.path === '/logout')).toBe(true);
    expect(asked.find((a) => a.path === '/oauth2/revoke')?.params.token).toBe('refresh-1');
    expect(asked.find((a) => a.path === '/logout')?.params).toEqual({
      client_id: stack.issuer.audience,
      logout_uri: `${origin}/`,
    });
    await eventually(() => page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });
});
