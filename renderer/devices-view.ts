// What the Settings devices section says, as plain functions over data: each device's state and
// when it was last seen, the rows in the order shown, and the words after signing one out.
import type { ResponseOf } from '../common/ipc/contract.js';

export type DeviceRow = NonNullable<ResponseOf<'devices'>['devices']>[number];

/** "This device", "Signed out", "Signed in", "Not signed in" (no live session left). */
export function deviceStateText(device: Pick<DeviceRow, 'current' | 'revokedAt' | 'liveSessions'>): string {
  if (device.current) return 'This device';
  if (device.revokedAt !== null) return 'Signed out by you or an administrator';
  return device.liveSessions > 0 ? 'Signed in' : 'Not signed in';
}

/** Whether "Sign out that device" is offered: another device that is not revoked yet. */
export function canSignOutDevice(device: Pick<DeviceRow, 'current' | 'revokedAt'>): boolean {
  return !device.current && device.revokedAt === null;
}

/** The rows as shown: this device first, then the others still allowed, then revoked ones; each group most recently seen first. */
export function deviceRows(devices: readonly DeviceRow[]): DeviceRow[] {
  const rank = (d: DeviceRow): number => (d.current ? 0 : d.revokedAt === null ? 1 : 2);
  return [...devices].sort((a, b) => rank(a) - rank(b) || b.lastSeenAt - a.lastSeenAt || a.deviceId.localeCompare(b.deviceId));
}

/** The line after signing `name` out. */
export function signedOutDeviceText(name: string, sessionsEnded: number): string {
  const ended = sessionsEnded === 1 ? '1 sign-in ended' : `${sessionsEnded.toLocaleString('en-US')} sign-ins ended`;
  return `${name} is signed out (${ended}). Its local data is removed when it next reaches the server.`;
}
