// How to run npm from a script on every platform. On Windows `npm` is `npm.cmd`, which spawn()
// cannot start without a shell (Node refuses .cmd files since the 2024 batch-file fix), so under
// `npm run` we start npm's own JavaScript entry (npm_execpath) with this Node, and elsewhere fall
// back to a shell, which is safe here because every argument is a fixed word without spaces.
import { basename } from 'node:path';

/** A command line for child_process.spawn/spawnSync: the program, its arguments, and whether it needs a shell. */
export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
  readonly shell: boolean;
}

/** The command line that runs `npm <args>`, given the environment (default process.env), platform and Node executable. */
export function npmCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  nodeExecutable: string = process.execPath,
): CommandLine {
  const execPath = env.npm_execpath;
  // npm_execpath names pnpm's or yarn's entry when they run the script; only npm's is npm.
  if (execPath !== undefined && /^npm-cli\.c?js$/.test(basename(execPath.replaceAll('\\', '/')))) {
    return { command: nodeExecutable, args: [execPath, ...args], shell: false };
  }
  if (platform === 'win32') {
    if (args.some((arg) => /[\s"&|<>^%]/.test(arg))) throw new Error(`cannot pass ${JSON.stringify(args)} to npm through cmd.exe safely`);
    return { command: 'npm.cmd', args, shell: true };
  }
  return { command: 'npm', args, shell: false };
}
