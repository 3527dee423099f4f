// The official Amplify DataStore compat suite under AUTOMERGE (AppSync's rules, as a migrating team configures it).
import { defineAmplifyDataStoreSuite } from './amplify-datastore-suite.js';

defineAmplifyDataStoreSuite('AUTOMERGE');
