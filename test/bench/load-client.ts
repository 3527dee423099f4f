// Child process of load.bench.ts: `clients` concurrent loops over keep-alive HTTP, each writing
// create + 3 updates (with the returned `_version`) per record, Posts on even clients and Comments on
// odd ones, until the plan's seconds pass or its mutations are sent. A 503/429 answer is counted as
// refused and the client waits its Retry-After (as the sync worker does) plus up to 0.5 s before
// sending again.
// argv[2]: the LoadPlan as JSON; prints one LoadResult JSON line and exits.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { LoadPlan, LoadResult } from './load-schema.js';

const plan = JSON.parse(process.argv[2] ?? '{}') as LoadPlan;
const UPDATES_PER_CREATE = 3;
const POST_FIELDS = 'id title status rating _version _lastChangedAt _deleted';
const COMMENT_FIELDS = 'id postID content rank _version _lastChangedAt _deleted';
const DOCS = {
  Post: {
    create: `mutation C($input: CreatePostInput!) { createPost(input: $input) { ${POST_FIELDS} } }`,
    update: `mutation U($input: UpdatePostInput!) { updatePost(input: $input) { ${POST_FIELDS} } }`,
  },
  Comment: {
    create: `mutation C($input: CreateCommentInput!) { createComment(input: $input) { ${COMMENT_FIELDS} } }`,
    update: `mutation U($input: UpdateCommentInput!) { updateComment(input: $input) { ${COMMENT_FIELDS} } }`,
  },
} as const;

type Answer = { kind: 'ok'; item: { _version: number } } | { kind: 'refused'; retryAfterS: number } | { kind: 'timeout' } | { kind: 'error'; message: string };

const agent = new Agent({ keepAlive: true, maxSockets: plan.clients });

function send(url: string, query: string, input: Record<string, unknown>): Promise<Answer> {
  const payload = Buffer.from(JSON.stringify({ query, variables: { input } }));
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(payload.length), 'x-api-key': plan.apiKey } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status === 503 || status === 429) {
            resolve({ kind: 'refused', retryAfterS: Number(res.headers['retry-after'] ?? 1) || 1 });
            return;
          }
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: Record<string, { _version: number } | null>; errors?: unknown[] };
            const item = body.data === undefined ? undefined : Object.values(body.data)[0];
            if (status !== 200 || body.errors !== undefined || item === undefined || item === null) {
              resolve({ kind: 'error', message: `HTTP ${status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}` });
            } else resolve({ kind: 'ok', item });
          } catch (error) {
            resolve({ kind: 'error', message: `HTTP ${status}: ${String(error)}` });
          }
        });
        res.on('error', (error) => resolve({ kind: 'error', message: error.message }));
      },
    );
    req.setTimeout(plan.timeoutMs, () => {
      req.destroy();
      resolve({ kind: 'timeout' });
    });
    req.on('error', (error) => resolve({ kind: 'error', message: error.message }));
    req.end(payload);
  });
}

const latenciesMs: number[] = [];
let claimed = 0;
let refused = 0;
let timeouts = 0;
let errors = 0;
let firstError: string | null = null;
const started = performance.now();
const deadline = started + plan.seconds * 1000;

async function client(index: number): Promise<void> {
  const url = plan.urls[index % plan.urls.length] as string;
  const model = index % 2 === 0 ? 'Post' : 'Comment';
  let current: { id: string; version: number; updates: number } | undefined;
  while (claimed < plan.maxMutations && performance.now() < deadline) {
    claimed++;
    const creating = current === undefined || current.updates === UPDATES_PER_CREATE;
    const n = creating ? 0 : (current?.updates ?? 0) + 1;
    const id = creating ? randomUUID() : (current?.id as string);
    const input: Record<string, unknown> =
      model === 'Post'
        ? creating
          ? { id, title: `load ${claimed}`, status: 'DRAFT', rating: 0 }
          : { id, _version: current?.version, status: `S${n}`, rating: n }
        : creating
          ? { id, postID: `post-${index}`, content: `load ${claimed}`, rank: 0 }
          : { id, _version: current?.version, content: `edit ${n}`, rank: n };
    const sent = performance.now();
    const answer = await send(url, DOCS[model][creating ? 'create' : 'update'], input);
    if (answer.kind === 'ok') {
      latenciesMs.push(performance.now() - sent);
      current = { id, version: answer.item._version, updates: n };
    } else if (answer.kind === 'refused') {
      refused++;
      // Not applied: the same write goes again after the wait (claimed counts sends, not records),
      // spread over up to half a second more, as a fleet of clients with their own timers would be.
      await new Promise((r) => setTimeout(r, Math.min(answer.retryAfterS, 5) * 1000 + Math.random() * 500));
    } else {
      if (answer.kind === 'timeout') timeouts++;
      else {
        errors++;
        firstError ??= answer.message;
      }
      // Whether it was applied is unknown: start over with a new record.
      current = undefined;
    }
  }
}

await Promise.all(Array.from({ length: plan.clients }, (_, i) => client(i)));
agent.destroy();
const result: LoadResult = { mutations: latenciesMs.length, seconds: (performance.now() - started) / 1000, latenciesMs, refused, timeouts, errors, firstError };
process.stdout.write(`${JSON.stringify(result)}\n`);
