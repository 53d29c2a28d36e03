/**
 * The floor channel in AWS: one HTTP POST per event to the AppSync Events API's publish endpoint
 * (`https://{http domain}/event`, body `{ channel, events: ["<JSON>"] }`), signed with SigV4 for the
 * `appsync` service with the function's own credentials (the API takes IAM for publishing only).
 *
 * A publish never throws and never waits long: the floor has changed already (the record is in
 * DynamoDB, the microphone is open or shut), and a client that missed the event re-reads
 * GET /sessions/{id}/floor when it reconnects. A lost publish is reported to `onLost`, which logs and
 * counts it.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { floorChannelOf, type RoomChannel } from '#ports/room-channel.ts';

/** The signing name AppSync Events' HTTP and WebSocket endpoints take for IAM. */
const SIGNING_SERVICE = 'appsync';

/** Long enough for a round trip in the Region, short enough that a use case never waits on a broken one. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 1_500;

export interface AppSyncEventsPublisherOptions {
  /** The publish endpoint: `https://{http domain}/event` (a local test server's URL in tests). */
  endpoint: string;
  region: string;
  credentials: ConstructorParameters<typeof SignatureV4>[0]['credentials'];
  /** Milliseconds for signing, sending and reading the answer together (1.5 s). */
  timeoutMs?: number;
  /** Told of every event that did not reach the API (a reason without the event or any header). */
  onLost: (roomId: string, reason: string) => void;
  /** For tests only. */
  fetch?: typeof fetch;
}

export function createAppSyncEventsPublisher(options: AppSyncEventsPublisherOptions): RoomChannel {
  const url = new URL(options.endpoint);
  const timeoutMs = options.timeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
  const send = options.fetch ?? fetch;
  const signer = new SignatureV4({
    service: SIGNING_SERVICE,
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });

  return {
    async publish(roomId, event) {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const body = JSON.stringify({ channel: floorChannelOf(roomId), events: [JSON.stringify(event)] });
        const signed = await signer.sign({
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port ? { port: Number(url.port) } : {}),
          path: url.pathname,
          query: {},
          headers: { host: url.host, 'content-type': 'application/json' },
          body,
        });
        // fetch sets Host itself, to url.host: the value that was signed.
        const { host: _host, ...headers } = signed.headers;
        const response = await send(url, { method: 'POST', headers, body, signal });
        if (!response.ok) {
          await response.body?.cancel();
          return options.onLost(roomId, `HTTP ${response.status}`);
        }
        // 200 with the event in `failed` is a refusal too (e.g. an onPublish handler's error).
        const answer = (await response.json().catch(() => null)) as { failed?: unknown[] } | null;
        if (answer?.failed?.length) options.onLost(roomId, 'refused by the API (failed)');
      } catch (error) {
        options.onLost(roomId, signal.aborted ? `no answer within ${timeoutMs} ms` : reasonOf(error));
      }
    },
  };
}

/** The error's name and, for a network failure, its code: never a message that could quote a request. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${error.name} (${code})` : error.name;
}
