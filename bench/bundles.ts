/**
 * Each function bundled as the stack bundles it (esbuild, minified ESM, AWS SDK v3 inside, Node.js 22),
 * its size, and the time to load and initialise the module (a stand-in for Lambda's init phase).
 */
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export interface BundleFigure {
  fn: string;
  bytes: number;
  initMs: number;
}

export async function measureBundles(env: Record<string, string>): Promise<BundleFigure[]> {
  const entries = readdirSync('functions').filter((f) => f.endsWith('.ts'));
  const dir = mkdtempSync(join(tmpdir(), 'floorpass-bundles-'));
  const figures: BundleFigure[] = [];
  for (const entry of entries) {
    const out = join(dir, entry.replace(/\.ts$/, '.mjs'));
    await build({
      entryPoints: [join('functions', entry)],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      outfile: out,
      banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
      logLevel: 'silent',
    });
    Object.assign(process.env, env);
    const started = performance.now();
    await import(`${pathToFileURL(out).href}?t=${Date.now()}`);
    figures.push({
      fn: entry.replace(/\.ts$/, ''),
      bytes: statSync(out).size,
      initMs: performance.now() - started,
    });
  }
  writeFileSync(join(dir, 'README'), 'floorpass bench bundles; safe to delete\n');
  return figures;
}
