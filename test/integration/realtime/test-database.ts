// A throw-away PostgreSQL database for one test file: `outpost_test_<random>` on the local server,
// dropped at the end. `null` when PostgreSQL does not answer, so the caller can skip with a reason.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN_URL = process.env.OUTPOST_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates a fresh database, or returns the reason it cannot (as `{ skip }`). */
export async function createTestDatabase(): Promise<TestDatabase | { skip: string }> {
  const name = `outpost_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    return { skip: `PostgreSQL at ${ADMIN_URL} does not answer: ${String(error)}` };
  }
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
