/**
 * A counting HTTP proxy in front of DynamoDB Local: every request the backend makes passes through it,
 * so operations per join are counted from the wire (by X-Amz-Target), not from hooks in the code.
 */
import { createServer, request, type Server } from 'node:http';

export interface CountingProxy {
  endpoint: string;
  counts(): Record<string, number>;
  total(): number;
  reset(): void;
  close(): Promise<void>;
}

export function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const counts: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const op =
      String(req.headers['x-amz-target'] ?? 'unknown')
        .split('.')
        .pop() ?? 'unknown';
    counts[op] = (counts[op] ?? 0) + 1;
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(out);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        counts: () => ({ ...counts }),
        total: () => Object.values(counts).reduce((a, b) => a + b, 0),
        reset: () => {
          for (const k of Object.keys(counts)) delete counts[k];
        },
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
