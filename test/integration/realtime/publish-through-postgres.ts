// Child process of postgres-change-bus.test.ts: publishes through its own PostgresChangeBus,
// as a second server process would. argv: <database url> <events as JSON array>.
import { PostgresChangeBus } from '../../../server/realtime/postgres-change-bus.js';
import type { ChangeEvent } from '../../../server/realtime/change-event.js';

const [url, eventsJson] = process.argv.slice(2);
if (!url || !eventsJson) {
  console.error('usage: publish-through-postgres.ts <database url> <events JSON>');
  process.exit(2);
}
const events = JSON.parse(eventsJson) as ChangeEvent[];
const bus = await PostgresChangeBus.create({ connectionString: url });
for (const event of events) await bus.publish(event);
await bus.close();
console.log(`published ${events.length}`);
