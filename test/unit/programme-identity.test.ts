import { describe, expect, it } from 'vitest';
import { loadProgrammeFile } from '#config/programme-file.ts';
import { validateProgramme } from '#domain/programme.ts';
import { problemsOf } from '../support/programme.ts';

const sample = () => loadProgrammeFile('events/hlc-2021.yaml');

describe('Programme file: identity', () => {
  it('is optional: the sample names no identity provider, so the event gets a user pool', () => {
    // Assess
    expect(sample().identity).toBeUndefined();
  });

  it('takes an external OIDC issuer exactly as written, and one or more audiences', () => {
    // Prepare
    const identity = { issuer: 'https://login.example.int/realms/un/', audience: ['floorpass-api', 'web'] };
    // Act
    const programme = validateProgramme({ ...sample(), identity }, 'test');
    // Assess
    expect(programme.identity).toEqual(identity);
  });

  it('refuses an issuer that is not https, and carries a query, fragment or credentials', () => {
    // Prepare
    const bad = [
      'http://login.example.int/realms/un',
      'login.example.int',
      'https://login.example.int/realms/un?x=1',
      'https://login.example.int/#top',
      'https://user:secret@login.example.int/',
    ];
    // Assess
    for (const issuer of bad) {
      const problems = problemsOf(() =>
        validateProgramme({ ...sample(), identity: { issuer, audience: ['api'] } }, 'test'),
      );
      expect(
        problems.map((p) => p.path),
        issuer,
      ).toEqual(['identity.issuer']);
    }
  });

  it('refuses a missing or empty audience and unknown keys', () => {
    // Prepare
    const issuer = 'https://login.example.int/realms/un';
    // Act
    const missing = problemsOf(() => validateProgramme({ ...sample(), identity: { issuer } }, 'test'));
    const empty = problemsOf(() =>
      validateProgramme({ ...sample(), identity: { issuer, audience: [] } }, 'test'),
    );
    const blank = problemsOf(() =>
      validateProgramme({ ...sample(), identity: { issuer, audience: ['  '] } }, 'test'),
    );
    const extra = problemsOf(() =>
      validateProgramme(
        { ...sample(), identity: { issuer, audience: ['api'], groupsClaim: 'roles' } },
        'test',
      ),
    );
    // Assess
    expect(missing.map((p) => p.path)).toEqual(['identity.audience']);
    expect(empty.map((p) => p.path)).toEqual(['identity.audience']);
    expect(blank.map((p) => p.path)).toEqual(['identity.audience[0]']);
    expect(extra.map((p) => p.path)).toEqual(['identity']);
  });
});
