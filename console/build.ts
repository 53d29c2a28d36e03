/**
 * The console's build: esbuild bundles console/src (Preact, signals, the typed API client, the floor
 * channel client) into hashed assets, and writes index.html naming them. No inline script, no CDN:
 * everything the page runs comes from these files, so the Content-Security-Policy can say 'self'.
 *
 * `npm run console:build` writes them to dist/console/; the dev server builds them in memory, once, at
 * the first request for /console.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, buildSync, type OutputFile } from 'esbuild';

export interface ConsoleFile {
  /** The path beside index.html, e.g. `index.html` or `assets/main-5HQ2X.js`. */
  path: string;
  contentType: string;
  body: Uint8Array;
  /** Hashed assets never change under their name (cache them for a year); index.html always revalidates. */
  immutable: boolean;
}

const root = dirname(fileURLToPath(import.meta.url));
const outdir = join(root, '..', 'dist', 'console', 'assets');

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};
const typeOf = (path: string) =>
  contentTypes[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';

/** esbuild's options for the console, shared by the asynchronous build and the synchronous one. */
function buildOptions(options: { minify?: boolean }): BuildOptions & { write: false; metafile: true } {
  return {
    absWorkingDir: join(root, '..'),
    entryPoints: { main: join(root, 'src', 'main.tsx') },
    bundle: true,
    format: 'esm',
    // The Chime SDK (large) is loaded only when a delegate joins: a chunk of its own.
    splitting: true,
    platform: 'browser',
    // Said explicitly: esbuild then takes each package's browser or ES build even for a require() (the
    // Chime SDK requires AWS SDK clients, whose CommonJS builds pull in Node's credential providers).
    mainFields: ['browser', 'module', 'main'],
    target: ['chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    write: false,
    outdir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    legalComments: 'linked',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  };
}

/** Builds the console in memory: index.html and its hashed assets. */
export async function buildConsole(options: { minify?: boolean } = {}): Promise<ConsoleFile[]> {
  return filesOf(await build(buildOptions(options)));
}

/**
 * The same build, synchronously: for the CDK app, whose asset bundling (infra/constructs/console-site.ts)
 * cannot wait for a promise.
 */
export function buildConsoleSync(options: { minify?: boolean } = {}): ConsoleFile[] {
  return filesOf(buildSync(buildOptions(options)));
}

function filesOf(result: { outputFiles: OutputFile[] }): ConsoleFile[] {
  const files: ConsoleFile[] = result.outputFiles.map((f) => {
    const path = `assets/${relative(outdir, f.path).split('\\').join('/')}`;
    return { path, contentType: typeOf(path), body: f.contents, immutable: true };
  });
  const js = files.find((f) => /^assets\/main-[\w]+\.js$/.test(f.path));
  const css = files.find((f) => /^assets\/main-[\w]+\.css$/.test(f.path));
  if (!js || !css) throw new Error('the console build gave no main script or style sheet');
  const html = indexHtml(js.path, css.path);
  files.push({
    path: 'index.html',
    contentType: typeOf('.html'),
    body: new TextEncoder().encode(html),
    immutable: false,
  });
  return files;
}

/**
 * Relative addresses (`assets/…`, and `config.json` in main.tsx): the same build works under /console/
 * on the dev server and at the root of the CloudFront distribution in AWS.
 */
function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>floorpass console</title>
<link rel="stylesheet" href="${style}">
<script type="module" src="${script}"></script>
</head>
<body>
<div id="app"><noscript>The floorpass console needs JavaScript.</noscript></div>
</body>
</html>
`;
}

/** A digest of the build (its files' names), for logs and the screenshots script. */
export const buildId = (files: ConsoleFile[]) =>
  createHash('sha256')
    .update(files.map((f) => f.path).join('\n'))
    .digest('hex')
    .slice(0, 12);

/** `npm run console:build`: writes dist/console/. */
export async function writeConsole(target = join(root, '..', 'dist', 'console')): Promise<ConsoleFile[]> {
  const files = await buildConsole();
  writeFiles(files, target, { clear: true });
  return files;
}

/** Writes the files under `target` (cleared first if `clear`). */
export function writeFiles(files: ConsoleFile[], target: string, options: { clear?: boolean } = {}): void {
  if (options.clear) rmSync(target, { recursive: true, force: true });
  for (const f of files) {
    const path = join(target, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.body);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const files = await writeConsole();
  const size = files.reduce((n, f) => n + f.body.length, 0);
  console.log(
    `floorpass: console built in ${Date.now() - started} ms: ${files.length} files, ${Math.round(size / 1024)} KiB in dist/console/`,
  );
}
