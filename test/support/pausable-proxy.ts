import { createServer, request, type Server } from 'node:http';

/**
 * An HTTP proxy in front of DynamoDB Local that can hold every request for a while, as a table that
 * stops answering would: requests made during the pause wait, then go through.
 */
export interface PausableProxy {
  endpoint: string;
  pause(ms: number): void;
  close(): Promise<void>;
}

export function startPausableProxy(target: string): Promise<PausableProxy> {
  const upstream = new URL(target);
  let pausedUntil = 0;
  const server: Server = createServer((req, res) => {
    const forward = () => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    };
    const wait = pausedUntil - Date.now();
    if (wait > 0) setTimeout(forward, wait);
    else forward();
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        pause: (ms) => {
          pausedUntil = Date.now() + ms;
        },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
