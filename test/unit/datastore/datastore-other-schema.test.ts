// The datastore on a schema other than the example: composite primary keys, @hasOne, a hasMany
// over a composite key, models without @auth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../common/errors.js';
import { parseSchema } from '../../../common/schema/parse-schema.js';
import { openTemp, rawOutbox } from './temp-datastore.js';

const schema = parseSchema(
  `
type Project @model { id: ID! name: String team: Team @hasOne(fields: ["teamID"]) teamID: ID }
type Team @model { id: ID! name: String! }
type Order @model {
  customerId: ID! @primaryKey(sortKeyFields: ["orderNo"])
  orderNo: Int!
  total: Float
  lines: [Line] @hasMany(indexName: "byOrder", fields: ["customerId", "orderNo"])
}
type Line @model {
  id: ID!
  orderCustomerId: ID! @index(name: "byOrder", sortKeyFields: ["orderNo"])
  orderNo: Int!
  qty: Int
}
`,
  'other.graphql',
);

async function markSynced(store: Awaited<ReturnType<typeof openTemp>>['store']): Promise<void> {
  for (const entry of await store.outbox.peekSendable(100)) {
    await store.outbox.markInFlight(entry.id);
    await store.outbox.completeEntry(entry.id, { ...entry.data, _version: 1, _lastChangedAt: 1, _deleted: null });
  }
}

test('composite primary key: save needs every key field, get/delete take an object key, modelId joins with -', async (t) => {
  const { store, file } = openTemp(t, schema);
  await assert.rejects(store.save('Order', { customerId: 'c1', total: 3 }), (e: unknown) => e instanceof ValidationError && e.path === 'Order.orderNo');
  const order = await store.save('Order', { customerId: 'c1', orderNo: 7, total: 9.5 });
  assert.equal(order.customerId, 'c1');
  assert.equal(rawOutbox(file)[0].modelId, 'c1-7');
  assert.equal((await store.get('Order', { customerId: 'c1', orderNo: 7 }))?.total, 9.5);
  await assert.rejects(store.get('Order', 'c1'), /pass them as an object/);
  await assert.rejects(store.get('Order', { customerId: 'c1' }), /Order\.orderNo/);
  await store.save('Order', { customerId: 'c1', orderNo: 7, total: 10 });
  assert.equal(rawOutbox(file).length, 1, 'update coalesced into the pending create');
  assert.equal(rawOutbox(file)[0].data.total, 10);
  await store.save('Order', { customerId: 'c1', orderNo: 8 });
  assert.deepEqual(
    (await store.query('Order')).map((o) => o.orderNo),
    [7, 8],
  );
  await store.delete('Order', { customerId: 'c1', orderNo: 7 });
  assert.deepEqual(
    (await store.query('Order')).map((o) => o.orderNo),
    [8],
  );
});

test('cascade through @hasOne and through a hasMany on a composite key', async (t) => {
  const { store, file } = openTemp(t, schema);
  await store.save('Team', { id: 't1', name: 'Blue' });
  await store.save('Project', { id: 'p1', name: 'P', teamID: 't1' });
  await store.save('Order', { customerId: 'c1', orderNo: 1 });
  await store.save('Line', { id: 'l1', orderCustomerId: 'c1', orderNo: 1, qty: 2 });
  await store.save('Line', { id: 'l2', orderCustomerId: 'c1', orderNo: 2, qty: 2 });
  await markSynced(store);
  await store.delete('Project', 'p1');
  await store.delete('Order', { customerId: 'c1', orderNo: 1 });
  assert.deepEqual(
    rawOutbox(file).map((e) => `${e.operation} ${e.model} ${e.modelId}`),
    ['Delete Team t1', 'Delete Project p1', 'Delete Line l1', 'Delete Order c1-1'],
  );
  assert.deepEqual(
    (await store.query('Line')).map((l) => l.id),
    ['l2'],
  );
});

test('models without @auth have no owner column; records round-trip', async (t) => {
  const { store } = openTemp(t, schema);
  const team = await store.save('Team', { name: 'Red' });
  assert.equal('owner' in team, false);
  assert.deepEqual(Object.keys(team).sort(), ['_deleted', '_lastChangedAt', '_version', 'createdAt', 'id', 'name', 'updatedAt']);
});

test("a model name that would collide with the datastore's own tables is refused at open", (t) => {
  assert.throws(
    () => openTemp(t, parseSchema('type _outpost_outbox @model { id: ID! }')),
    (e: unknown) => e instanceof ValidationError && /reserved/.test(e.message),
  );
});
