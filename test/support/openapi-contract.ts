import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { type JsonObject, openApiDocument } from '#http/openapi-document.ts';

// ajv-formats is CommonJS: its default export is the plugin under ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** An answer as a test saw it. */
export interface Answer {
  status: number;
  contentType: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON body, checked against the document
  body: any;
}

const pointerSegment = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Answers checked against the OpenAPI document itself (its JSON Schemas, compiled with ajv), not
 * against the zod schemas it was generated from: what a client generated from the document would expect.
 */
export function openApiContract(document: JsonObject = openApiDocument()) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (pointer: string) => {
    let v = compiled.get(pointer);
    if (!v) {
      v = ajv.getSchema(`openapi.json#${pointer}`);
      if (!v) throw new Error(`no schema at ${pointer}`);
      compiled.set(pointer, v);
    }
    return v;
  };
  const paths = document.paths as Record<string, Record<string, { responses: Record<string, JsonObject> }>>;
  const components = (document.components as { responses: Record<string, JsonObject> }).responses;

  /** The response object documented at this pointer, following a reference to components.responses. */
  const responseAt = (pointer: string, response: JsonObject): [string, JsonObject] => {
    const ref = response.$ref;
    if (typeof ref !== 'string') return [pointer, response];
    const name = ref.replace('#/components/responses/', '');
    return [`/components/responses/${pointerSegment(name)}`, components[name] as JsonObject];
  };

  /** What is wrong with an answer given the documented response at `pointer` (empty: nothing). */
  const checkAgainst = (where: string, pointer: string, response: JsonObject, answer: Answer): string[] => {
    const content = response.content as Record<string, unknown> | undefined;
    const type = (answer.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!content) return [`${where}: ${answer.status} documents no content`];
    if (!(type in content))
      return [`${where}: ${answer.status} is not documented as ${type || 'no content type'}`];
    if (type !== 'application/json') return [];
    const validate = validatorAt(`${pointer}/content/application~1json/schema`);
    if (validate(answer.body)) return [];
    return [
      `${where}: ${answer.status} body does not match the document: ${ajv.errorsText(validate.errors, { separator: '; ' })}; body ${JSON.stringify(answer.body)?.slice(0, 400)}`,
    ];
  };

  return {
    document,
    /** Problems of an answer of the operation `METHOD /path` (empty when it is as documented). */
    check(routeKey: string, answer: Answer): string[] {
      const [method, path] = routeKey.split(' ') as [string, string];
      const operation = paths[path]?.[method.toLowerCase()];
      if (!operation) return [`${routeKey}: no such operation in the document`];
      const documented = operation.responses[String(answer.status)];
      if (!documented) {
        return [
          `${routeKey}: status ${answer.status} is not documented (body ${JSON.stringify(answer.body)?.slice(0, 300)})`,
        ];
      }
      const [pointer, response] = responseAt(
        `/paths/${pointerSegment(path)}/${method.toLowerCase()}/responses/${answer.status}`,
        documented,
      );
      return checkAgainst(routeKey, pointer, response, answer);
    },
    /** Problems of an answer that came from no operation: an unknown path (404) or method (405). */
    checkNoRoute(answer: Answer): string[] {
      const name = answer.status === 405 ? 'MethodNotAllowed' : 'NoRoute';
      const response = components[name] as JsonObject;
      return checkAgainst(`(no route: ${name})`, `/components/responses/${name}`, response, answer);
    },
    /** The error codes the document gives the operation at a status. */
    codes(routeKey: string, status: number): string[] {
      const [method, path] = routeKey.split(' ') as [string, string];
      const documented = paths[path]?.[method.toLowerCase()]?.responses[String(status)];
      if (!documented) return [];
      const [, response] = responseAt('', documented);
      return codesIn(response);
    },
  };
}

/** The error codes a response object lists: `error.code` enums of its alternatives. */
export function codesIn(response: JsonObject): string[] {
  const content = response.content as Record<string, { schema: JsonObject }> | undefined;
  const schema = content?.['application/json']?.schema;
  const alternatives = (schema?.oneOf as JsonObject[] | undefined) ?? (schema ? [schema] : []);
  return alternatives.flatMap((alt) => {
    const error = (alt.properties as Record<string, JsonObject> | undefined)?.error;
    const code = (error?.properties as Record<string, JsonObject> | undefined)?.code;
    return (code?.enum as string[] | undefined) ?? [];
  });
}

export type OpenApiContract = ReturnType<typeof openApiContract>;
