// Where the shell is: a model's list, a record's form, a resubmit, the review inbox, the Trash,
// the Sync activity screen, Settings or sign-in, as data; the shell renders the screen a route names.
import type { ReviewItem } from '../common/ipc/contract.js';
import type { KeyObject } from '../common/schema/record-key.js';

/** One place in the app. */
export type Route =
  | { readonly screen: 'list'; readonly model: string }
  /** `recordKey`: the record's key object (its `id`, or every field of a custom primary key); null = new. */
  | { readonly screen: 'form'; readonly model: string; readonly recordKey: KeyObject | null }
  | { readonly screen: 'review' }
  /** A rejected review item's version in the record form, resubmitted through the inbox. */
  | { readonly screen: 'resubmit'; readonly model: string; readonly item: ReviewItem }
  | { readonly screen: 'trash' }
  /** What sync did since Outpost started (the Sync activity screen). */
  | { readonly screen: 'activity' }
  | { readonly screen: 'settings' }
  | { readonly screen: 'signIn' };

/** The route on screen: `route`, else the first model's list, else Settings (a schema with no models to list). */
export function shownRoute(route: Route | null, firstModel: string | undefined): Route {
  return route ?? (firstModel ? { screen: 'list', model: firstModel } : { screen: 'settings' });
}

/** The model a route shows (its list, form or resubmit), or undefined. */
export function routeModel(route: Route): string | undefined {
  return 'model' in route ? route.model : undefined;
}

/** True when Ctrl+N on `route` opens a new record (a list or a form of a model). */
export function offersNew(route: Route | null): route is Extract<Route, { screen: 'list' | 'form' }> {
  return route !== null && (route.screen === 'list' || route.screen === 'form');
}
