// Live subscriptions by `<model>/<mutation>`, so a committed change only visits the subscriptions
// that listen to its model and mutation.
import type { ChangeEvent } from './change-event.js';
import type { ActiveSubscription } from './realtime-connection.js';

export class SubscriptionIndex {
  private readonly byChange = new Map<string, Set<ActiveSubscription>>();
  private registered = 0;

  /** Registered subscriptions across all connections. */
  get size(): number {
    return this.registered;
  }

  add(subscription: ActiveSubscription): void {
    const key = changeKey(subscription.request.model.name, subscription.request.mutation);
    let set = this.byChange.get(key);
    if (!set) this.byChange.set(key, (set = new Set()));
    set.add(subscription);
    this.registered++;
  }

  delete(subscription: ActiveSubscription): void {
    const key = changeKey(subscription.request.model.name, subscription.request.mutation);
    const set = this.byChange.get(key);
    if (set?.delete(subscription)) {
      this.registered--;
      if (set.size === 0) this.byChange.delete(key);
    }
  }

  /** The subscriptions `event` is for, as a copy: delivering may end some of them. */
  listening(event: ChangeEvent): ActiveSubscription[] {
    const set = this.byChange.get(changeKey(event.model, event.mutation));
    return set ? [...set] : [];
  }
}

function changeKey(model: string, mutation: string): string {
  return `${model}/${mutation}`;
}
