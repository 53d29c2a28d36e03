/**
 * `npm run bench -- stampede [--participants 3000] [--window 60] [--mode provisioned|naive|both]`:
 * each mode runs in its own process, one after the other; a table for people, then one JSON object
 * per mode, one per line, as the last lines.
 */
import { spawn } from 'node:child_process';
import { round, table } from './stats.ts';

export interface StampedeResult {
  mode: string;
  participants: number;
  windowSeconds: number;
  succeeded: number;
  failed: number;
  clientThrottles: number;
  chimeCallsPerJoin: number;
  dynamoOpsPerJoin: number;
  record: 'on' | 'off';
  chainerOpsPerJoin: number;
  chainCatchUpSeconds: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  getItemP99Ms: number;
  completionSeconds: number;
}

function runMode(
  mode: string,
  participants: number,
  windowSeconds: number,
  instances: number,
  record: string,
) {
  return new Promise<{ result: StampedeResult; detail: Record<string, unknown> }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/stampede-run.ts',
        '--mode',
        mode,
        '--participants',
        String(participants),
        '--window',
        String(windowSeconds),
        '--instances',
        String(instances),
        '--record',
        record,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line)
        reject(new Error(`stampede ${mode} failed (exit ${code}):\n${err.slice(-2000)}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)));
    });
  });
}

export async function stampede(options: {
  participants: number;
  windowSeconds: number;
  mode: string;
  instances: number;
  /** The record's chainer: off, on, or both (the provisioned mode run twice, to compare). */
  record: string;
}) {
  const modes = options.mode === 'both' ? ['provisioned', 'naive'] : [options.mode];
  const records = options.record === 'both' ? ['off', 'on'] : [options.record];
  const runs = [];
  for (const mode of modes) {
    for (const record of mode === 'naive' ? ['off'] : records) {
      runs.push(await runMode(mode, options.participants, options.windowSeconds, options.instances, record));
    }
  }
  console.log(
    `\nStampede: ${options.participants} joins of Session I arriving over ${options.windowSeconds} s (open model), local stack, Chime emulator at AWS default rates (10/s, burst 20 per operation):\n`,
  );
  console.log(
    table(
      [
        'mode',
        'record',
        'ok',
        'failed',
        'client throttles',
        'chime calls/join',
        'dynamo ops/join',
        'chainer ops/join',
        'chain catch-up s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'GetItem p99 ms',
        'p99 / GetItem p99',
        'completion s',
      ],
      runs.map(({ result: r }) => [
        r.mode,
        r.record,
        r.succeeded,
        r.failed,
        r.clientThrottles,
        r.chimeCallsPerJoin,
        r.dynamoOpsPerJoin,
        r.chainerOpsPerJoin,
        r.chainCatchUpSeconds,
        r.p50Ms,
        r.p95Ms,
        r.p99Ms,
        r.getItemP99Ms,
        round(r.p99Ms / r.getItemP99Ms, 2),
        r.completionSeconds,
      ]),
    ),
  );
  for (const { result, detail } of runs) console.log(`  ${result.mode}: ${JSON.stringify(detail)}`);
  for (const { result } of runs) console.log(JSON.stringify(result));
}
