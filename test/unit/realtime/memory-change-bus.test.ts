import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryChangeBus } from '../../../server/realtime/memory-change-bus.js';
import type { ChangeEvent } from '../../../server/realtime/change-event.js';

const event = (id: string): ChangeEvent => ({ model: 'Site', mutation: 'create', item: { id, _version: 1 } });

describe('MemoryChangeBus', () => {
  it('delivers to every listener in publish order before publish resolves', async () => {
    const bus = new MemoryChangeBus();
    const a: string[] = [];
    const b: string[] = [];
    bus.subscribe((e) => a.push(String(e.item.id)));
    bus.subscribe((e) => b.push(String(e.item.id)));
    await bus.publish(event('1'));
    await bus.publish(event('2'));
    assert.deepEqual(a, ['1', '2']);
    assert.deepEqual(b, ['1', '2']);
  });

  it('keeps delivering when a listener throws, and reports the error', async () => {
    const reported: unknown[] = [];
    const bus = new MemoryChangeBus((e) => reported.push(e));
    const got: string[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe((e) => got.push(String(e.item.id)));
    await bus.publish(event('1'));
    assert.deepEqual(got, ['1']);
    assert.equal(reported.length, 1);
  });

  it('stops delivering after unsubscribe, even mid-delivery, and the same function twice counts twice', async () => {
    const bus = new MemoryChangeBus();
    const got: string[] = [];
    const listener = (e: ChangeEvent): void => {
      got.push(String(e.item.id));
    };
    const stop1 = bus.subscribe(listener);
    bus.subscribe(listener);
    await bus.publish(event('1'));
    assert.deepEqual(got, ['1', '1']);
    stop1();
    await bus.publish(event('2'));
    assert.deepEqual(got, ['1', '1', '2']);
    assert.equal(bus.listenerCount, 1);
  });

  it('rejects publish once closed', async () => {
    const bus = new MemoryChangeBus();
    await bus.close();
    await assert.rejects(bus.publish(event('1')), /closed/);
  });
});
