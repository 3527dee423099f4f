// A write load in a process of its own: `node --import tsx writer-child.ts <graphql url> <authorization> <prefix> [concurrency]`
// creates Sites with ids `<prefix>-<n>` as fast as the server answers, `concurrency` at a time, and
// prints one JSON line `{"ack":"<id>","at":<epoch ms>}` for each mutation the server acknowledged.
// A failed attempt (server gone, 5xx) is retried with the same id until acknowledged or refused
// (a retried create that had committed is refused as existing: it was never acknowledged, so never printed).
// Stops on SIGTERM or stdin's end, after the writes in flight, printing `{"done":true}`.
const [url, authorization, prefix, concurrencyText] = process.argv.slice(2);
if (url === undefined || authorization === undefined || prefix === undefined)
  throw new Error('usage: writer-child.ts <url> <authorization> <prefix> [concurrency]');
const concurrency = Number(concurrencyText ?? '4');
let endpoint = url;
let stopping = false;
let next = 0;
process.once('SIGTERM', () => (stopping = true));
process.stdin.on('end', () => (stopping = true));
process.stdin.resume();
// A line on stdin names a new endpoint (the next server process), so retries go there.
process.stdin.on('data', (chunk: Buffer) => {
  const line = chunk.toString('utf8').trim().split('\n').pop();
  if (line) endpoint = line;
});

const MUTATION = 'mutation($i: CreateSiteInput!) { createSite(input: $i) { id _version } }';

async function attempt(id: string): Promise<'ack' | 'refused' | 'retry'> {
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: MUTATION, variables: { i: { id, name: `load ${id}`, code: prefix, tags: ['load'] } } }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status >= 500) return 'retry';
    const body = (await res.json()) as { data?: { createSite?: { id: string } | null }; errors?: unknown[] };
    if (body.data?.createSite?.id === id) return 'ack';
    return 'refused';
  } catch {
    return 'retry';
  }
}

async function lane(): Promise<void> {
  while (!stopping) {
    const id = `${prefix}-${next++}`;
    for (let tries = 1; ; tries++) {
      const outcome = await attempt(id);
      if (outcome === 'ack') process.stdout.write(`${JSON.stringify({ ack: id, at: Date.now() })}\n`);
      // Bounded once told to stop: a server that never comes back must not keep the process alive.
      if (outcome !== 'retry' || (stopping && tries > 40)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, () => lane()));
process.stdout.write(`${JSON.stringify({ done: true })}\n`);
process.exit(0);
