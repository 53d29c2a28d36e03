import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadProgrammeFile } from '#config/programme-file.ts';
import { instantSchema, validateProgramme } from '#domain/programme.ts';
import { problemsOf } from '../support/programme.ts';

const sample = () => loadProgrammeFile('events/hlc-2021.yaml');

describe('Programme file: events/hlc-2021.yaml', () => {
  it('has the fixed room ids, over three days, in order', () => {
    const p = sample();
    expect(p.sessions.map((s) => s.id)).toEqual([
      'opening',
      'session-1',
      'session-2a',
      'session-2b',
      'session-2c',
      'session-3',
      'session-4a',
      'session-4b',
      'session-4c',
      'session-5',
      'closing',
    ]);
    const day = (id: string) => p.sessions.find((s) => s.id === id)?.start.slice(0, 10);
    expect(['opening', 'session-1', 'session-2a'].map(day)).toEqual(Array(3).fill('2021-06-28'));
    expect(['session-3', 'session-4c'].map(day)).toEqual(Array(2).fill('2021-06-29'));
    expect(['session-5', 'closing'].map(day)).toEqual(Array(2).fill('2021-06-30'));
  });

  it('encodes the concept note’s rules', () => {
    const p = sample();
    const s1 = p.sessions.find((s) => s.id === 'session-1');
    expect(s1?.audience).toEqual(['MemberState']);
    expect(p.inPerson).toEqual({
      seatsPerDelegation: 1,
      eligibleCategories: ['MemberState', 'ObserverState'],
    });
    const thematic = p.sessions.filter((s) => /^session-/.test(s.id));
    expect(thematic.every((s) => s.interventionLimitSeconds === 180)).toBe(true);
    expect(p.sessions.filter((s) => s.parent === 'session-2').map((s) => s.id)).toEqual([
      'session-2a',
      'session-2b',
      'session-2c',
    ]);
    expect(p.event.timeZone).toBe('America/New_York');
  });
});

describe('Function: validateProgramme', () => {
  it('names the path and the reason of each bad field', () => {
    const doc = parse(`
event: { id: Bad Id, name: X, timeZone: Mars/Olympus }
inPerson: { seatsPerDelegation: 2, eligibleCategories: [MemberState] }
sessions:
  - id: s1
    title: Room one
    start: 2021-06-28T10:00:00-04:00
    end: 2021-06-28T09:00:00-04:00
    audience: [Pirates]
`);
    const problems = problemsOf(() => validateProgramme(doc, 'bad.yaml'));
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'event.id',
        'event.name',
        'event.timeZone',
        'inPerson.seatsPerDelegation',
        'sessions[0].audience[0]',
      ]),
    );
  });

  it('refuses an end before the start, a duplicate id and an unknown parent', () => {
    const doc = sample();
    const first = doc.sessions[0];
    if (!first) throw new Error('sample has no sessions');
    const bad = {
      ...doc,
      sessions: [
        { ...first, end: first.start },
        { ...first, parent: 'session-9' },
      ],
    };
    const problems = problemsOf(() => validateProgramme(bad, 'x.yaml'));
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'sessions[0].end', message: 'end must be after start' },
        { path: 'sessions[1].id', message: 'duplicate id opening' },
        { path: 'sessions[1].parent', message: 'names no group in groups: session-9' },
      ]),
    );
  });

  it('reports a YAML syntax error and a missing file without a stack trace', () => {
    const file = join(tmpdir(), `broken-${process.pid}.yaml`);
    writeFileSync(file, 'event: [unclosed');
    const syntax = problemsOf(() => loadProgrammeFile(file));
    const missing = problemsOf(() => loadProgrammeFile('events/nope.yaml'));
    expect(syntax[0]?.message).toMatch(/^not valid YAML/);
    expect(missing[0]?.message).toMatch(/cannot read the file \(ENOENT\)/);
    const error = (() => {
      try {
        loadProgrammeFile('events/nope.yaml');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toBe(
      'events/nope.yaml: invalid programme\n  - (root): cannot read the file (ENOENT)',
    );
  });
});

describe('Programme file: the record block', () => {
  const withRecord = (record: unknown) => {
    const { record: _, ...rest } = sample();
    return record === undefined ? rest : { ...rest, record };
  };

  it('is set in the sample: a checkpoint every 5 minutes, kept seven years', () => {
    expect(sample().record).toEqual({ checkpointMinutes: 5, retentionDays: 2555 });
  });

  it('checkpoints every 5 minutes when omitted, and sets no retention (a deployment then refuses)', () => {
    expect(validateProgramme(withRecord(undefined), 'x.yaml').record).toEqual({ checkpointMinutes: 5 });
    expect(validateProgramme(withRecord({ retentionDays: 30 }), 'x.yaml').record).toEqual({
      checkpointMinutes: 5,
      retentionDays: 30,
    });
  });

  it('refuses an interval outside 1–60 minutes, a retention outside 1–3650 days, fractions and unknown keys', () => {
    for (const [record, path] of [
      [{ checkpointMinutes: 0 }, 'record.checkpointMinutes'],
      [{ checkpointMinutes: 61 }, 'record.checkpointMinutes'],
      [{ checkpointMinutes: 2.5 }, 'record.checkpointMinutes'],
      [{ retentionDays: 0 }, 'record.retentionDays'],
      [{ retentionDays: 3651 }, 'record.retentionDays'],
      [{ retentionDays: '7y' }, 'record.retentionDays'],
      [{ retentionYears: 7 }, 'record'],
    ] as const) {
      const problems = problemsOf(() => validateProgramme(withRecord(record), 'x.yaml'));
      expect(
        problems.map((p) => p.path),
        JSON.stringify(record),
      ).toEqual([path]);
    }
  });
});

describe('Schema: instantSchema', () => {
  it('takes instants with an offset whose UTC form is in the years 0000–9999', () => {
    for (const s of [
      '2021-06-28T11:00:00-04:00',
      '9999-12-31T23:59:59Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59+23:59',
    ]) {
      expect(instantSchema.safeParse(s).success, s).toBe(true);
    }
  });

  it('refuses one whose UTC form would be in the year 10000 or before the year 0000 (found by the API fuzz suite)', () => {
    for (const s of ['9999-12-31T23:59:59-23:59', '9999-12-31T23:00:00-01:00', '0000-01-01T00:00:00+00:01']) {
      const result = instantSchema.safeParse(s);
      expect(result.success, s).toBe(false);
      expect(result.error?.issues[0]?.message).toBe('must lie between the years 0000 and 9999 in UTC');
    }
  });
});
