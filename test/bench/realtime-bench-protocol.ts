// What realtime.bench.ts and its subscriber processes share: the nine DataStore-shaped
// subscription documents, the mutations that trigger them, the IPC messages and the latency
// histogram's buckets.

/** Latency histogram: 0.1 ms buckets up to 30 s (the last bucket holds everything slower). */
export const LATENCY_BUCKET_MS = 0.1;
export const LATENCY_BUCKETS = 300_000;

const FIELDS: Readonly<Record<string, string>> = {
  Site: 'id name code location { latitude longitude accuracyMeters } tags owner createdAt updatedAt _version _lastChangedAt _deleted',
  Inspection:
    'id siteID title status score notes inspectedAt attachments { key contentType size sha256 name } owner createdAt updatedAt _version _lastChangedAt _deleted',
  Observation: 'id inspectionID category severity description measurements resolved photoUrl owner createdAt updatedAt _version _lastChangedAt _deleted',
};

export const MODELS = ['Site', 'Inspection', 'Observation'] as const;
export type BenchModel = (typeof MODELS)[number];

/** Id `<c|u|d><S|I|O>`: the subscriber reads the mutation kind from the frame's first id. */
export const SUBSCRIPTIONS: ReadonlyArray<{ id: string; query: string }> = MODELS.flatMap((model) =>
  (['Create', 'Update', 'Delete'] as const).map((kind) => ({
    id: `${kind.charAt(0).toLowerCase()}${model.charAt(0)}`,
    query: `subscription On${kind}${model}($owner: String) { on${kind}${model}(owner: $owner) { ${FIELDS[model]} } }`,
  })),
);

/** The create input of one bench record of `model`; `n` varies the values. */
export function createInput(model: BenchModel, id: string, n: number): Record<string, unknown> {
  switch (model) {
    case 'Site':
      return {
        id,
        name: `Site ${n}`,
        code: `S-${n % 1000}`,
        location: { latitude: 52.1 + n / 1e6, longitude: 4.3, accuracyMeters: 5 },
        tags: ['north', 'bench'],
      };
    case 'Inspection':
      return {
        id,
        siteID: `site-${n % 100}`,
        title: `Inspection ${n}`,
        status: 'DRAFT',
        score: n % 101,
        notes: 'routine visit',
        inspectedAt: new Date().toISOString(),
      };
    case 'Observation':
      return {
        id,
        inspectionID: `inspection-${n % 100}`,
        category: 'crack',
        severity: 'LOW',
        description: 'hairline crack by the door',
        measurements: [1.5, 2.25],
        resolved: false,
      };
  }
}

/** The update input changing one field of a bench record. */
export function updateInput(model: BenchModel, id: string, n: number): Record<string, unknown> {
  switch (model) {
    case 'Site':
      return { id, name: `Site ${n} (renamed)`, _version: 1 };
    case 'Inspection':
      return { id, status: 'IN_PROGRESS', _version: 1 };
    case 'Observation':
      return { id, resolved: true, _version: 1 };
  }
}

export type ParentMessage = { type: 'sent'; key: string; at: number } | { type: 'report' } | { type: 'reset' };

export type SubscriberMessage =
  | { type: 'ready'; connections: number; failed: number }
  | { type: 'report'; deliveries: number; histogram: Array<[number, number]>; closes: number; cpuUs: number };
