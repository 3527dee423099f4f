// `npm run bench [-- <name filter> ...]`: runs every test/bench/*.bench.ts in turn, each in its own
// Node process (so one benchmark's heap and caches never colour the next), streaming its output.
// Each benchmark prints its own table and writes its JSON under bench-results/. Benchmarks report
// numbers; they never pass or fail on timings. Exit code is non-zero only if a benchmark crashed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(' ')}`);
  process.exit(1);
}

const crashed: string[] = [];
for (const name of files) {
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(dir, name)], { stdio: 'inherit' });
  if (result.status !== 0) crashed.push(`${name} (exit ${result.status ?? result.signal})`);
}
if (crashed.length > 0) {
  console.error(`\nbenchmarks that crashed: ${crashed.join(', ')}`);
  process.exitCode = 1;
}
