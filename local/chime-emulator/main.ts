/**
 * Runs the Chime SDK Meetings emulator (a local test double of the AWS service) on its own, for a person
 * poking at it with curl or the AWS CLI (`--endpoint-url`). Events are printed as JSON lines; they carry
 * no JoinTokens.
 *
 *   npx tsx local/chime-emulator/main.ts [port]     (default port 8081)
 */
import { startChimeEmulator } from './server.ts';

const port = Number(process.argv[2] ?? process.env.CHIME_EMULATOR_PORT ?? 8081);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`Not a port: ${process.argv[2]}`);
  process.exit(1);
}

const emulator = await startChimeEmulator({
  port,
  onEvent: (event) => console.log(JSON.stringify(event)),
});
console.error(`Chime SDK Meetings emulator (local test double) listening on ${emulator.url}`);

const stop = () => {
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
