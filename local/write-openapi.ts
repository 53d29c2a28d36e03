/**
 * `npm run openapi`: writes the API's OpenAPI 3.1 document to docs/openapi.json (committed; a test fails
 * when it is stale).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { openApiJson } from '#http/openapi-document.ts';

const target = new URL('../docs/openapi.json', import.meta.url);
mkdirSync(new URL('.', target), { recursive: true });
writeFileSync(target, openApiJson());
console.log(`floorpass: wrote ${target.pathname}`);
