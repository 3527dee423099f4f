// The plain decisions of device revocation on the desktop: the device a sign-in names, reading the
// server's "this device is revoked" answer, the words after the wipe and in Settings, and the token
// session telling once that a refresh was refused because the device was revoked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutpostError, Unauthorized } from '../../../common/errors.js';
import { devicesProblem, noDevicesReason } from '../../../main/app/device-list.js';
import { revokedMessage } from '../../../main/app/device-revocation.js';
import { devicesFrom } from '../../../main/auth/device-client.js';
import { DEVICE_ID_PATTERN, deviceClaimFor, deviceNameFor, isDeviceRevoked } from '../../../main/auth/device-identity.js';
import { memoryCredentialStore } from '../../../main/auth/credential-store.js';
import { reasonOf, refreshTokens, type Fetch } from '../../../main/auth/token-client.js';
import { createTokenSession } from '../../../main/auth/token-session.js';
import { canSignOutDevice, deviceRows, deviceStateText, signedOutDeviceText, type DeviceRow } from '../../../renderer/devices-view.js';

test('deviceNameFor: "Outpost on <host>", trimmed, a name for an empty host, at most 200 characters', () => {
  for (const [host, name] of [
    ['field-laptop-3', 'Outpost on field-laptop-3'],
    ['  tablet ', 'Outpost on tablet'],
    ['', 'Outpost on this computer'],
  ])
    assert.equal(deviceNameFor(host), name);
  assert.equal(deviceNameFor('h'.repeat(300)).length, 200);
});

test('deviceClaimFor keeps a valid kept id, makes a fresh UUID for none or a malformed one', () => {
  const kept = '6f1c2d3e-aaaa-bbbb-cccc-1234567890ab';
  assert.deepEqual(deviceClaimFor({ deviceId: kept }, 'pc'), { deviceId: kept, deviceName: 'Outpost on pc' });
  for (const bad of [undefined, { deviceId: undefined }, { deviceId: 'short' }, { deviceId: 'has spaces in it' }]) {
    const claim = deviceClaimFor(bad, 'pc');
    assert.match(claim.deviceId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(DEVICE_ID_PATTERN.test(claim.deviceId));
  }
  assert.notEqual(deviceClaimFor(undefined).deviceId, deviceClaimFor(undefined).deviceId);
});

test('isDeviceRevoked: only an error whose reason is deviceRevoked', () => {
  const cases: Array<[unknown, boolean]> = [
    [new Unauthorized('revoked', { reason: 'deviceRevoked' }), true],
    [new OutpostError('Unauthorized', 'x', { status: 401, reason: 'deviceRevoked' }), true],
    [new Unauthorized('expired', { reason: 'expired' }), false],
    [new Unauthorized('no reason'), false],
    [new Error('deviceRevoked'), false],
    [{ details: { reason: 'deviceRevoked' } }, false],
  ];
  for (const [error, expected] of cases) assert.equal(isDeviceRevoked(error), expected, String(error));
});

test('reasonOf reads error.reason of an auth route answer', () => {
  const cases: Array<[string, string | undefined]> = [
    ['{"error":{"code":"Unauthorized","message":"m","reason":"deviceRevoked"}}', 'deviceRevoked'],
    ['{"error":{"code":"Unauthorized","message":"m"}}', undefined],
    ['{"error":"invalid_grant"}', undefined],
    ['not json', undefined],
  ];
  for (const [body, reason] of cases) assert.equal(reasonOf(body), reason, body);
});

test('revokedMessage says the data was removed and how many changes are lost', () => {
  const head = 'This device was revoked by your administrator. Its local data was removed';
  const cases: Array<[number | null, string]> = [
    [3, `${head}: 3 changes that had not reached the server are lost.`],
    [1, `${head}: 1 change that had not reached the server is lost.`],
    [1200, `${head}: 1,200 changes that had not reached the server are lost.`],
    [0, `${head}: every change had reached the server, none was lost.`],
    [null, `${head}.`],
  ];
  for (const [lost, text] of cases) assert.equal(revokedMessage(lost), text);
});

test('noDevicesReason and devicesProblem: plain words for no list', () => {
  assert.equal(noDevicesReason('password'), null);
  assert.match(noDevicesReason('apiKey')!, /API key/);
  assert.match(noDevicesReason('offline')!, /offline profile/);
  assert.equal(
    devicesProblem('http://outpost.example:4000', new OutpostError('NetworkError', 'cannot reach')),
    'Cannot reach outpost.example:4000: the list of your devices needs the server. Try again when this computer is online.',
  );
  assert.match(devicesProblem('http://h', new OutpostError('NotFound', 'x')), /does not keep devices/);
  assert.equal(devicesProblem('http://h', new Unauthorized('Token has been revoked')), 'Token has been revoked');
});

test('devicesFrom reads the list and names what is missing', () => {
  const listed = devicesFrom('http://h', {
    devices: [{ deviceId: 'abcdefgh', name: 'Outpost on a', createdAt: 1, lastSeenAt: 2, revokedAt: null, liveSessions: 1, current: true, userId: 'u' }],
  });
  assert.deepEqual(listed, [{ deviceId: 'abcdefgh', name: 'Outpost on a', createdAt: 1, lastSeenAt: 2, revokedAt: null, liveSessions: 1, current: true }]);
  assert.throws(() => devicesFrom('http://h', {}), /without a devices list/);
  assert.throws(() => devicesFrom('http://h', { devices: [{ name: 'x' }] }), /without deviceId and name/);
});

const row = (over: Partial<DeviceRow>): DeviceRow => ({
  deviceId: 'dev-0000',
  name: 'd',
  createdAt: 0,
  lastSeenAt: 0,
  revokedAt: null,
  liveSessions: 1,
  current: false,
  ...over,
});

test('devices-view: states, who can be signed out, row order, the words after signing one out', () => {
  const cases: Array<[Partial<DeviceRow>, string, boolean]> = [
    [{ current: true }, 'This device', false],
    [{ revokedAt: 5 }, 'Signed out by you or an administrator', false],
    [{ liveSessions: 2 }, 'Signed in', true],
    [{ liveSessions: 0 }, 'Not signed in', true],
  ];
  for (const [over, text, can] of cases) {
    assert.equal(deviceStateText(row(over)), text);
    assert.equal(canSignOutDevice(row(over)), can);
  }
  const order = deviceRows([
    row({ deviceId: 'revoked1', revokedAt: 1, lastSeenAt: 99 }),
    row({ deviceId: 'older111', lastSeenAt: 1 }),
    row({ deviceId: 'current1', current: true, lastSeenAt: 0 }),
    row({ deviceId: 'newer111', lastSeenAt: 5 }),
  ]).map((d) => d.deviceId);
  assert.deepEqual(order, ['current1', 'newer111', 'older111', 'revoked1']);
  assert.equal(
    signedOutDeviceText('Outpost on tablet', 1),
    'Outpost on tablet is signed out (1 sign-in ended). Its local data is removed when it next reaches the server.',
  );
  assert.match(signedOutDeviceText('x', 0), /0 sign-ins ended/);
});

test('the token session tells once that a refresh was refused because the device was revoked, and still rejects', async () => {
  const answers = [
    { status: 401, body: '{"error":{"code":"Unauthorized","message":"This device was revoked","reason":"deviceRevoked"}}' },
    { status: 401, body: '{"error":{"code":"Unauthorized","message":"This device was revoked","reason":"deviceRevoked"}}' },
  ];
  const fetchImpl: Fetch = async () => {
    const next = answers.shift()!;
    return { status: next.status, text: async () => next.body };
  };
  let told = 0;
  const session = createTokenSession({
    server: 'http://h',
    user: 'ana',
    credentials: memoryCredentialStore(),
    refreshToken: 'rt',
    fetch: fetchImpl,
    onDeviceRevoked: () => told++,
  });
  await assert.rejects(session.refresh(), (e: unknown) => isDeviceRevoked(e) && /This device was revoked/.test((e as Error).message));
  await assert.rejects(session.accessToken(), (e: unknown) => isDeviceRevoked(e));
  assert.equal(told, 1);
  // Another refusal (an expired token) is not a revocation.
  const expired: Fetch = async () => ({ status: 401, text: async () => '{"error":{"code":"Unauthorized","message":"expired","reason":"expired"}}' });
  await assert.rejects(refreshTokens('http://h', 'rt', expired), (e: unknown) => !isDeviceRevoked(e) && (e as OutpostError).details?.reason === 'expired');
});
