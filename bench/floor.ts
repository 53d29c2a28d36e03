/**
 * `npm run bench -- floor [--subscribers 1000] [--rounds 5]`: the floor under a full room.
 *
 * - grant → subscribers: `--subscribers` WebSocket clients follow Session I's channel on the local
 *   AppSync Events endpoint (the same protocol as AWS, through the project's own client); a moderator
 *   gives the floor; the time from sending the grant to each subscriber receiving it.
 * - deadline → cut: the local clock runs in real time up to the deadline; the time from the deadline to
 *   the holder's attendee being `Receive` in the Chime emulator, with no API call (the timer alone).
 *
 * One JSON line per figure. Local figures on this machine: they say what the server's path costs, not
 * AppSync's fan-out or SQS's delay in AWS.
 */
import WebSocket from 'ws';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { startLocalStack } from '../local/stack.ts';
import { connectFloorChannel } from '../shared/clients/floor-channel-client.ts';
import { percentile, round } from './stats.ts';

const ROOM = 'session-1';
const MOD = 'moderator@example.org';
const FRA = 'hod.fra@example.org';

const summary = (samples: number[]) => ({
  samples: samples.length,
  p50Ms: round(percentile(samples, 50)),
  p99Ms: round(percentile(samples, 99)),
  maxMs: round(Math.max(...samples)),
});

export async function floorBench(options: { subscribers: number; rounds: number }) {
  process.env.POWERTOOLS_LOG_LEVEL = 'CRITICAL';
  const dynamo = await startDynamoDbLocal();
  const stack = await startLocalStack({
    dynamoEndpoint: dynamo.endpoint,
    provisioning: false,
    timersTick: true,
    clock: '2021-06-28T11:40:00-04:00',
  });
  try {
    const call = async (email: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${stack.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${await stack.token(email)}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    };
    const join = await call(FRA, 'POST', `/sessions/${ROOM}/join`);
    const attendee = {
      meetingId: join.meeting.MeetingId as string,
      attendeeId: join.attendee.AttendeeId as string,
    };
    // France's client is connected: the meeting stays up (Chime ends one empty for five minutes).
    stack.emulator.connect(attendee.meetingId, attendee.attendeeId);
    const audio = () =>
      (stack.emulator.attendee(attendee.meetingId, attendee.attendeeId).Capabilities as { Audio: string })
        .Audio;

    // The room's followers: one token (a Head of Delegation's), many connections.
    const token = await stack.token(FRA);
    const received = new Map<string, number[]>();
    const clients = [];
    const connectStarted = performance.now();
    for (let i = 0; i < options.subscribers; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, options.subscribers - i) }, async () => {
          const client = await connectFloorChannel({
            url: stack.eventsUrl as string,
            token,
            WebSocket: WebSocket as never,
          });
          const sub = await client.subscribe(ROOM);
          void (async () => {
            for await (const event of sub) {
              const e = event as { type?: string; requestId?: string };
              if (e.type !== 'granted' || !e.requestId) continue;
              const list = received.get(e.requestId) ?? [];
              list.push(performance.now());
              received.set(e.requestId, list);
            }
          })().catch(() => undefined);
          return client;
        }),
      );
      clients.push(...batch);
    }
    console.log(
      JSON.stringify({
        bench: 'floor',
        figure: 'subscribers-connected',
        subscribers: clients.length,
        seconds: round((performance.now() - connectStarted) / 1000, 2),
      }),
    );

    const fanout: number[] = [];
    const lastReceipt: number[] = [];
    const cut: number[] = [];
    for (let round_ = 0; round_ < options.rounds; round_++) {
      const inscribed = await call(FRA, 'POST', `/sessions/${ROOM}/floor/requests`);
      const requestId = inscribed.request.id as string;
      const sent = performance.now();
      const granted = await call(MOD, 'POST', `/sessions/${ROOM}/floor/next`);
      // Every subscriber has it (or 10 s have passed).
      const until = Date.now() + 10_000;
      while ((received.get(requestId)?.length ?? 0) < clients.length && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 5));
      }
      const times = (received.get(requestId) ?? []).map((t) => t - sent);
      fanout.push(...times);
      lastReceipt.push(Math.max(...times));
      if (times.length < clients.length) {
        console.log(
          JSON.stringify({
            bench: 'floor',
            warning: `${clients.length - times.length} subscribers missed a grant`,
          }),
        );
      }

      // The deadline, on the local clock running in real time: set it 1.5 s ahead, then watch Chime.
      const deadline = Date.parse(granted.holder.deadline as string);
      stack.clock.set(new Date(deadline - 1500));
      const deadlineWall = performance.now() + 1500;
      while (audio() === 'SendReceive' && performance.now() < deadlineWall + 10_000) {
        await new Promise((r) => setTimeout(r, 2));
      }
      cut.push(performance.now() - deadlineWall);
      // The next round starts a little later on the local clock.
      stack.clock.set(new Date(deadline + 5_000));
    }
    console.log(
      JSON.stringify({
        bench: 'floor',
        figure: 'grant-to-subscriber',
        subscribers: clients.length,
        rounds: options.rounds,
        ...summary(fanout),
        lastSubscriber: summary(lastReceipt),
      }),
    );
    console.log(
      JSON.stringify({
        bench: 'floor',
        figure: 'deadline-to-cut',
        rounds: options.rounds,
        ...summary(cut),
        timerTick: '100 ms (local clock)',
      }),
    );
    for (const client of clients) client.close();
  } finally {
    await stack.stop();
    await dynamo.stop();
  }
}
