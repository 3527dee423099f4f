// `outpost user …` and `outpost apikey …`: account and API-key administration, registered on the
// core CLI's commander program. Every command opens the store through the caller's `openStore`
// (which knows where the database is) and closes it before returning.
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { NotFound } from '../../common/errors.js';
import type { ApiKeyInfo, AuthStore, AuthUser } from './auth-store.js';
import { registerDeviceCommands } from './device-cli.js';
import { promptNewPassword, type PromptInput } from './password-prompt.js';

/** Where the database is, from the command line: `--database sqlite:PATH|postgres://…` and `--config FILE`. */
export interface StoreLocation {
  readonly database?: string;
  readonly config?: string;
}

/** An opened auth store and how to let go of it. */
export interface OpenedAuthStore {
  readonly store: AuthStore;
  close(): Promise<void>;
}

/** Opens the auth store the command should act on; the core CLI supplies it. */
export type OpenAuthStore = (location: StoreLocation) => Promise<OpenedAuthStore>;

/** Streams the commands use; default the process's. */
export interface AuthCliIo {
  readonly stdin: PromptInput;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseGroups(value: string | undefined): string[] {
  return value === undefined
    ? []
    : value
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g.length > 0);
}

function parseDays(value: string): number {
  // Leave range checks to the store so the rule lives in one place; here only "is it a number".
  return /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
}

function keyStatus(key: ApiKeyInfo, now: number): string {
  if (key.revokedAt !== null) return `revoked ${iso(key.revokedAt)}`;
  return key.expiresAt <= now ? 'expired' : 'active';
}

function userRow(user: AuthUser): string[] {
  return [user.username, user.id, user.groups.join(',') || '-', iso(user.createdAt), user.disabled ? 'disabled' : 'active'];
}

/** What every leaf command shares: the streams, opening the store, and the common options. */
export class AuthCommands {
  constructor(
    private readonly openStore: OpenAuthStore,
    readonly stdin: PromptInput,
    readonly stdout: Writable,
    readonly stderr: Writable,
  ) {}

  /** An action that runs `run` on the store named by the command's `--database`/`--config`, closed after. */
  withStore<A extends unknown[]>(run: (store: AuthStore, ...args: A) => Promise<void>): (...args: A) => Promise<void> {
    return async (...args: A) => {
      const command = args[args.length - 1] as Command;
      const location = command.optsWithGlobals<StoreLocation>();
      let opened: OpenedAuthStore | undefined;
      try {
        opened = await this.openStore({ database: location.database, config: location.config });
        await run(opened.store, ...args);
      } finally {
        await opened?.close();
      }
    };
  }

  /** A leaf command under `parent` with `--database` and `--config`. */
  leaf(parent: Command, name: string, description: string): Command {
    return parent
      .command(name)
      .description(description)
      .option('--database <url>', 'database: sqlite:PATH or postgres://… (default: the server default)')
      .option('--config <file>', 'server config file');
  }

  /** The `--password` option's value (with a warning), else prompted for or read from standard input. */
  async passwordFrom(option: string | undefined): Promise<string> {
    if (option !== undefined) {
      this.stderr.write('warning: --password is visible to other users of this machine (process list, shell history)\n');
      return option;
    }
    return promptNewPassword(this.stdin, this.stderr);
  }
}

/**
 * Registers `user add|remove|list|passwd|groups|disable|enable` and `apikey create|list|revoke`
 * on `program`. Each leaf command accepts `--database` and `--config`, passed with the program's
 * own options to `openStore`. Failures reject `parseAsync` with the typed error (ValidationError,
 * NotFound): the caller prints `error: <message>` and exits 1, as for its own commands.
 */
export function registerAuthCommands(program: Command, openStore: OpenAuthStore, io?: Partial<AuthCliIo>): void {
  const stdin: PromptInput = io?.stdin ?? (process.stdin as Readable as PromptInput);
  const cli = new AuthCommands(openStore, stdin, io?.stdout ?? process.stdout, io?.stderr ?? process.stderr);
  registerUserCommands(program, cli);
  registerApiKeyCommands(program, cli);
  registerDeviceCommands(program, cli);
}

function registerUserCommands(program: Command, cli: AuthCommands): void {
  const { stdout } = cli;
  const user = program.command('user').description('manage built-in user accounts');

  cli
    .leaf(user, 'add', 'create a user; the password is prompted for (or read from standard input) unless --password is given')
    .argument('<username>', 'letters a-z, digits and . _ @ + - (case-insensitive)')
    .option('--password <password>', 'the password (prefer the prompt or standard input)')
    .option('--groups <groups>', 'comma-separated groups, e.g. admins,field')
    .action(
      cli.withStore(async (store, username: string, options: { password?: string; groups?: string }) => {
        const password = await cli.passwordFrom(options.password);
        const created = await store.addUser({ username, password, groups: parseGroups(options.groups) });
        stdout.write(`Created user ${created.username} (sub ${created.id})${created.groups.length ? `, groups: ${created.groups.join(', ')}` : ''}\n`);
      }),
    );

  cli
    .leaf(user, 'remove', 'delete a user and sign them out everywhere')
    .argument('<username>')
    .action(
      cli.withStore(async (store, username: string) => {
        if (!(await store.removeUser(username))) throw new NotFound(`no user named "${username.toLowerCase()}"`);
        stdout.write(`Removed user ${username.toLowerCase()}\n`);
      }),
    );

  cli
    .leaf(user, 'list', 'list users')
    .option('--json', 'print JSON instead of a table')
    .action(
      cli.withStore(async (store, options: { json?: boolean }) => {
        const users = await store.listUsers();
        if (options.json) stdout.write(JSON.stringify(users, null, 2) + '\n');
        else if (users.length === 0) stdout.write('No users. Create one with: user add <username>\n');
        else stdout.write(table(['username', 'sub', 'groups', 'created', 'status'], users.map(userRow)));
      }),
    );

  cli
    .leaf(user, 'groups', "replace a user's groups (effective in tokens issued from now on)")
    .argument('<username>')
    .argument('[groups]', 'comma-separated groups; omit to remove all')
    .action(
      cli.withStore(async (store, username: string, groups: string | undefined) => {
        const updated = await store.setGroups(username, parseGroups(groups));
        stdout.write(`Groups of ${updated.username}: ${updated.groups.join(', ') || '(none)'}\n`);
      }),
    );

  registerSignOutCommands(user, cli);
}

/** The `user` commands that end sessions: passwd, signout-everywhere, disable and enable. */
function registerSignOutCommands(user: Command, cli: AuthCommands): void {
  const { stdout } = cli;
  cli
    .leaf(user, 'passwd', "set a user's password; signs them out everywhere")
    .argument('<username>')
    .option('--password <password>', 'the new password (prefer the prompt or standard input)')
    .action(
      cli.withStore(async (store, username: string, options: { password?: string }) => {
        // Ask for the password only once we know the user exists.
        if (!(await store.getUser(username))) throw new NotFound(`no user named "${username.toLowerCase()}"`);
        await store.setPassword(username, await cli.passwordFrom(options.password));
        stdout.write(`Password changed for ${username.toLowerCase()}; existing sessions were signed out\n`);
      }),
    );

  cli
    .leaf(user, 'signout-everywhere', 'end every sign-in session of a user on every device (they sign in again; devices stay allowed)')
    .argument('<username>')
    .action(
      cli.withStore(async (store, username: string) => {
        const found = await store.getUser(username);
        if (!found) throw new NotFound(`no user named "${username.toLowerCase()}"`);
        const ended = await store.revokeUserSessions(found.id, 'signed out everywhere');
        stdout.write(`Signed ${found.username} out everywhere: ${ended} session${ended === 1 ? '' : 's'} ended\n`);
      }),
    );

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    cli
      .leaf(user, name, disabled ? 'disable a user and sign them out everywhere' : 're-enable a disabled user')
      .argument('<username>')
      .action(
        cli.withStore(async (store, username: string) => {
          const updated = await store.setDisabled(username, disabled);
          stdout.write(`User ${updated.username} ${disabled ? 'disabled' : 'enabled'}\n`);
        }),
      );
  }
}

function registerApiKeyCommands(program: Command, cli: AuthCommands): void {
  const { stdout, stderr } = cli;
  const apikey = program.command('apikey').description('manage API keys (x-api-key)');

  cli
    .leaf(apikey, 'create', 'create an API key and print it (shown only this once)')
    .option('--days <n>', 'days until it expires (1-3650)', '7')
    .option('--description <text>', 'what the key is for')
    .action(
      cli.withStore(async (store, options: { days: string; description?: string }) => {
        const { key, info } = await store.createApiKey({ days: parseDays(options.days), description: options.description ?? '' });
        stdout.write(`${key}\n`);
        stderr.write(`API key ${info.id} created, expires ${iso(info.expiresAt)}. Store it now: it cannot be shown again.\n`);
      }),
    );

  cli
    .leaf(apikey, 'list', 'list API keys (never the keys themselves)')
    .option('--json', 'print JSON instead of a table')
    .action(
      cli.withStore(async (store, options: { json?: boolean }) => {
        const keys = await store.listApiKeys();
        const now = Date.now();
        if (options.json)
          stdout.write(
            JSON.stringify(
              keys.map((k) => ({ ...k, status: keyStatus(k, now) })),
              null,
              2,
            ) + '\n',
          );
        else if (keys.length === 0) stdout.write('No API keys. Create one with: apikey create\n');
        else {
          stdout.write(
            table(
              ['id', 'description', 'created', 'expires', 'status'],
              keys.map((k) => [k.id, k.description || '-', iso(k.createdAt), iso(k.expiresAt), keyStatus(k, now)]),
            ),
          );
        }
      }),
    );

  cli
    .leaf(apikey, 'revoke', 'revoke an API key by id (from apikey list)')
    .argument('<id>')
    .action(
      cli.withStore(async (store, id: string) => {
        if (!(await store.revokeApiKey(id))) throw new NotFound(`no API key with id "${id}"`);
        stdout.write(`Revoked API key ${id}\n`);
      }),
    );
}
