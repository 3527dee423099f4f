// The user's decisions in the conflicts inbox ("keep mine" / "keep theirs"), kept beside the
// profile's database. The conflict log itself belongs to the datastore; this only remembers
// which entries the user has dealt with, so the inbox can show what still needs a look.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';

export type ReviewChoice = 'keepMine' | 'keepTheirs';

export interface ConflictReviews {
  get(id: string): ReviewChoice | null;
  set(id: string, choice: ReviewChoice): void;
}

/** Reviews stored in `<profileDir>/conflict-reviews.json`. */
export function openConflictReviews(profileDir: string): ConflictReviews {
  const file = join(profileDir, 'conflict-reviews.json');
  let reviews: Record<string, ReviewChoice> = {};
  if (existsSync(file)) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (typeof parsed === 'object' && parsed !== null) {
        for (const [id, choice] of Object.entries(parsed)) {
          if (choice === 'keepMine' || choice === 'keepTheirs') reviews[id] = choice;
        }
      }
    } catch {
      reviews = {};
    }
  }
  return {
    get: (id) => reviews[id] ?? null,
    set(id, choice) {
      reviews[id] = choice;
      writeFileAtomically(file, JSON.stringify(reviews));
    },
  };
}
