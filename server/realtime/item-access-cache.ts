// Item checks shared by every connection whose subscriptions decide alike. A fan-out round visits
// each subscription of an event in turn with the same item object, so a check held once for all
// subscriptions of one user (their devices, their nine DataStore subscriptions) and remembering its
// last verdict runs once per event instead of once per subscription. The key holds everything
// authorizeSubscription's check reads: the model, the owner arguments and, per rule, the caller's
// owner claims and groups — two callers with equal keys get the same verdict for every item.
import type { ModelDef } from '../../common/schema/types.js';
import type { Identity } from '../auth/identity.js';
import { authorizeSubscription, itemAccessKey, type ItemAccess } from './subscription-authorization.js';

/** `check` remembering its verdict for the last item object it saw (items of delivered events are never mutated). */
export function lastItemMemo(check: ItemAccess): ItemAccess {
  let lastItem: object | null = null;
  let lastVerdict = false;
  return (item) => {
    if (item === lastItem) return lastVerdict;
    lastVerdict = check(item);
    lastItem = item;
    return lastVerdict;
  };
}

export class ItemAccessCache {
  private readonly entries = new Map<string, ItemAccess>();

  /** `capacity`: distinct keys kept (least recently used go first); default 10 000. */
  constructor(private readonly capacity = 10_000) {}

  /** authorizeSubscription's verdict (it throws when refused, never kept) and a shared, memoized item check. */
  authorize(model: ModelDef, identity: Identity, rootField: string, ownerArguments: Readonly<Record<string, string>>): ItemAccess {
    const key = itemAccessKey(model, identity, ownerArguments);
    const hit = this.entries.get(key);
    if (hit) {
      // The verdict still comes from the rules: a refusal names this root field and is never shared.
      authorizeSubscription(model, identity, rootField, ownerArguments);
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const access = lastItemMemo(authorizeSubscription(model, identity, rootField, ownerArguments));
    this.entries.set(key, access);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return access;
  }
}
