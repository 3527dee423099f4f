// `device list|revoke`: the devices users signed in on (server/auth/devices.ts), for an operator
// to end a lost or stolen laptop's access. Registered with the other auth commands.
import type { Command } from 'commander';
import { NotFound } from '../../common/errors.js';
import type { AuthCommands } from './auth-cli.js';
import { iso, table } from './auth-cli.js';

/** Registers `device list [--user]` and `device revoke <username> <deviceId>` on `program`. */
export function registerDeviceCommands(program: Command, cli: AuthCommands): void {
  const { stdout } = cli;
  const device = program.command('device').description('manage the devices users signed in on (revoking one ends its access at once)');

  cli
    .leaf(device, 'list', 'list devices, most recently seen first')
    .option('--user <username>', "only this user's devices")
    .option('--json', 'print JSON instead of a table')
    .action(
      cli.withStore(async (store, options: { user?: string; json?: boolean }) => {
        let userId: string | undefined;
        if (options.user !== undefined) {
          const found = await store.getUser(options.user);
          if (!found) throw new NotFound(`no user named "${options.user.toLowerCase()}"`);
          userId = found.id;
        }
        const [devices, users] = await Promise.all([store.listDevices(userId), store.listUsers()]);
        const names = new Map(users.map((u) => [u.id, u.username]));
        const rows = devices.map((d) => ({ ...d, username: names.get(d.userId) ?? d.userId }));
        if (options.json) stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else if (rows.length === 0) stdout.write('No devices yet: a device is listed once the app signs in from it\n');
        else
          stdout.write(
            table(
              ['user', 'device id', 'name', 'first sign-in', 'last seen', 'sessions', 'status'],
              rows.map((d) => [
                d.username,
                d.deviceId,
                d.name,
                iso(d.createdAt),
                iso(d.lastSeenAt),
                String(d.liveSessions),
                d.revokedAt === null ? 'allowed' : `revoked ${iso(d.revokedAt)}`,
              ]),
            ),
          );
      }),
    );

  cli
    .leaf(device, 'revoke', 'revoke a device: its sessions end now, it cannot sign in again, and the app wipes that profile when it next connects')
    .argument('<username>')
    .argument('<deviceId>', 'from device list')
    .action(
      cli.withStore(async (store, username: string, deviceId: string) => {
        const found = await store.getUser(username);
        if (!found) throw new NotFound(`no user named "${username.toLowerCase()}"`);
        const ended = await store.revokeDevice(found.id, deviceId);
        stdout.write(`Revoked device ${deviceId} of ${found.username}: ${ended} session${ended === 1 ? '' : 's'} ended\n`);
      }),
    );
}
