// The official Amplify DataStore compat suite under the server's default strategy, FIELD_MERGE.
import { defineAmplifyDataStoreSuite } from './amplify-datastore-suite.js';

defineAmplifyDataStoreSuite('FIELD_MERGE');
