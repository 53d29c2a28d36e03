import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every relative link of the README and of docs/*.md leads somewhere: the file exists and, for a link
 * with an anchor into a Markdown file, a heading (or an explicit `<a id>`) there makes that anchor the
 * way GitHub does. External links (https:, mailto:) are not fetched.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The lines outside fenced code blocks: a `#` or `[x](y)` inside a code sample is not Markdown. */
function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const opener = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (opener && (fence === null || opener.startsWith(fence))) {
      fence = fence === null ? opener : null;
      continue;
    }
    if (fence === null) lines.push(line);
  }
  return lines;
}

/**
 * GitHub's anchor for a heading: the text as rendered (links keep their text, code loses its
 * backticks), lower-cased, every character that is not a letter, digit, space, hyphen or underscore
 * removed, and each space made a hyphen.
 */
function githubSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown file offers; a repeated heading gets `-1`, `-2`, … as on GitHub. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1] as string);
    const heading = /^#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = githubSlug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The targets of the inline links `[text](target)` and images, outside code. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(markdown)) {
    const withoutCode = line.replace(/`[^`]*`/g, '');
    for (const m of withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      targets.push(m[1] as string);
    }
  }
  return targets;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** What is wrong with one document's relative links, as `target: reason` lines (none when all resolve). */
function brokenLinks(document: string): string[] {
  const path = join(root, document);
  const problems: string[] = [];
  for (const target of linkTargets(readFileSync(path, 'utf8'))) {
    if (isExternal(target)) continue;
    const [file = '', anchor] = target.split('#', 2);
    const targetPath = file === '' ? path : resolve(dirname(path), decodeURI(file));
    if (!targetPath.startsWith(root)) {
      problems.push(`${target}: points outside the repository`);
      continue;
    }
    if (!existsSync(targetPath)) {
      problems.push(`${target}: no file ${relative(root, targetPath)}`);
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (!targetPath.endsWith('.md')) continue;
    if (!anchorsOf(readFileSync(targetPath, 'utf8')).has(decodeURIComponent(anchor))) {
      problems.push(`${target}: no heading makes #${anchor} in ${relative(root, targetPath)}`);
    }
  }
  return problems;
}

describe('Documentation: links', () => {
  it('makes anchors the way GitHub does', () => {
    // Prepare: headings of this repository's documents, with the anchors GitHub gives them
    const cases: [string, string][] = [
      [
        'Rooms while the event runs: `PATCH /sessions/{sessionId}`, `POST /sessions/{sessionId}/close`',
        'rooms-while-the-event-runs-patch-sessionssessionid-post-sessionssessionidclose',
      ],
      ['`GET|PUT|DELETE /delegations/{code}/in-person-seat`', 'getputdelete-delegationscodein-person-seat'],
      [
        'Capacity for 10,000, and cold instances (measured 2026-12-02)',
        'capacity-for-10000-and-cold-instances-measured-2026-12-02',
      ],
      ["API Gateway's own answers (in AWS)", 'api-gateways-own-answers-in-aws'],
      ['What `npm start` starts', 'what-npm-start-starts'],
    ];

    // Act and assess
    for (const [heading, anchor] of cases) expect(githubSlug(heading)).toBe(anchor);
  });

  it('numbers repeated headings', () => {
    // Prepare
    const markdown = '# Notes\n## Example\n```sh\n# not a heading\n```\n## Example\n';

    // Act
    const anchors = anchorsOf(markdown);

    // Assess
    expect([...anchors]).toEqual(['notes', 'example', 'example-1']);
  });

  it('finds the documents to check', () => {
    expect(documents).toContain('README.md');
    expect(documents.length).toBeGreaterThan(1);
  });

  it.each(documents)('%s: every relative link and anchor resolves', (document) => {
    expect(brokenLinks(document)).toEqual([]);
  });
});
