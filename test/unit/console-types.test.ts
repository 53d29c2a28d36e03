import { readFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';

describe('Console: API types', () => {
  it('are generated from docs/openapi.json as it stands (npm run console:types)', async () => {
    // Prepare
    const document = new URL('../../docs/openapi.json', import.meta.url);
    const checkedIn = readFileSync(new URL('../../console/src/api/schema.d.ts', import.meta.url), 'utf8');
    // Act
    const generated = astToString(await openapiTS(document));
    // Assess: the checked-in file is the generator's output (it adds a header of its own)
    expect(checkedIn.endsWith(generated)).toBe(true);
  });
});
