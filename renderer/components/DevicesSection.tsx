// Settings' "Devices" section (Outpost account profiles): this device's name and id, and the user's
// other devices from the server with "Sign out that device". Offline, this device is still shown
// and main's words say why the list is missing.
import { useCallback, useEffect, useState } from 'react';
import type { ResponseOf } from '../../common/ipc/contract.js';
import { api } from '../api.js';
import { canSignOutDevice, deviceRows, deviceStateText, signedOutDeviceText, type DeviceRow } from '../devices-view.js';

/** The devices section; asks main for the list when shown and after each sign-out. */
export function DevicesSection() {
  const [answer, setAnswer] = useState<ResponseOf<'devices'> | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    try {
      setAnswer(await api.devices());
    } catch (error) {
      setAnswer({ thisDevice: null, devices: null, problem: error instanceof Error ? error.message : String(error) });
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  if (answer === null) return null;
  // An API-key or offline profile has no devices: the section is not shown at all.
  if (answer.thisDevice === null && answer.devices === null) return null;

  const signOut = async (deviceId: string, name: string): Promise<void> => {
    setBusy(true);
    try {
      const { sessionsEnded } = await api.revokeDevice({ deviceId });
      setMessage(signedOutDeviceText(name, sessionsEnded));
      await load();
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-label="Devices">
      <h2>Devices</h2>
      {answer.thisDevice && (
        <dl className="facts">
          <dt>This device</dt>
          <dd>{answer.thisDevice.name}</dd>
          <dt>Device id</dt>
          <dd>
            <code>{answer.thisDevice.deviceId ?? 'not registered (signed in before devices were kept): sign in again to register it'}</code>
          </dd>
        </dl>
      )}
      {answer.problem && (
        <p className="notice-inline" role="status">
          {answer.problem}
        </p>
      )}
      {message && (
        <p className="notice-inline" role="status">
          {message}
        </p>
      )}
      {answer.devices && <DevicesTable devices={answer.devices} busy={busy} onSignOut={(d) => void signOut(d.deviceId, d.name)} />}
    </section>
  );
}

/** The user's devices, this one first, each other allowed one with "Sign out that device". */
function DevicesTable(props: { devices: readonly DeviceRow[]; busy: boolean; onSignOut: (device: DeviceRow) => void }) {
  return (
    <table className="records" aria-label="Your devices">
      <thead>
        <tr>
          <th>Device</th>
          <th>State</th>
          <th>Last seen</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {deviceRows(props.devices).map((d) => (
          <tr key={d.deviceId} data-device-id={d.deviceId}>
            <td>
              {d.name} <code className="muted">{d.deviceId.slice(0, 8)}</code>
            </td>
            <td>{deviceStateText(d)}</td>
            <td>{new Date(d.lastSeenAt).toLocaleString()}</td>
            <td>
              {canSignOutDevice(d) && (
                <button className="danger-outline" disabled={props.busy} onClick={() => props.onSignOut(d)}>
                  Sign out that device
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
