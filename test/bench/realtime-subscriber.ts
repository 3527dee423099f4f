// Child process of realtime.bench.ts (forked, with an IPC channel): opens `count` AppSync
// real-time connections from `localAddress` (spreading connections over 127.0.0.x keeps each
// source address inside the ephemeral port range), each with `subscriptions` of the nine
// DataStore-shaped subscriptions (3 models × onCreate/onUpdate/onDelete, owner argument), and
// measures event request → delivery latency. The parent sends, over IPC:
//   { type: 'sent', key, at }   a mutation was requested at `at` (epoch ms, sub-ms precision);
//                               key is `<c|u|d>:<record id>`
//   { type: 'report' }          answered with { type: 'report', deliveries, histogram, closes }
//   { type: 'reset' }           forgets deliveries so far
// and the child says { type: 'ready', connections, failed } once every subscription is acked.
import WebSocket from 'ws';
import { SUBSCRIPTIONS, LATENCY_BUCKET_MS, LATENCY_BUCKETS, type SubscriberMessage, type ParentMessage } from './realtime-bench-protocol.js';

const [url, token, countText, subscriptionsText, localAddress] = process.argv.slice(2);
if (url === undefined || token === undefined || countText === undefined || subscriptionsText === undefined || localAddress === undefined) {
  throw new Error('usage: realtime-subscriber.ts <realtimeUrl> <token> <count> <subscriptions 0-9> <localAddress>');
}
const count = Number(countText);
const subscriptionCount = Number(subscriptionsText);
const owner = process.env.REALTIME_BENCH_OWNER ?? null;
const header = { Authorization: token, host: new URL(url).host };
const protocols = ['graphql-ws', `header-${Buffer.from(JSON.stringify(header)).toString('base64url')}`];
const starts = SUBSCRIPTIONS.slice(0, subscriptionCount).map((s) =>
  JSON.stringify({
    id: s.id,
    type: 'start',
    payload: { data: JSON.stringify({ query: s.query, variables: { owner } }), extensions: { authorization: header } },
  }),
);

const sentAt = new Map<string, number>();
/** Deliveries whose request time is not known yet (the IPC message can trail the frame). */
const early = new Map<string, number[]>();
const histogram = new Uint32Array(LATENCY_BUCKETS);
let deliveries = 0;
let closes = 0;
const sockets: WebSocket[] = [];

function record(latencyMs: number): void {
  histogram[Math.min(LATENCY_BUCKETS - 1, Math.max(0, Math.floor(latencyMs / LATENCY_BUCKET_MS)))]!++;
  deliveries++;
}

function onData(raw: Buffer, receivedAt: number): void {
  // Subscription ids are `<c|u|d><model letter>`; the record id follows `"id":"` inside `data`.
  const text = raw.toString('latin1');
  if (!text.includes('"type":"data"')) return;
  const kind = text.charAt(text.indexOf('"id":"') + 6);
  const at = text.indexOf('"id":"', text.indexOf('"data":'));
  if (at < 0) return;
  const end = text.indexOf('"', at + 6);
  const key = `${kind}:${text.slice(at + 6, end)}`;
  const sent = sentAt.get(key);
  if (sent !== undefined) record(receivedAt - sent);
  else {
    const list = early.get(key);
    if (list) list.push(receivedAt);
    else early.set(key, [receivedAt]);
  }
}

function connect(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url!, protocols, { localAddress, skipUTF8Validation: true, perMessageDeflate: false });
    let acks = 0;
    let settled = false;
    const settle = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      resolve(ok);
    };
    socket.on('message', (raw: Buffer) => {
      const receivedAt = performance.timeOrigin + performance.now();
      if (!settled) {
        const text = raw.toString();
        if (text.includes('"connection_ack"')) {
          if (starts.length === 0) settle(true);
          for (const start of starts) socket.send(start);
        } else if (text.includes('"start_ack"') && ++acks === starts.length) settle(true);
        else if (text.includes('"error"')) {
          console.error(`subscriber: ${text.slice(0, 300)}`);
          settle(false);
        }
        return;
      }
      onData(raw, receivedAt);
    });
    socket.on('open', () => socket.send('{"type":"connection_init"}'));
    socket.on('error', () => settle(false));
    socket.on('close', () => {
      closes++;
      settle(false);
    });
    sockets.push(socket);
  });
}

const CONCURRENT_OPENS = 100;
let failed = 0;
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(CONCURRENT_OPENS, count) }, async () => {
    while (next < count) {
      next++;
      if (!(await connect())) failed++;
    }
  }),
);
send({ type: 'ready', connections: count - failed, failed });

process.on('message', (message: ParentMessage) => {
  if (message.type === 'sent') {
    sentAt.set(message.key, message.at);
    const waiting = early.get(message.key);
    if (waiting) {
      early.delete(message.key);
      for (const receivedAt of waiting) record(receivedAt - message.at);
    }
  } else if (message.type === 'report') {
    const sparse: Array<[number, number]> = [];
    histogram.forEach((n, i) => {
      if (n > 0) sparse.push([i, n]);
    });
    send({ type: 'report', deliveries, histogram: sparse, closes });
  } else if (message.type === 'reset') {
    deliveries = 0;
    histogram.fill(0);
    sentAt.clear();
    early.clear();
  }
});
process.on('disconnect', () => {
  for (const socket of sockets) socket.terminate();
  process.exit(0);
});

function send(message: SubscriberMessage): void {
  process.send?.(message);
}
