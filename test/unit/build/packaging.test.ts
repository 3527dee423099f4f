// What `npm run dist` packages, checked without an Electron binary: electron-builder.yml passes
// electron-builder's own configuration validation; fuses, publish feed, mac targets, entitlements,
// usage strings, icons and deb metadata are as issue 11 asks; and app.asar — the `files` globs
// applied by electron-builder's own matcher to a real build, plus the production closure of
// package.json `dependencies` — holds nothing server-only or dev-only, while every package the
// main bundle loads at run time is in it. Where an Electron binary is installed, the last test
// runs `electron-builder --dir` and inspects the app it produces.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import yaml from 'js-yaml';
import { buildApp, MAIN_METAFILE, mainExternals } from '../../../scripts/build.js';
import { nodeGypEnv } from '../../../scripts/native-abi.js';
import { meetsNodeVersion, PACKAGING_NODE } from '../../../scripts/node-version.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

interface PackageJson {
  name: string;
  homepage?: string;
  author?: string | { name: string; email?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
/** The parts of electron-builder's Configuration this suite reads (the full type lives in app-builder-lib). */
interface BuilderConfig {
  directories: { buildResources: string; output: string };
  files: string[];
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  publish: { provider: string; url: string; channel: string };
  icon?: string;
  mac: { target: string[]; icon: string; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string; extendInfo: Record<string, string> };
  win: { icon: string };
  linux: { target: string[]; icon: string; maintainer?: string };
  deb?: { maintainer?: string };
}

// electron-builder's internals are reached through electron-builder itself (a declared
// devDependency), so the checks below run the same code, at the same version, as `npm run dist`.
const fromBuilder = createRequire(createRequire(join(root, 'package.json')).resolve('electron-builder/package.json'));
const fromAppBuilderLib = createRequire(fromBuilder.resolve('app-builder-lib/package.json'));
const appBuilderLib = <T>(path: string): T => fromAppBuilderLib(`app-builder-lib/${path}`) as T;

const { validateConfiguration } = appBuilderLib<{
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
}>('out/util/config/config.js');
const { expandMacro } = appBuilderLib<{ expandMacro(pattern: string, arch: string | null, appInfo: object): string }>('out/util/macroExpander.js');
const { FileMatcher } = appBuilderLib<{
  FileMatcher: new (
    from: string,
    to: string,
    macroExpander: (pattern: string) => string,
    patterns: string[],
  ) => {
    createFilter(): (file: string, stat: Stats) => boolean;
  };
}>('out/fileMatcher.js');
const { convertIcon } = appBuilderLib<{
  convertIcon(options: { sources: string[]; fallbackSources: string[]; roots: string[]; format: 'set'; outDir: string }): Promise<{
    icons: Array<{ file: string; size: number }>;
    isFallback: boolean;
  }>;
}>('out/util/iconConverter.js');

const noDebugLog = { isEnabled: false, add: () => {} };

test('electron-builder.yml passes electron-builder 26’s own schema validation, and a misspelt option does not', async () => {
  await validateConfiguration(structuredClone(config), noDebugLog);
  const misspelt = { ...structuredClone(config), electronFuses: { ...config.electronFuses, runAsnode: false } };
  await assert.rejects(validateConfiguration(misspelt, noDebugLog), /configuration\.electronFuses/);
});

test('fuses: no run-as-Node, NODE_OPTIONS or inspector; asar-only with integrity; encrypted cookies; no file:// privileges', () => {
  assert.deepEqual(config.electronFuses, {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
  });
});

test('publish: a generic feed on the `latest` channel whose URL comes from OUTPOST_UPDATE_URL; unset, electron-builder refuses to expand it', () => {
  assert.equal(config.publish.provider, 'generic');
  assert.equal(config.publish.channel, 'latest');
  const saved = process.env.OUTPOST_UPDATE_URL;
  try {
    process.env.OUTPOST_UPDATE_URL = 'https://outpost.example.org/updates';
    assert.equal(expandMacro(config.publish.url, null, {}), 'https://outpost.example.org/updates');
    delete process.env.OUTPOST_UPDATE_URL;
    assert.throws(
      () => expandMacro(config.publish.url, null, {}),
      (error: { code?: string }) => error.code === 'ERR_ELECTRON_BUILDER_ENV_NOT_DEFINED',
    );
  } finally {
    if (saved === undefined) delete process.env.OUTPOST_UPDATE_URL;
    else process.env.OUTPOST_UPDATE_URL = saved;
  }
});

test('mac: dmg for installing and zip for electron-updater, under the hardened runtime', () => {
  assert.ok(config.mac.target.includes('dmg'));
  assert.ok(config.mac.target.includes('zip'), 'electron-updater updates a macOS app from the zip');
  assert.equal(config.mac.hardenedRuntime, true);
});

test('mac: entitlements are well-formed plists granting JIT, camera and location; usage strings explain both', () => {
  for (const file of [config.mac.entitlements, config.mac.entitlementsInherit]) {
    const entitlements = readPlistDict(join(root, file));
    for (const key of ['com.apple.security.cs.allow-jit', 'com.apple.security.device.camera', 'com.apple.security.personal-information.location']) {
      assert.equal(entitlements[key], true, `${file} grants ${key}`);
    }
  }
  for (const key of ['NSCameraUsageDescription', 'NSLocationWhenInUseUsageDescription']) {
    const text = config.mac.extendInfo[key];
    assert.ok(typeof text === 'string' && text.length >= 20 && text.startsWith('Outpost'), `${key} says in words why Outpost asks`);
  }
});

test('the plist check rejects malformed XML and a plist that is not a dict of booleans', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-plist-'));
  try {
    writeFileSync(join(dir, 'broken.plist'), '<?xml version="1.0"?><plist version="1.0"><dict><key>a</key><true/></plist>');
    assert.throws(() => readPlistDict(join(dir, 'broken.plist')), /not well-formed/);
    writeFileSync(join(dir, 'array.plist'), '<?xml version="1.0"?><plist version="1.0"><array/></plist>');
    assert.throws(() => readPlistDict(join(dir, 'array.plist')), /dict/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('icons: a 1024×1024 icon.png for macOS and Windows, and a Linux set electron-builder resolves to correctly sized PNGs', async () => {
  const resources = join(root, config.directories.buildResources);
  assert.equal(config.mac.icon, 'icon.png');
  assert.equal(config.win.icon, 'icon.png');
  assert.deepEqual(pngSize(join(resources, 'icon.png')), { width: 1024, height: 1024 });
  assert.ok(existsSync(join(resources, 'icon.svg')), 'the PNGs are rendered from packaging/icon.svg');

  const outDir = mkdtempSync(join(tmpdir(), 'outpost-icons-'));
  try {
    const { icons, isFallback } = await convertIcon({ sources: [config.linux.icon], fallbackSources: [], roots: [resources, root], format: 'set', outDir });
    assert.equal(isFallback, false);
    assert.deepEqual(
      icons.map((icon) => icon.size),
      [16, 24, 32, 48, 64, 128, 256, 512, 1024],
    );
    for (const icon of icons) assert.deepEqual(pngSize(icon.file), { width: icon.size, height: icon.size }, icon.file);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});

test('deb: a maintainer with an e-mail address and a homepage, as fpm requires', () => {
  assert.ok(config.linux.target.includes('deb'));
  // electron-builder's FpmTarget: options.maintainer, else package.json author as "name <email>".
  const author = packageJson.author;
  const maintainer =
    config.deb?.maintainer ?? config.linux.maintainer ?? (typeof author === 'object' && author.email ? `${author.name} <${author.email}>` : undefined);
  assert.match(maintainer ?? '', /^[^<>]+ <[^@\s]+@[^@\s>]+>$/);
  assert.match(packageJson.homepage ?? '', /^https:\/\//);
});

test('asarUnpack keeps only native addons outside the archive', () => {
  assert.deepEqual(config.asarUnpack, ['**/*.node']);
});

test('app.asar over a real build: dist/ without maps, metafile or bridges, package.json, and only the runtime dependency closure', async () => {
  const project = mkdtempSync(join(tmpdir(), 'outpost-packaging-'));
  try {
    await buildApp(['renderer', 'main', 'preload', 'bridge'], join(project, 'dist'));
    writeFileSync(join(project, 'package.json'), JSON.stringify(packageJson));
    assert.ok(existsSync(join(project, 'dist/bridge')) && existsSync(join(project, 'dist', MAIN_METAFILE)), 'the build wrote what must be left out');

    const shipped = filesMatched(project, config.files);
    assert.ok(shipped.includes('package.json'));
    for (const entry of ['dist/main/index.js', 'dist/preload/index.cjs', 'dist/renderer/index.html', 'dist/schema/schema.graphql']) {
      assert.ok(shipped.includes(entry), `${entry} is packaged`);
    }
    assert.deepEqual(
      shipped.filter((file) => file !== 'package.json' && !file.startsWith('dist/')),
      [],
    );
    assert.deepEqual(
      shipped.filter((file) => file.endsWith('.map') || file.startsWith('dist/bridge/') || file === `dist/${MAIN_METAFILE}`),
      [],
    );

    const closure = productionClosure(root, packageJson);
    for (const name of [
      'react',
      'react-dom',
      'pg',
      'commander',
      'vite',
      'typescript',
      'playwright-core',
      'esbuild',
      'tsx',
      'electron',
      'electron-builder',
      'kysely',
      'zod',
      'graphql',
      'ws',
    ]) {
      assert.ok(!closure.has(name), `${name} is bundled, server-only or dev-only and must not be in app.asar`);
    }
    for (const name of mainExternals(packageJson).filter((name) => name !== 'electron')) assert.ok(closure.has(name), `${name} is installed`);

    const metafile = JSON.parse(readFileSync(join(project, 'dist', MAIN_METAFILE), 'utf8')) as Metafile;
    const bundled = Object.keys(metafile.inputs);
    assert.deepEqual(
      bundled.filter((input) => input.startsWith('server/') || /node_modules\/(react|react-dom|pg|commander)\//.test(input)),
      [],
      'main bundles no server code and no renderer or server libraries',
    );
    const output = Object.values(metafile.outputs).find((out) => out.entryPoint === 'main/index.ts');
    assert.ok(output, 'the metafile describes the main bundle');
    const runtimeImports = new Set(output.imports.filter((imported) => imported.external).map((imported) => imported.path));
    assert.ok(runtimeImports.has('electron') && runtimeImports.has('better-sqlite3'));
    const unresolved = [...runtimeImports].filter((path) => path !== 'electron' && !isBuiltin(path) && !closure.has(packageName(path)));
    assert.deepEqual(unresolved, [], 'every package main loads at run time ships in app.asar');
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

const electronBinary = join(root, 'node_modules/electron/dist');
test(
  'electron-builder --dir: the unpacked app’s app.asar and fuse wire',
  {
    skip: !existsSync(electronBinary)
      ? 'no Electron binary in node_modules/electron/dist (it cannot be downloaded here), so electron-builder cannot package; the configuration and file list are checked above instead'
      : !meetsNodeVersion(process.version, PACKAGING_NODE)
        ? `electron-builder needs Node ${PACKAGING_NODE}+ (this is ${process.version}); the configuration and file list are checked above instead`
        : false,
    timeout: 600_000,
  },
  async () => {
    // Packages the checkout's own dist/, as `npm run dist` does, into a temporary output folder.
    await buildApp();
    const output = mkdtempSync(join(tmpdir(), 'outpost-release-'));
    try {
      const result = spawnSync(
        process.execPath,
        // npmRebuild off: a rebuild in place would swap node_modules' better-sqlite3 to Electron's ABI
        // under the other test files loading it in Node (the packaged binary is npm run dist's concern).
        [fromBuilder.resolve('electron-builder/cli.js'), '--dir', '--publish', 'never', '-c.npmRebuild=false', `-c.directories.output=${output}`],
        { cwd: root, env: { ...nodeGypEnv(process.env), OUTPOST_UPDATE_URL: 'https://outpost.example.org/updates' }, encoding: 'utf8' },
      );
      assert.equal(result.status, 0, result.stderr || result.stdout);
      const resources = findResources(output);
      const asar = fromAppBuilderLib('@electron/asar') as { listPackage(archive: string, options: object): string[] };
      const entries = asar.listPackage(join(resources, 'app.asar'), {}).map((entry) => entry.split(sep).join('/'));
      assert.ok(entries.includes('/dist/main/index.js'));
      assert.deepEqual(
        entries.filter((entry) => /^\/dist\/bridge\b|\.map$|^\/server\/|^\/node_modules\/(react|react-dom|pg|commander|vite|typescript)\//.test(entry)),
        [],
      );
      const unpacked = join(resources, 'app.asar.unpacked');
      const unpackedFiles = existsSync(unpacked) ? walk(unpacked).filter((file) => statSync(join(unpacked, file)).isFile()) : [];
      assert.deepEqual(
        unpackedFiles.filter((file) => !file.endsWith('.node')),
        [],
      );
      const fuses = fromAppBuilderLib('@electron/fuses') as { getCurrentFuseWire(binary: string): Promise<Record<string, number>> };
      const wire = await fuses.getCurrentFuseWire(findExecutable(output));
      const [off, on] = [48, 49]; // FuseState.DISABLE / ENABLE
      assert.deepEqual([wire[0], wire[2], wire[3], wire[4], wire[5], wire[1], wire[7]], [off, off, off, on, on, on, off]);
      assert.ok(existsSync(join(resources, 'app-update.yml')), 'electron-updater’s feed configuration is packaged');
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  },
);

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { entryPoint?: string; imports: Array<{ path: string; external?: boolean }> }>;
}

/** Width and height from a PNG's IHDR chunk; throws unless the file starts with the PNG signature. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  assert.ok(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${file} is a PNG`);
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** A plist whose root is a dict of booleans (what entitlements files are), parsed strictly. */
function readPlistDict(file: string): Record<string, boolean> {
  const xmldom = createRequire(fromAppBuilderLib.resolve('plist'))('@xmldom/xmldom') as {
    DOMParser: new (options: { errorHandler: (level: string, message: string) => void }) => { parseFromString(xml: string, type: string): XmlNode };
  };
  const problems: string[] = [];
  const document = new xmldom.DOMParser({ errorHandler: (level, message) => problems.push(`${level}: ${message}`) }).parseFromString(
    readFileSync(file, 'utf8'),
    'text/xml',
  );
  if (problems.length > 0) throw new Error(`${file} is not well-formed XML: ${problems.join('; ')}`);
  const elements = (node: XmlNode): XmlNode[] => Array.from(node.childNodes).filter((child) => child.nodeType === 1);
  const plist = document.documentElement;
  if (plist?.nodeName !== 'plist' || elements(plist).length !== 1 || elements(plist)[0].nodeName !== 'dict') {
    throw new Error(`${file}: the root must be <plist> holding one <dict>`);
  }
  const children = elements(elements(plist)[0]);
  const dict: Record<string, boolean> = {};
  for (let i = 0; i < children.length; i += 2) {
    const [key, value] = [children[i], children[i + 1]];
    if (key.nodeName !== 'key' || !value || !['true', 'false'].includes(value.nodeName))
      throw new Error(`${file}: dict entries must be <key> then <true/> or <false/>`);
    dict[key.textContent ?? ''] = value.nodeName === 'true';
  }
  return dict;
}
interface XmlNode {
  nodeName: string;
  nodeType: number;
  textContent: string | null;
  childNodes: ArrayLike<XmlNode>;
  documentElement?: XmlNode;
}

/** Files under `project` (relative, `/`-separated) that electron-builder's FileMatcher takes for `patterns`, pruning excluded folders as its walker does. */
function filesMatched(project: string, patterns: string[]): string[] {
  const filter = new FileMatcher(project, '/', (pattern) => pattern, patterns).createFilter();
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (!filter(path, stat)) continue;
      if (stat.isDirectory()) visit(path);
      else out.push(relative(project, path).split(sep).join('/'));
    }
  };
  visit(project);
  return out;
}

/** Installed packages reachable from package.json `dependencies` (and installed optional ones), resolved as Node does; name → folder. */
function productionClosure(projectRoot: string, manifest: PackageJson): Map<string, string> {
  const found = new Map<string, string>();
  const locate = (name: string, from: string): string | null => {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dir === projectRoot || dirname(dir) === dir) return null;
    }
  };
  const visit = (names: string[], optional: string[], from: string): void => {
    for (const name of [...names, ...optional]) {
      const dir = locate(name, from);
      if (dir === null) {
        assert.ok(optional.includes(name), `${name}, needed from ${relative(projectRoot, from) || 'package.json'}, is installed`);
        continue;
      }
      if (found.has(name) && found.get(name) === dir) continue;
      found.set(name, dir);
      const child = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
      visit(Object.keys(child.dependencies ?? {}), Object.keys(child.optionalDependencies ?? {}), dir);
    }
  };
  visit(Object.keys(manifest.dependencies ?? {}), Object.keys(manifest.optionalDependencies ?? {}), projectRoot);
  return found;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

/** The resources folder of the one unpacked app electron-builder --dir wrote for this platform. */
function findResources(output: string): string {
  const app = walk(output).find((file) => file.endsWith(`${sep}app.asar`) || file === 'app.asar');
  assert.ok(app, `electron-builder wrote an app.asar under ${output}`);
  return dirname(join(output, app));
}

function findExecutable(output: string): string {
  const resources = findResources(output);
  if (process.platform === 'darwin') return join(resources, '..', '..'); // Outpost.app: @electron/fuses finds the framework in it
  return join(resources, '..', process.platform === 'win32' ? 'Outpost.exe' : 'outpost');
}
