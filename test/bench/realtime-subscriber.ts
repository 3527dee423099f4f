// Child process of realtime.bench.ts (forked, with an IPC channel): opens `count` AppSync
// real-time connections from `localAddress` (spreading connections over 127.0.0.x keeps each
// source address inside the ephemeral port range), each with `subscriptions` of the nine
// DataStore-shaped subscriptions (3 models × onCreate/onUpdate/onDelete, owner argument), and
// measures event request → delivery latency. The parent sends, over IPC:
//   { type: 'sent', key, at }   a mutation was requested at `at` (epoch ms, sub-ms precision);
//                               key is `<c|u|d>:<record id>`
//   { type: 'report' }          answered with { type: 'report', deliveries, histogram, closes, cpuUs }
//   { type: 'reset' }           forgets deliveries so far
// and the child says { type: 'ready', connections, failed } once every subscription is acked.
import { RawWebSocket } from './realtime-raw-socket.js';
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

/** Starts answered InternalFailure (server busy) are sent again, this many times per connection. */
const MAX_START_RETRIES = 20;
const sentAt = new Map<string, number>();
/** Deliveries whose request time is not known yet (the IPC message can trail the frame). */
const early = new Map<string, number[]>();
const histogram = new Uint32Array(LATENCY_BUCKETS);
let deliveries = 0;
let closes = 0;
const sockets: RawWebSocket[] = [];

function record(latencyMs: number): void {
  histogram[Math.min(LATENCY_BUCKETS - 1, Math.max(0, Math.floor(latencyMs / LATENCY_BUCKET_MS)))]!++;
  deliveries++;
}

const DATA_TYPE = Buffer.from('"type":"data"');
const DATA_FIELD = Buffer.from('"data":');
const ID_FIELD = Buffer.from('"id":"');
const QUOTE = 0x22;

function onData(frame: Buffer, receivedAt: number): void {
  // A data frame starts `{"id":"<kind><model>"`; the record's id is the first `"id":"` inside `data`.
  if (frame.indexOf(DATA_TYPE) < 0) return;
  const kind = String.fromCharCode(frame[ID_FIELD.length + 1]!);
  const at = frame.indexOf(ID_FIELD, frame.indexOf(DATA_FIELD));
  if (at < 0) return;
  const end = frame.indexOf(QUOTE, at + ID_FIELD.length);
  const key = `${kind}:${frame.toString('latin1', at + ID_FIELD.length, end)}`;
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
    let acks = 0;
    let retries = 0;
    let settled = false;
    const settle = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      resolve(ok);
    };
    const socket: RawWebSocket = new RawWebSocket(url!, protocols, localAddress!, {
      onOpen: () => socket.send('{"type":"connection_init"}'),
      onText: (frame) => {
        const receivedAt = performance.timeOrigin + performance.now();
        if (settled) {
          onData(frame, receivedAt);
          return;
        }
        const text = frame.toString();
        if (text.includes('"connection_ack"')) {
          if (starts.length === 0) settle(true);
          for (const start of starts) socket.send(start);
        } else if (text.includes('"start_ack"') && ++acks === starts.length) settle(true);
        else if (text.includes('"InternalFailure"') && retries < MAX_START_RETRIES) {
          // The server was busy (e.g. no database connection free to authenticate): retry as clients do.
          retries++;
          const id = /"id":"(\w+)"/.exec(text)?.[1];
          const start = starts.find((s) => s.includes(`"id":"${id}"`));
          if (start) setTimeout(() => socket.send(start), 250 * retries);
        } else if (text.includes('"error"')) {
          console.error(`subscriber: ${text.slice(0, 300)}`);
          settle(false);
        }
      },
      onClose: () => {
        closes++;
        settle(false);
      },
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
    const cpu = process.cpuUsage();
    send({ type: 'report', deliveries, histogram: sparse, closes, cpuUs: cpu.user + cpu.system });
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
