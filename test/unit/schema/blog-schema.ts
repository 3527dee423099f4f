// A second schema, unlike the example app's, shared by the schema tests: custom and composite
// primary keys, @hasOne, self-reference, renamed/disabled timestamps, explicit owner field,
// groups/public/private/custom rules with providers, @model(subscriptions:), enum lists, AWSJSON.

/** Blog/Post/Comment/Author/Profile in Amplify SDL. */
export const BLOG_SDL = /* GraphQL */ `
enum PostStatus { DRAFT PUBLISHED ARCHIVED }
enum Topic { NEWS TECH LIFE }

# Declared children-first on purpose: modelOrder must still put parents first.
type Comment @model @auth(rules: [{ allow: owner, operations: [create, read] }, { allow: custom }]) {
  postID: ID! @primaryKey(sortKeyFields: ["number"]) @index(name: "byPost", sortKeyFields: ["number"], queryField: "commentsByPost")
  number: Int!
  post: Post @belongsTo(fields: ["postID"])
  body: String!
  owner: String
}

type Post @model(timestamps: null) @auth(rules: [
  { allow: groups, groupsField: "editors", operations: [update, read] }
  { allow: owner, ownerField: "author", identityClaim: "sub" }
]) {
  id: ID!
  blogSlug: String! @index(name: "byBlog", sortKeyFields: ["publishedOn"])
  blog: Blog @belongsTo(fields: ["blogSlug"])
  previousID: ID
  previous: Post @belongsTo(fields: ["previousID"])
  title: String!
  status: PostStatus!
  topics: [Topic!]!
  publishedOn: AWSDate
  metadata: AWSJSON
  editors: [String]
  comments: [Comment] @hasMany(indexName: "byPost")
}

type Blog @model(subscriptions: { level: public, onCreate: ["onNewBlog"] }) @auth(rules: [
  { allow: groups, groups: ["Admin", "Editors"] }
  { allow: public, provider: iam, operations: [read, listen] }
  { allow: private, provider: iam, operations: [read] }
]) {
  slug: String! @primaryKey
  title: String!
  posts: [Post] @hasMany(indexName: "byBlog", fields: ["slug"])
  settings: BlogSettings
}

type BlogSettings { theme: String languages: [String!] contact: AWSEmail }

type Author @model(timestamps: { createdAt: "joinedOn", updatedAt: null }) @auth(rules: [{ allow: private }]) {
  id: ID!
  name: String!
  profileID: ID
  profile: Profile @hasOne(fields: ["profileID"])
}

type Profile @model(subscriptions: null) {
  id: ID!
  bio: String
  website: AWSURL
}
`;
