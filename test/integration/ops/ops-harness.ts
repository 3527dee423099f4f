// What the ops tests share: sign-in and GraphQL over real HTTP, and the app schema file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The app's schema (schema/schema.graphql), as the CLI reads it. */
export const APP_SCHEMA_PATH = fileURLToPath(new URL('../../../schema/schema.graphql', import.meta.url));
export const APP_SDL = readFileSync(APP_SCHEMA_PATH, 'utf8');

export interface GqlAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ errorType?: string | null; message: string; extensions?: Record<string, unknown> }>;
    extensions?: { outpost?: { baseSyncs?: string[] } & Record<string, unknown> };
  };
}

/** POST /graphql at `base` (`http://host:port`) with `headers`. */
export async function gql(base: string, headers: Record<string, string>, query: string, variables: Record<string, unknown> = {}): Promise<GqlAnswer> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GqlAnswer['body'] };
}

/** The bearer header of `username` signed in with `password` (POST /auth/token). */
export async function signIn(base: string, username: string, password: string): Promise<{ authorization: string }> {
  const res = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${username}: HTTP ${res.status} ${await res.text()}`);
  return { authorization: ((await res.json()) as { accessToken: string }).accessToken };
}

export const SITE_FIELDS = 'id name code tags _version _lastChangedAt _deleted';

/** Every page of `syncSites` from `lastSync` (0: base); items in answer order, and the last answer's extensions. */
export async function syncSites(
  base: string,
  headers: Record<string, string>,
  lastSync: number,
): Promise<{ items: Array<Record<string, unknown>>; startedAt: number; baseSyncs: string[] }> {
  const items: Array<Record<string, unknown>> = [];
  let nextToken: string | null = null;
  let startedAt = 0;
  let baseSyncs: string[] = [];
  do {
    const answer = await gql(
      base,
      headers,
      `query($lastSync: AWSTimestamp, $nextToken: String) { syncSites(limit: 1000, lastSync: $lastSync, nextToken: $nextToken) { items { ${SITE_FIELDS} } nextToken startedAt } }`,
      { lastSync, nextToken },
    );
    if (answer.body.errors) throw new Error(JSON.stringify(answer.body.errors));
    const page = answer.body.data?.syncSites as { items: Array<Record<string, unknown>>; nextToken: string | null; startedAt: number };
    items.push(...page.items);
    nextToken = page.nextToken;
    startedAt = page.startedAt;
    baseSyncs = answer.body.extensions?.outpost?.baseSyncs ?? baseSyncs;
  } while (nextToken !== null);
  return { items, startedAt, baseSyncs };
}

/** A child process printing JSON lines (writer-child.ts): its parsed lines so far, and how to stop it. */
export interface ChildLines<T> {
  readonly lines: T[];
  readonly child: import('node:child_process').ChildProcess;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Waits until `check` holds of the lines (bounded). */
  until(what: string, check: (lines: readonly T[]) => boolean, timeoutMs?: number): Promise<void>;
}

/** Runs `script` (a .ts file) under tsx with `args`, collecting its stdout JSON lines. */
export async function runChild<T>(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ChildLines<T>> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: T[] = [];
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) if (part.trim().startsWith('{')) lines.push(JSON.parse(part) as T);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    lines,
    child,
    exited,
    async until(what, check, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check(lines)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; child stderr: ${stderr}`);
        if (child.exitCode !== null) throw new Error(`child exited (${child.exitCode}) before ${what}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
