/**
 * `npm run bench [-- join|attendance|bundles] [--participants N] [--concurrency C]
 *   [--report-participants N] [--runs R]`: figures, not pass/fail.
 * Without a name it runs every benchmark.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { attendanceBench, printAttendance } from './attendance.ts';
import { measureBundles } from './bundles.ts';
import { floorBench } from './floor.ts';
import { joinBench, printJoin } from './join.ts';
import { raceBench } from './race.ts';
import { stampede } from './stampede.ts';
import { round, table } from './stats.ts';
import { verifyBench } from './verify.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    participants: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '20' },
    'report-participants': { type: 'string', default: '3000' },
    runs: { type: 'string', default: '5' },
    window: { type: 'string', default: '60' },
    mode: { type: 'string', default: 'both' },
    repetitions: { type: 'string', default: '500' },
    instances: { type: 'string', default: '1' },
    record: { type: 'string', default: 'off' },
    entries: { type: 'string', default: '100000' },
    subscribers: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
  },
});
const which = positionals[0] ?? 'all';
if (!['all', 'join', 'attendance', 'bundles', 'stampede', 'race', 'floor', 'verify'].includes(which)) {
  console.error(`unknown benchmark ${which}: use join, attendance, bundles, stampede, race, floor or verify`);
  process.exit(2);
}
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

if (which !== 'stampede' && !process.env.FLOORPASS_BENCH_CHILD)
  console.log(
    `floorpass bench — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  );

if (which === 'all') {
  // Each benchmark in its own process: the functions read their configuration once per process (as a
  // Lambda instance does), and each benchmark starts its own local stack.
  for (const name of ['join', 'attendance', 'bundles']) {
    const code = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', name, ...process.argv.slice(2)], {
        stdio: 'inherit',
        env: { ...process.env, FLOORPASS_BENCH_CHILD: '1' },
      }).on('exit', resolve);
    });
    if (code !== 0) process.exit(code ?? 1);
  }
  process.exit(0);
}

if (which === 'stampede') {
  // Not part of `all`: it is long (a minute per mode, more for the naive one) and has its own options.
  await stampede({
    // The stampede's own default is 3,000 (the join benchmark's is 200).
    participants: process.argv.includes('--participants') ? Number(values.participants) : 3000,
    windowSeconds: Number(values.window),
    mode: String(values.mode),
    instances: Number(values.instances),
    record: String(values.record),
  });
}

if (which === 'race') {
  // Not part of `all` either: 500 repetitions of each race take a few minutes.
  await raceBench({ repetitions: Number(values.repetitions) });
}

if (which === 'verify') {
  // Not part of `all`: it builds and signs a record of 100,000 entries first.
  await verifyBench({ entries: Number(values.entries) });
}

if (which === 'floor') {
  // Not part of `all`: a thousand WebSocket subscribers and real-time deadlines.
  await floorBench({ subscribers: Number(values.subscribers), rounds: Number(values.rounds) });
}

if (which === 'join') {
  const options = { participants: Number(values.participants), concurrency: Number(values.concurrency) };
  printJoin(await joinBench(options), options);
}

if (which === 'attendance') {
  printAttendance(
    await attendanceBench({ participants: Number(values['report-participants']), runs: Number(values.runs) }),
  );
}

if (which === 'bundles') {
  const figures = await measureBundles({
    TABLE_NAME: 'bench',
    EVENT_ID: 'bench',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    // The sign-in trigger requires its group at cold start, as the stack sets it.
    ORGANIZER_GROUP: 'organizers',
  });
  console.log(
    '\nFunction bundles (esbuild, minified ESM, AWS SDK v3 bundled, node22) and module init time here:\n',
  );
  console.log(
    table(
      ['function', 'bytes', 'KiB', 'init ms'],
      figures.map((f) => [f.fn, f.bytes, round(f.bytes / 1024), round(f.initMs)]),
    ),
  );
}
process.exit(0);
