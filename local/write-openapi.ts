/**
 * `npm run openapi`: writes the API's OpenAPI 3.1 document to docs/openapi.json, and the floor channel's
 * AsyncAPI 3.0 document beside it, docs/floor-channel.asyncapi.json (both committed; a test fails when
 * either is stale).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { floorChannelAsyncApiJson } from '#http/asyncapi-document.ts';
import { openApiJson } from '#http/openapi-document.ts';

for (const [name, text] of [
  ['openapi.json', openApiJson()],
  ['floor-channel.asyncapi.json', floorChannelAsyncApiJson()],
] as const) {
  const target = new URL(`../docs/${name}`, import.meta.url);
  mkdirSync(new URL('.', target), { recursive: true });
  writeFileSync(target, text);
  console.log(`floorpass: wrote ${target.pathname}`);
}
