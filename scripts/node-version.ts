// The Node version a command needs. `npm start` and `npm test` run on Node ≥ 20.19 (package.json
// engines); packaging runs electron-builder and @electron/rebuild, which need Node ≥ 22.12, so
// `npm run dist` checks that first and says so in one line instead of failing deep inside them.

/** The Node version electron-builder and @electron/rebuild require. */
export const PACKAGING_NODE = '22.12.0';

function parts(version: string): [number, number, number] {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) throw new Error(`not a Node version: ${version}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Whether Node `actual` (e.g. process.version, "v20.19.0") is at least `required` ("22.12.0"). */
export function meetsNodeVersion(actual: string, required: string): boolean {
  const a = parts(actual);
  const r = parts(required);
  for (let i = 0; i < 3; i++) if (a[i] !== r[i]) return a[i] > r[i];
  return true;
}

/** The one line telling the user what `purpose` needs, or null when `actual` is new enough. */
export function nodeVersionProblem(actual: string, required: string, purpose: string): string | null {
  return meetsNodeVersion(actual, required)
    ? null
    : `${purpose} needs Node ${required} or newer (electron-builder and @electron/rebuild require it); this is Node ${actual.replace(/^v/, '')}. npm start and npm test work on Node 20.19+.`;
}
