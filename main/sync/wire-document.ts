// The text of a GraphQL document as Amplify DataStore puts it on the wire: api-graphql sends
// `print(parse(query))` — over HTTP and in each real-time `start` — with its own graphql 15, whose
// `print` ends the text with a newline. Servers parse either form; sending DataStore's bytes keeps
// our requests indistinguishable from the official client's (wire-datastore-parity.test.ts).
import { parse, print, type DocumentNode } from 'graphql';

const documents = new Map<string, DocumentNode>();

/**
 * The document parsed from its wire text (`loc.source.body`), once per distinct query. urql sends
 * a parsed document's source text as it is (a string it would print again and trim).
 */
export function wireDocument(query: string): DocumentNode {
  let document = documents.get(query);
  if (document === undefined) {
    document = parse(`${print(parse(query))}\n`);
    documents.set(query, document);
  }
  return document;
}

/** The wire text of `query` (see `wireDocument`). */
export function wireText(query: string): string {
  return wireDocument(query).loc?.source.body ?? query;
}
