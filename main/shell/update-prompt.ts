// The question the installed app asks when an update has downloaded: the user decides when Outpost
// restarts, never the updater (a field worker may be halfway through a form).
import type { MessageBoxOptions, MessageBoxReturnValue } from 'electron';
import type { UpdateChoice } from './update-decisions.js';

/** The dialog for `version`: "Restart now" (default) or "Later" (installs on the next quit). */
export function updateReadyDialog(version: string): MessageBoxOptions {
  return {
    type: 'info',
    buttons: ['Restart now', 'Later'],
    defaultId: 0,
    cancelId: 1,
    noLink: true,
    title: 'Update ready',
    message: `Outpost ${version} is ready to install.`,
    detail:
      'Outpost will stop syncing, close your data safely, install the update and open again. Nothing you have saved is lost. Choose Later to install it the next time you quit Outpost.',
  };
}

/** Asks with `showMessageBox` and reads the answer as an UpdateChoice. */
export async function askToRestart(showMessageBox: (options: MessageBoxOptions) => Promise<MessageBoxReturnValue>, version: string): Promise<UpdateChoice> {
  const { response } = await showMessageBox(updateReadyDialog(version));
  return response === 0 ? 'restart' : 'later';
}
