// The longest text one value may be as it crosses IPC: main refuses longer (main/ipc/plain-json.ts)
// and the form says so under the field before saving (renderer/form-problems.ts), one number for both.

/** Most characters of one string in a request (1,000,000). */
export const MAX_TEXT_CHARACTERS = 1_000_000;
