import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { startTestStack } from '../support/local-stack.ts';

/** The console as the dev server serves it: hashed assets, a strict CSP, no inline script. */
let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({ provisioning: false });
});
afterAll(async () => {
  await stack?.stop();
});

const get = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.url}${path}`, { redirect: 'manual', ...init });

describe('Route: /console', () => {
  it('redirects /console to /console/', async () => {
    const res = await get('/console');
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/console/');
  });

  it('serves index.html with a strict Content-Security-Policy, security headers and no inline script', async () => {
    // Act
    const res = await get('/console/');
    const html = await res.text();
    // Assess
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:*");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      // Relative: the same build sits under /console/ here and at the distribution's root in AWS.
      expect(attributes).toMatch(/src="assets\/main-\w+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/\sstyle=|\son\w+=/);
  });

  it('serves the hashed assets it names, cached for a year, and nothing else', async () => {
    // Prepare
    const html = await (await get('/console/')).text();
    const assets = [...html.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) => `/console/${m[1]}`);
    expect(assets).toHaveLength(2);
    // Act & Assess
    for (const asset of assets) {
      const res = await get(asset);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-type')).toMatch(/^(text\/javascript|text\/css)/);
    }
    expect((await get('/console/assets/nothing-here.js')).status).toBe(404);
    expect((await get('/console/', { method: 'POST' })).status).toBe(405);
  });

  it('tells the console where the floor channel is, and that the local stack has no media', async () => {
    const res = await get('/console/config.json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ eventsUrl: stack.eventsUrl, signIn: { kind: 'local' }, media: false });
  });
});
