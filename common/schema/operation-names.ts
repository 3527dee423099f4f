// The GraphQL names AppSync generates for a model (PROTOCOL.md §1). DataStore hard-codes these
// patterns, so every part of the server derives names here and nowhere else.
import type { ModelDef } from './types.js';

/** Every generated name for one model, e.g. `syncSites`, `ModelSiteFilterInput`. */
export interface ModelOperationNames {
  readonly get: string;
  readonly list: string;
  readonly sync: string;
  readonly create: string;
  readonly update: string;
  readonly delete: string;
  readonly onCreate: string;
  readonly onUpdate: string;
  readonly onDelete: string;
  readonly connection: string;
  readonly filterInput: string;
  readonly conditionInput: string;
  readonly subscriptionFilterInput: string;
  readonly createInput: string;
  readonly updateInput: string;
  readonly deleteInput: string;
}

/** Generated operation and type names for `model` (plural from `model.pluralName`). */
export function operationNamesOf(model: Pick<ModelDef, 'name' | 'pluralName'>): ModelOperationNames {
  const t = model.name;
  const ts = model.pluralName;
  return {
    get: `get${t}`,
    list: `list${ts}`,
    sync: `sync${ts}`,
    create: `create${t}`,
    update: `update${t}`,
    delete: `delete${t}`,
    onCreate: `onCreate${t}`,
    onUpdate: `onUpdate${t}`,
    onDelete: `onDelete${t}`,
    connection: `Model${t}Connection`,
    filterInput: `Model${t}FilterInput`,
    conditionInput: `Model${t}ConditionInput`,
    subscriptionFilterInput: `ModelSubscription${t}FilterInput`,
    createInput: `Create${t}Input`,
    updateInput: `Update${t}Input`,
    deleteInput: `Delete${t}Input`,
  };
}
