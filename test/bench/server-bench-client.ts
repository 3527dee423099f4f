// The load generator's side of server.bench.ts: a server host child process driven over stdin/stdout
// JSON lines, and GraphQL over real HTTP on 127.0.0.1 through a keep-alive agent.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The ready line of server-bench-host.ts. */
export interface HostInfo {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly owner: string;
}

/** A server in its own process (server-bench-host.ts) over `database`. */
export interface BenchHost {
  readonly info: HostInfo;
  /** Sends one command and resolves with its JSON reply; a reply `{ error }` rejects. */
  command<T>(cmd: Record<string, unknown>): Promise<T>;
  /** Stops the server (closes its stdin) and waits up to 20 s for the process to exit. */
  stop(): Promise<void>;
}

/** Starts server-bench-host.ts over `database`; rejects if it is not ready within `timeoutMs` (default 60 s). */
export async function startHost(database: string, timeoutMs = 60_000): Promise<BenchHost> {
  const script = fileURLToPath(new URL('./server-bench-host.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, database], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let exited: Error | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.resolve(line));
  child.on('exit', (code, signal) => {
    exited = new Error(`server host exited (${code ?? signal})`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  const nextLine = (): Promise<string> => (exited ? Promise.reject(exited) : new Promise((resolve, reject) => waiting.push({ resolve, reject })));

  const ready = await Promise.race([
    nextLine(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`server host not ready after ${timeoutMs} ms`)), timeoutMs).unref()),
  ]).catch((error: unknown) => {
    child.kill();
    throw error;
  });
  const info = JSON.parse(ready) as HostInfo;
  return {
    info,
    async command<T>(cmd: Record<string, unknown>): Promise<T> {
      const reply = nextLine();
      child.stdin!.write(`${JSON.stringify(cmd)}\n`);
      const parsed = JSON.parse(await reply) as T & { error?: string };
      if (typeof parsed.error === 'string') throw new Error(`server host: ${parsed.error}`);
      return parsed;
    },
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** One GraphQL answer. */
export interface GqlReply {
  readonly status: number;
  readonly data: Record<string, unknown> | null;
  readonly errors: ReadonlyArray<{ errorType?: string; message: string }> | undefined;
}

/** POSTs `body` as JSON to `url` through `agent`; resolves with the status and parsed JSON body. */
export function postJson(agent: Agent, url: string, headers: Readonly<Record<string, string>>, body: unknown): Promise<{ status: number; json: unknown }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        res.on('error', reject);
      },
    );
    // Bounded: a wedged server fails the benchmark rather than hanging it.
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${url} within 30 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A GraphQL request over `agent` with `authorization`; any `errors[]` or non-200 status throws. */
export async function gql(
  agent: Agent,
  url: string,
  authorization: string,
  query: string,
  variables: Record<string, unknown>,
  extensions?: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { status, json } = await postJson(agent, url, { authorization }, { query, variables, ...(extensions ? { extensions } : {}) });
  const reply = json as { data?: Record<string, unknown> | null; errors?: Array<{ errorType?: string; message: string }> };
  if (status !== 200 || (reply.errors !== undefined && reply.errors.length > 0) || !reply.data) {
    throw new Error(`GraphQL request failed (HTTP ${status}): ${JSON.stringify(reply.errors ?? reply)}`);
  }
  return reply.data;
}

/** Signs in through POST /auth/token and returns the access token. */
export async function signIn(info: HostInfo): Promise<string> {
  const agent = new Agent({ keepAlive: false });
  try {
    const { status, json } = await postJson(agent, info.url.replace(/\/graphql$/, '/auth/token'), {}, { username: info.username, password: info.password });
    const token = (json as { accessToken?: unknown }).accessToken;
    if (status !== 200 || typeof token !== 'string') throw new Error(`sign-in failed (HTTP ${status}): ${JSON.stringify(json)}`);
    return token;
  } finally {
    agent.destroy();
  }
}
