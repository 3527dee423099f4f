// The sort key "newest first" lists use: not a field of any model but the time of a record's last
// change, on this device (a local save) or on the server (`_lastChangedAt`), whichever is later. A
// record created offline has no server time and sorts by its local one, so it comes first.

/** The sort field meaning "time of the last local or remote change" (ms since the epoch). */
export const CHANGED_AT_SORT_FIELD = '_changedAt';
