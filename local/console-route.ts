/**
 * The console at /console on the dev server: index.html and the hashed assets of console/build.ts,
 * built in memory once, at the first request. Every answer carries a strict Content-Security-Policy (no
 * inline script, no other origin but the local floor channel's WebSocket) and the usual security headers.
 * In AWS, CloudFront sends the same headers (a response headers policy, infra/constructs/console-site.ts),
 * with a connect-src naming the AWS endpoints instead of the local WebSocket.
 */
import type { ConsoleFile } from '../console/build.ts';
import type { ConsoleConfig } from '../console/src/config.ts';
import type { LocalRoute } from './dev-server.ts';

export type { ConsoleConfig } from '../console/src/config.ts';

export const consoleContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  // The API is this origin; the floor channel is the local Events endpoint on its own port.
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const consoleSecurityHeaders: Record<string, string> = {
  'content-security-policy': consoleContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(self), microphone=(self), geolocation=(), payment=()',
};

let built: Promise<Map<string, ConsoleFile>> | undefined;

/** The console's files, built once per process (a failed build is tried again at the next request). */
export function consoleFiles(): Promise<Map<string, ConsoleFile>> {
  built ??= import('../console/build.ts')
    .then(({ buildConsole }) => buildConsole())
    .then((files) => new Map(files.map((f) => [f.path, f])))
    .catch((error: Error) => {
      built = undefined;
      throw error;
    });
  return built;
}

export function consoleRoute(config: ConsoleConfig): LocalRoute {
  return async (req, res, _body, url) => {
    const path = url.pathname;
    if (path !== '/console' && !path.startsWith('/console/')) return false;
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', ...consoleSecurityHeaders }).end();
      return true;
    }
    if (path === '/console') {
      res.writeHead(308, { location: '/console/', ...consoleSecurityHeaders }).end();
      return true;
    }
    if (path === '/console/config.json') {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        ...consoleSecurityHeaders,
      });
      res.end(method === 'HEAD' ? undefined : JSON.stringify(config));
      return true;
    }
    let files: Map<string, ConsoleFile>;
    try {
      files = await consoleFiles();
    } catch (error) {
      console.error(`floorpass: the console did not build: ${(error as Error).message}`);
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', ...consoleSecurityHeaders });
      res.end('The console did not build: see the server log.');
      return true;
    }
    const file = files.get(path === '/console/' ? 'index.html' : path.slice('/console/'.length));
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...consoleSecurityHeaders });
      res.end('Not found');
      return true;
    }
    res.writeHead(200, {
      'content-type': file.contentType,
      'content-length': String(file.body.length),
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...consoleSecurityHeaders,
    });
    res.end(method === 'HEAD' ? undefined : file.body);
    return true;
  };
}
