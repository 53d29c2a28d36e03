import { randomUUID } from 'node:crypto';
import {
  ChimeSDKMeetingsClient,
  type ChimeSDKMeetingsClientConfig,
} from '@aws-sdk/client-chime-sdk-meetings';
import { inject } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack.ts';

/** A local stack for one test file: its own table on the run's DynamoDB Local, its own emulator. */
export function startTestStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `t-${randomUUID()}`,
    ...options,
  });
}

/** The real SDK client, pointed at the stack's Chime emulator: what Chime itself would answer. */
export function chimeClientFor(stack: LocalStack, config: ChimeSDKMeetingsClientConfig = {}) {
  return new ChimeSDKMeetingsClient({
    endpoint: stack.emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...config,
  });
}

export interface Call {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: a response body whose shape each test asserts itself
  body: any;
  text: string;
}

/** A tiny client for the local API. */
export function apiClient(stack: LocalStack) {
  const tokens = new Map<string, string>();
  const tokenFor = async (email: string) => {
    let t = tokens.get(email);
    if (!t) {
      t = await stack.token(email);
      tokens.set(email, t);
    }
    return t;
  };
  const call = async (
    method: string,
    path: string,
    options: {
      as?: string;
      body?: unknown;
      raw?: string | Uint8Array;
      /** The Content-Type header (application/json by default); null sends none of our own. */
      contentType?: string | null;
      token?: string;
    } = {},
  ): Promise<Call> => {
    const headers: Record<string, string> = {};
    const token = options.token ?? (options.as ? await tokenFor(options.as) : undefined);
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Uint8Array | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && options.contentType !== null) {
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const res = await fetch(`${stack.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    // ignoreBOM keeps a byte-order mark in the text, so that tests can see it (res.text() drops it).
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return { call, tokenFor };
}
