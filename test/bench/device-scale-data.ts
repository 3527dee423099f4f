// The records of device-scale.bench.ts, made the same way in the server host and the bench: the
// example schema's Site / Inspection / Observation (1 : 9 : 40), each Inspection of a Site and
// each Observation of an Inspection, with text a field app would hold.
/** Records per model for `total` records in all (the mix above, Observations take the remainder). */
export function deviceMix(total: number): Map<string, number> {
  const sites = Math.max(1, Math.round(total / 50));
  const inspections = Math.max(1, Math.round((total * 9) / 50));
  return new Map([
    ['Site', sites],
    ['Inspection', inspections],
    ['Observation', Math.max(0, total - sites - inspections)],
  ]);
}

const WORDS = ['north', 'south', 'ridge', 'river', 'école', 'forêt', 'quarry', 'plot', 'marsh', 'hill', 'bank', 'field', 'culvert', 'pylon', 'weir', 'gate'];
const STATUS = ['DRAFT', 'IN_PROGRESS', 'SUBMITTED', 'APPROVED'];
const SEVERITY = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const word = (n: number) => WORDS[n % WORDS.length]!;
const pad = (n: number) => String(n).padStart(7, '0');

/** Record `i` of `model` (ids `site-0000001`, …), owned by `owner`, as the server stores it (`_version` 1). */
export function deviceRecord(model: string, i: number, mix: ReadonlyMap<string, number>, owner: string, now: number): Record<string, unknown> {
  const at = new Date(now - i * 1000).toISOString();
  const meta = { owner, createdAt: at, updatedAt: at, _version: 1, _lastChangedAt: now - i * 10, _deleted: null };
  if (model === 'Site') {
    return {
      id: `site-${pad(i)}`,
      name: `${word(i)} ${word(i * 7)} site ${i}`,
      code: `S${i % 9973}`,
      location: { latitude: 45 + (i % 1000) / 1000, longitude: 6 + (i % 777) / 1000, accuracyMeters: 5 },
      tags: [word(i * 3), word(i * 5)],
      ...meta,
    };
  }
  if (model === 'Inspection') {
    return {
      id: `insp-${pad(i)}`,
      siteID: `site-${pad(i % (mix.get('Site') ?? 1))}`,
      title: `Inspection of ${word(i)} ${word(i * 11)} ${i}`,
      status: STATUS[i % 4],
      score: i % 101,
      notes: i % 3 === 0 ? null : `Checked the ${word(i * 13)} and the ${word(i * 17)}; nothing unusual at visit ${i}.`,
      inspectedAt: at,
      attachments: null,
      ...meta,
    };
  }
  return {
    id: `obs-${pad(i)}`,
    inspectionID: `insp-${pad(i % (mix.get('Inspection') ?? 1))}`,
    category: word(i * 3),
    severity: SEVERITY[i % 4],
    description: `Observed ${word(i)} wear near the ${word(i * 7)} (${i}).`,
    measurements: [i % 100, (i * 7) % 100, 0.5],
    resolved: i % 5 === 0,
    photoUrl: null,
    photos: null,
    ...meta,
  };
}
