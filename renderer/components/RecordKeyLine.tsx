// A record's key as the review inbox shows it for a custom primary key: its parts in key order,
// a related record by its label instead of its id.
import { Fragment } from 'react';
import type { KeyObject } from '../../common/schema/record-key.js';
import type { ModelDef, Schema } from '../../common/schema/types.js';
import { keyParts } from '../review-inbox-view.js';
import { RelatedLabel } from './RelatedLabel.js';

/** "North 1 · 2026-05-06 · 1" for the key `recordKey` of `model`. */
export function RecordKeyLine(props: { schema: Schema; model: ModelDef; recordKey: KeyObject }) {
  return (
    <>
      {keyParts(props.model, props.recordKey).map((part, i) => (
        <Fragment key={i}>
          {i > 0 && ' · '}
          {part.kind === 'related' ? <RelatedLabel schema={props.schema} model={part.model} recordKey={part.key} /> : part.text}
        </Fragment>
      ))}
    </>
  );
}
