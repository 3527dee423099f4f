// The load bench's schema (issue 16): public Post and Comment, reached with an API key, so the
// write path is measured without owner rules.
export const LOAD_SDL = `
type Post @model @auth(rules: [{ allow: public }]) {
  id: ID!
  title: String!
  status: String
  rating: Int
  comments: [Comment] @hasMany(indexName: "byPost", fields: ["id"])
}
type Comment @model @auth(rules: [{ allow: public }]) {
  id: ID!
  postID: ID! @index(name: "byPost")
  content: String
  rank: Int
  post: Post @belongsTo(fields: ["postID"])
}
`;

/** One load client process's result (load-client.ts prints it as one JSON line). */
export interface LoadResult {
  /** Answered mutations (HTTP 200 without errors). */
  readonly mutations: number;
  readonly seconds: number;
  /** Latency of every answered mutation, ms, unsorted. */
  readonly latenciesMs: number[];
  /** Requests refused with 503/429 (the overload answer). */
  readonly refused: number;
  /** Requests with no answer within the client's timeout. */
  readonly timeouts: number;
  /** Any other failure, with its first message. */
  readonly errors: number;
  readonly firstError: string | null;
}

/** What the bench tells a load client process (argv[2], JSON). */
export interface LoadPlan {
  /** GraphQL URLs; client i uses urls[i % urls.length]. */
  readonly urls: readonly string[];
  readonly apiKey: string;
  readonly clients: number;
  readonly seconds: number;
  readonly maxMutations: number;
  /** A request unanswered this long counts as a timeout, ms. */
  readonly timeoutMs: number;
}
