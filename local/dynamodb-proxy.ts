/**
 * An HTTP proxy in front of DynamoDB Local, for benchmarks and tests (never in the stack): every
 * request the backend makes passes through it, so operations are counted from the wire (by X-Amz-Target),
 * not from hooks in the code; it can hold every request for a while, as a table that stops answering
 * would (requests made during the pause wait, then go through); and it can tell an observer of each
 * operation, its request and its status (the API tests use it to see what a refused request wrote).
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';

export interface DynamoProxy {
  endpoint: string;
  counts(): Record<string, number>;
  total(): number;
  reset(): void;
  /** Holds every request for `ms` from now. */
  pause(ms: number): void;
  close(): Promise<void>;
}

/** One operation as it went over the wire: its name, its JSON request, DynamoDB's HTTP status. */
export interface ProxiedOperation {
  operation: string;
  request: string;
  status: number;
}

export function startDynamoProxy(
  target: string,
  options: {
    /** Called once DynamoDB has answered, before the answer is passed on to the caller. */
    onOperation?: (op: ProxiedOperation) => void;
  } = {},
): Promise<DynamoProxy> {
  const upstream = new URL(target);
  const counts: Record<string, number> = {};
  let pausedUntil = 0;
  const server: Server = createServer((req, res) => {
    const wait = pausedUntil - Date.now();
    if (wait > 0) setTimeout(() => forward(req, res), wait);
    else forward(req, res);
  });
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const op =
      String(req.headers['x-amz-target'] ?? 'unknown')
        .split('.')
        .pop() ?? 'unknown';
    counts[op] = (counts[op] ?? 0) + 1;
    const { onOperation } = options;
    const body: Buffer[] = [];
    if (onOperation) req.on('data', (chunk: Buffer) => body.push(chunk));
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        if (onOperation) {
          // Registered before pipe's own listener: the observer knows before the caller can.
          up.on('end', () =>
            onOperation({
              operation: op,
              request: Buffer.concat(body).toString('utf8'),
              status: up.statusCode ?? 502,
            }),
          );
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(out);
  };
  // Longer than the SDK's idle keep-alive: a socket closed just as a client reuses it is a reset.
  server.keepAliveTimeout = 65_000;
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
        pause: (ms) => {
          pausedUntil = Date.now() + ms;
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
