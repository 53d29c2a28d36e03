/**
 * `npm run verify:bundle [outfile]`: builds the verifier into one ES module with no dependency
 * (dist/floorpass-verify.mjs by default) that an auditor runs with plain Node 20+, without cloning:
 * `node floorpass-verify.mjs <bundle archive or directory> <key fingerprint>`. Not minified, so it can be read.
 */
import { build } from 'esbuild';

const outfile = process.argv[2] ?? 'dist/floorpass-verify.mjs';
await build({
  entryPoints: [new URL('./verify.ts', import.meta.url).pathname],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  banner: { js: '// floorpass verify: checks an exported record offline. See docs/record.md.' },
  logLevel: 'warning',
});
console.log(`wrote ${outfile}`);
