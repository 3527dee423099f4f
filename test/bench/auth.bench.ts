// What authentication costs per request: authenticate() calls per second for an API key and for
// one of our access tokens (ES256 verify + user and session look-ups), with 1 and 16 callers in
// flight, on SQLite and PostgreSQL; and password sign-ins per second (scrypt-bound).
// Prints a table and writes bench-results/auth.json. Numbers only; nothing passes or fails.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createTokenSigner } from '../../server/auth/access-tokens.js';
import { createAuthStore } from '../../server/auth/auth-store.js';
import { createAuthenticator } from '../../server/auth/authenticate.js';
import { createSignInService } from '../../server/auth/sign-in.js';
import { openPostgres, openSqlite, postgresUnavailable, type TestDatabase } from '../integration/auth/auth-databases.js';

const CALLS = 2000;
const SIGN_INS = 16;

interface Row {
  database: string;
  credential: string;
  concurrency: number;
  perSecond: number;
}

async function rate(total: number, concurrency: number, call: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await call();
      }
    }),
  );
  const perSecond = (total / (performance.now() - started)) * 1000;
  return perSecond < 100 ? Math.round(perSecond * 10) / 10 : Math.round(perSecond);
}

async function measure(database: TestDatabase): Promise<Row[]> {
  const store = await createAuthStore(database.db, database.dialect);
  await store.addUser({ username: 'bench', password: 'bench-password' });
  const accounts = createSignInService(store, createTokenSigner(store));
  const authenticate = createAuthenticator({ store });
  const { key } = await store.createApiKey();
  const pair = await accounts.signIn('bench', 'bench-password');
  const rows: Row[] = [];
  for (const concurrency of [1, 16]) {
    rows.push({
      database: database.dialect,
      credential: 'x-api-key',
      concurrency,
      perSecond: await rate(CALLS, concurrency, () => authenticate({ 'x-api-key': key })),
    });
    rows.push({
      database: database.dialect,
      credential: 'access token',
      concurrency,
      perSecond: await rate(CALLS, concurrency, () => authenticate({ authorization: pair.accessToken })),
    });
  }
  rows.push({
    database: database.dialect,
    credential: 'password sign-in',
    concurrency: 4,
    perSecond: await rate(SIGN_INS, 4, () => accounts.signIn('bench', 'bench-password')),
  });
  return rows;
}

const rows: Row[] = [];
const sqlite = await openSqlite();
try {
  rows.push(...(await measure(sqlite)));
} finally {
  await sqlite.close();
}
const pgSkip = await postgresUnavailable();
if (pgSkip) {
  console.log(`PostgreSQL skipped: ${pgSkip}`);
} else {
  const postgres = await openPostgres();
  try {
    rows.push(...(await measure(postgres)));
  } finally {
    await postgres.close();
  }
}

console.table(rows.map((r) => ({ database: r.database, credential: r.credential, 'in flight': r.concurrency, 'calls/s': r.perSecond })));
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/auth.json', `${JSON.stringify({ when: new Date().toISOString(), rows }, null, 2)}\n`);
