/**
 * `npm start`: the backend with the sample event on this machine, no AWS account needed.
 *   PORT=3000                 the dev server's port
 *   EVENTS_PORT=3001          the floor channel's WebSocket port (local AppSync Events); PORT+1 by default
 *   FLOORPASS_CLOCK=<ISO>     where the local clock starts (default: inside Session I)
 *   FLOORPASS_EVENT=<file>    the programme file (default events/hlc-2021.yaml)
 */
import { join, resolve } from 'node:path';
import { ProgrammeError } from '#domain/programme.ts';
import { JavaMissingError } from './dynamodb-local.ts';
import { startLocalStack } from './stack.ts';

async function main() {
  const port = Number(process.env.PORT ?? 3000);
  const eventsPort = Number(process.env.EVENTS_PORT ?? (port ? port + 1 : 0));
  console.log('floorpass: starting DynamoDB Local, the Chime emulator and the dev server…');
  // The record: the dev stack's signing key stays in .floorpass/ (its fingerprint is the same at every
  // start); each start's checkpoints and exports go to a directory of their own, since DynamoDB Local
  // starts empty.
  const keyDir = resolve('.floorpass');
  const recordDir = join(
    keyDir,
    'record',
    new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z'),
  );
  const stack = await startLocalStack({
    port,
    eventsPort,
    closeRoomsEverySecond: true,
    chainRecord: true,
    keyDir,
    recordDir,
    ...(process.env.FLOORPASS_CLOCK ? { clock: process.env.FLOORPASS_CLOCK } : {}),
    ...(process.env.FLOORPASS_EVENT ? { eventFile: process.env.FLOORPASS_EVENT } : {}),
  });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nfloorpass: stopping…');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  const u = stack.url;
  const tok = (email: string) =>
    `$(curl -s -X POST ${u}/_local/tokens -d '{"email":"${email}"}' | jq -r .token)`;
  console.log(`
floorpass is up on ${u}   (local clock: ${stack.clock.now().toISOString()}, table ${stack.tableName})

Local services
  DynamoDB Local   ${stack.dynamoEndpoint}
  Chime emulator   ${stack.emulator.url}   (a test double of the Chime SDK Meetings API)
  Floor channel    ${stack.eventsUrl}   (AppSync Events' WebSocket protocol; a test double)
  API description  ${u}/openapi.json   (OpenAPI 3.1, as docs/openapi.json)

Console  ${u}/console/   (sign in as a persona: local development only)

The record (docs/record.md)
  Key fingerprint  ${stack.record.fingerprint}
                   (the dev stack's checkpoint key; verify takes it: npm run verify -- <bundle> <fingerprint>)
  Checkpoints      ${stack.record.dir}/checkpoints   (written once, but NOT immutable: local files)

Personas: organizer@example.org (organizer), hod.fra@example.org (France, Head of Delegation),
  delegate.bra@example.org (Brazil, Delegate), delegate.vat@example.org (Holy See, Delegate),
  speaker.cso@example.org (civil society, Speaker), delegate.fra@, hod.bra@, moderator@example.org

Try it (needs curl and jq):
  ORG=${tok('organizer@example.org')}
  FRA=${tok('hod.fra@example.org')}
  VAT=${tok('delegate.vat@example.org')}
  CSO=${tok('speaker.cso@example.org')}
  BRA=${tok('delegate.bra@example.org')}

  # What can France's Head of Delegation join now?
  curl -s ${u}/me -H "Authorization: Bearer $FRA" | jq '.sessions[] | {id, canJoin, reason}'
  # France joins Session I: 200, Chime meeting + attendee (Cache-Control: no-store)
  curl -si -X POST ${u}/sessions/session-1/join -H "Authorization: Bearer $FRA"
  # The Holy See (Observer State) and civil society are refused Session I: 403 SESSION_RESTRICTED
  curl -s -X POST ${u}/sessions/session-1/join -H "Authorization: Bearer $VAT" | jq
  curl -s -X POST ${u}/sessions/session-1/join -H "Authorization: Bearer $CSO" | jq
  # Session III is tomorrow: 403 OUTSIDE_JOIN_WINDOW, with opensAt
  curl -s -X POST ${u}/sessions/session-3/join -H "Authorization: Bearer $CSO" | jq
  # The organizer lists the 193 Member States and 2 Observer States
  curl -s "${u}/delegations?category=MemberState" -H "Authorization: Bearer $ORG" | jq .count
  curl -s "${u}/delegations?category=ObserverState" -H "Authorization: Bearer $ORG" | jq '.items[].name'
  # Brazil's in-person seat goes to its delegate, who is then refused online: IN_PERSON_SEAT_HOLDER
  BRA_ID=$(curl -s "${u}/participants?delegation=BRA" -H "Authorization: Bearer $ORG" | jq -r '.items[] | select(.email=="delegate.bra@example.org") | .id')
  curl -s -X PUT ${u}/delegations/BRA/in-person-seat -H "Authorization: Bearer $ORG" -d "{\\"participantId\\":\\"$BRA_ID\\"}" | jq
  curl -s -X POST ${u}/sessions/session-1/join -H "Authorization: Bearer $BRA" | jq
  # Attendance: France's client connects, drops, reconnects and leaves in the emulator, whose
  # aws.chime events reach the recorder as EventBridge and SQS would deliver them
  J=$(curl -s -X POST ${u}/sessions/session-1/join -H "Authorization: Bearer $FRA")
  A=${u}/_local/meetings/$(echo $J | jq -r .meeting.MeetingId)/attendees/$(echo $J | jq -r .attendee.AttendeeId)
  curl -s -X POST $A/connect; sleep 2; curl -s -X POST $A/drop; sleep 1; curl -s -X POST $A/connect; sleep 2; curl -s -X POST $A/leave
  curl -s ${u}/sessions/session-1/attendance -H "Authorization: Bearer $ORG" | jq '.rows[] | {delegationCode, mode, totalSeconds, status, intervals}'
  curl -s "${u}/sessions/session-1/attendance?format=csv" -H "Authorization: Bearer $ORG"
  curl -s "${u}/roll-call?category=MemberState" -H "Authorization: Bearer $ORG" | jq -c '.rows[] | select(.code=="FRA" or .code=="DEU") | {code, s1: .rooms["session-1"]}'
  # The audit trail: the Holy See's refusal, with its reason
  curl -s "${u}/audit?sessionId=session-1&outcome=denied" -H "Authorization: Bearer $ORG" | jq -c '.items[] | {at, delegationCode, code}'
  # Brazil's delegate is checked in at the door of Session I (they hold the seat)
  curl -s -X POST ${u}/sessions/session-1/check-ins -H "Authorization: Bearer $ORG" -d "{\\"participantId\\":\\"$BRA_ID\\",\\"direction\\":\\"in\\"}" | jq
  curl -s ${u}/sessions/session-1/presence -H "Authorization: Bearer $ORG" | jq -c '.rows[] | {delegationCode, mode, since}'
  # The floor (docs/floor.md): follow Session I's channel in another terminal, then inscribe and grant
  npm run follow -- session-1 hod.fra@example.org
  curl -s -X POST ${u}/sessions/session-1/floor/requests -H "Authorization: Bearer $FRA" | jq
  MOD=$(curl -s -X POST ${u}/_local/tokens -d '{"email":"moderator@example.org"}' | jq -r .token)
  curl -s -X POST ${u}/sessions/session-1/floor/next -H "Authorization: Bearer $MOD" | jq .holder
  # Export the record (a checkpoint is signed every 5 minutes of the local clock) and verify it offline
  curl -s -o record.tar "$(curl -s ${u}/record/export -H "Authorization: Bearer $ORG" | jq -r .url)"
  npm run verify -- record.tar ${stack.record.fingerprint}
  # Move the local clock
  curl -s -X POST ${u}/_local/clock -d '{"now":"2021-06-29T09:45:00-04:00"}'

Ctrl-C stops everything.`);
}

main().catch((error) => {
  if (error instanceof ProgrammeError || error instanceof JavaMissingError) {
    console.error(`floorpass: ${error.message}`);
  } else {
    console.error(`floorpass: could not start: ${(error as Error).message}`);
  }
  process.exit(1);
});
