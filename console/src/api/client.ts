/**
 * The console's one way to the API: openapi-fetch over the types that openapi-typescript generates from
 * docs/openapi.json (api/schema.d.ts), so that every path, parameter, body and answer is checked by the
 * compiler against the API's own description. No response shape is written by hand here.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/**
 * An API enum's values, in the order written, for a filter or a message: the argument's type makes the
 * compiler name any value the API adds or drops (the API's own lists are in shared/domain, with zod).
 */
export const enumValues = <T extends string>(values: Record<T, true>): T[] => Object.keys(values) as T[];
export type ApiErrorBody = Schemas['Error']['error'];
/** The API's stable error codes, and the console's own for a failed connection or an unknown answer. */
export type ErrorCode = ApiErrorBody['code'] | 'NETWORK' | 'UNEXPECTED';

/** A refusal or failure, by its stable code (shown translated, never by the server's English message). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly detail: Partial<ApiErrorBody> = {},
  ) {
    super(`${status} ${code}`);
  }
}

export type Api = ReturnType<typeof createApi>;

/** A client that sends the signed-in person's token with each request (and nowhere else). */
export function createApi(
  token: () => Promise<string | null>,
  onUnauthenticated: () => void = () => undefined,
  baseUrl = globalThis.location?.origin ?? '',
) {
  const client = createClient<paths>({ baseUrl });
  client.use({
    async onRequest({ request }) {
      const t = await token();
      if (t) request.headers.set('authorization', `Bearer ${t}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthenticated();
      return response;
    },
  });
  return client;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiError carrying the API's code. */
export async function ok<T>(pending: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await pending;
  } catch {
    throw new ApiError(0, 'NETWORK');
  }
  if (answer.response.ok && answer.data !== undefined) return answer.data;
  const body = (answer.error ?? {}) as { error?: Partial<ApiErrorBody> };
  const code = body.error?.code ?? 'UNEXPECTED';
  throw new ApiError(answer.response.status, code, body.error ?? {});
}

/** Saves a CSV answer as a file: the token goes in a header, so a plain link cannot fetch it. */
export async function download(pending: Promise<Answer<unknown>>, filename: string): Promise<void> {
  const blob = (await ok(pending)) as Blob;
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** The JSON answer of a route that can also answer CSV (`?format=csv`): the CSV case is not this one. */
export async function okJson<T>(pending: Promise<Answer<T>>): Promise<Exclude<T, string>> {
  const data = await ok(pending);
  if (typeof data === 'string') throw new ApiError(0, 'UNEXPECTED');
  return data as Exclude<T, string>;
}
