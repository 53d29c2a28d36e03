import { CsvError, csvToObjects } from '#domain/csv.ts';
import { DomainError, ValidationError } from '#domain/errors.ts';
import { participantImportRowSchema } from '#domain/participants.ts';
import { decodeText, TextEncodingError, type TextEncodingName } from '#domain/text-encoding.ts';
import { httpApi, json } from '#http/api.ts';
import { pathParam } from '#http/path-parameters.ts';
import {
  bodyBytes,
  bodyText,
  contentTypeOf,
  type HttpEvent,
  jsonBody,
  parseJson,
  queryParams,
  validate,
} from '#http/request.ts';
import { participantListQuery, participantUpdateBody } from '#http/schemas.ts';
import { checkParticipantImport, importParticipants } from '#use-cases/import-participants.ts';
import {
  getParticipant,
  listParticipants,
  revokeParticipant,
  updateParticipant,
} from '#use-cases/manage-participants.ts';
import { auditDeps, claims, createRuntime, lifecycleDeps, type RuntimeOverrides } from './lib/runtime.ts';

const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
const participantId = (event: HttpEvent) => pathParam(event, 'participantId');

const importColumns = Object.keys(participantImportRowSchema.shape);
const sendJsonOrCsv =
  'Send a JSON array of participants with Content-Type: application/json, or CSV with a header row ' +
  `(${importColumns.join(',')}) with Content-Type: text/csv.`;

/**
 * The rows of an import: a JSON array, or CSV with a header row (name,email,delegation,role), separated
 * by commas, semicolons or tabs (detected), in UTF-8 (with or without a byte-order mark) or Windows-1252,
 * which is converted. Any other content type is 415.
 */
function importRows(event: HttpEvent): { rows: unknown[]; encoding?: TextEncodingName } {
  const contentType = contentTypeOf(event);
  if (contentType === 'text/csv') {
    try {
      const { text, encoding } = decodeText(bodyBytes(event, IMPORT_MAX_BYTES));
      return { rows: csvToObjects(text, importColumns), encoding };
    } catch (error) {
      if (error instanceof CsvError || error instanceof TextEncodingError) {
        throw new ValidationError(`CSV: ${error.message}.`, { field: 'body' });
      }
      throw error;
    }
  }
  if (contentType !== 'application/json' && contentType !== '') {
    throw new DomainError(
      'UNSUPPORTED_MEDIA_TYPE',
      `This route does not take that content type. ${sendJsonOrCsv}`,
    );
  }
  const text = bodyText(event, IMPORT_MAX_BYTES);
  let rows: unknown;
  try {
    rows = parseJson(text);
  } catch {
    throw new ValidationError(`The request body is not valid JSON. ${sendJsonOrCsv}`, { field: 'body' });
  }
  if (!Array.isArray(rows)) throw new ValidationError(sendJsonOrCsv, { field: 'body' });
  return { rows };
}

/** Participants (organizers): bulk import, list, read, update, revoke. */
export function createHandler(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = { ...lifecycleDeps(r, { provisioning: false }), ...auditDeps(r), seats: r.seats() };
  return httpApi(
    {
      'POST /participants/import': async (event, identity) => {
        const { rows, encoding } = importRows(event);
        const summary = await importParticipants(deps, identity, rows);
        return json(200, encoding ? { ...summary, encoding } : summary);
      },
      'POST /participants/import/dry-run': async (event, identity) => {
        const { rows, encoding } = importRows(event);
        const check = await checkParticipantImport(deps, identity, rows);
        return json(200, encoding ? { ...check, encoding } : check);
      },
      'GET /participants': async (event, identity) =>
        json(
          200,
          await listParticipants(deps, identity, validate(participantListQuery, queryParams(event), 'query')),
        ),
      'GET /participants/{participantId}': async (event, identity) =>
        json(200, await getParticipant(deps, identity, participantId(event))),
      'PATCH /participants/{participantId}': async (event, identity) =>
        json(
          200,
          await updateParticipant(
            deps,
            identity,
            participantId(event),
            jsonBody(event, participantUpdateBody),
          ),
        ),
      'POST /participants/{participantId}/revoke': async (event, identity) =>
        json(200, await revokeParticipant(deps, identity, participantId(event))),
    },
    claims,
  );
}

export const handler = createHandler();
