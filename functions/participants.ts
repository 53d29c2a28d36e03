import { z } from 'zod';
import { CsvError, csvToObjects } from '#domain/csv.ts';
import { ValidationError } from '#domain/errors.ts';
import { participantUpdateSchema } from '#domain/participants.ts';
import { httpApi, json } from '#http/api.ts';
import { pathParam } from '#http/path-parameters.ts';
import {
  bodyText,
  contentTypeOf,
  type HttpEvent,
  jsonBody,
  parseJson,
  queryParams,
  validate,
} from '#http/request.ts';
import { importParticipants } from '#use-cases/import-participants.ts';
import {
  getParticipant,
  listParticipants,
  revokeParticipant,
  updateParticipant,
} from '#use-cases/manage-participants.ts';
import { claims, deps } from './lib/runtime.ts';

const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
const listQuery = z.strictObject({
  delegation: z
    .string()
    .regex(/^[A-Za-z0-9-]{2,32}$/)
    .transform((s) => s.toUpperCase())
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2048).optional(),
});
const participantId = (event: HttpEvent) => pathParam(event, 'participantId');

/** The rows of an import: a JSON array, or CSV with a header row (name,email,delegation,role). */
function importRows(event: HttpEvent): unknown[] {
  const text = bodyText(event, IMPORT_MAX_BYTES);
  if (contentTypeOf(event) === 'text/csv') {
    try {
      return csvToObjects(text);
    } catch (error) {
      if (error instanceof CsvError) throw new ValidationError(`CSV: ${error.message}.`, { field: 'body' });
      throw error;
    }
  }
  const rows = parseJson(text);
  if (!Array.isArray(rows))
    throw new ValidationError('Send a JSON array of participants, or text/csv.', { field: 'body' });
  return rows;
}

/** Participants (organizers): bulk import, list, read, update, revoke. */
export const handler = httpApi(
  {
    'POST /participants/import': async (event, identity) =>
      json(200, await importParticipants(deps, identity, importRows(event))),
    'GET /participants': async (event, identity) =>
      json(200, await listParticipants(deps, identity, validate(listQuery, queryParams(event), 'query'))),
    'GET /participants/{participantId}': async (event, identity) =>
      json(200, await getParticipant(deps, identity, participantId(event))),
    'PATCH /participants/{participantId}': async (event, identity) =>
      json(
        200,
        await updateParticipant(
          deps,
          identity,
          participantId(event),
          jsonBody(event, participantUpdateSchema),
        ),
      ),
    'POST /participants/{participantId}/revoke': async (event, identity) =>
      json(200, await revokeParticipant(deps, identity, participantId(event))),
  },
  claims,
);
