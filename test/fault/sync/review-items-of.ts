// The review items of a device's datastore in the shape the "nothing lost" oracle reads.
import type { Datastore } from '../../../main/datastore/datastore.js';
import type { ReviewLike } from './nothing-lost-model.js';

/** Every review item of `datastore` (open and decided). */
export async function reviewItemsOf(datastore: Datastore): Promise<ReviewLike[]> {
  return datastore.reviews.list({ limit: 1_000_000 });
}
