// Adding files to an attachment field: each picked, dropped, pasted or captured file is staged in
// main (attachment-transfer.ts), one at a time in the order given, with its progress shown while it
// goes and a sentence when it cannot be added. The field gets each staged reference as it lands.
import { useRef, useState } from 'react';
import type { StagedFile } from '../../common/ipc/attachment-contract.js';
import { stageFile } from '../attachment-transfer.js';
import { formatBytes, stagingName } from '../attachment-view.js';

/** A file on its way into the store. */
export interface AddingFile {
  readonly id: number;
  readonly name: string;
  /** Bytes. */
  readonly size: number;
  /** Bytes main has received. */
  readonly received: number;
}

/** The adds of one field: those under way, the last problems, the local copies of added files. */
export interface AttachmentStaging {
  readonly adding: readonly AddingFile[];
  readonly problems: readonly string[];
  /** Files added while this form is open, by sha-256: their thumbnails are drawn from these, not read back. */
  readonly local: ReadonlyMap<string, Blob>;
  add(files: ReadonlyArray<{ readonly blob: Blob; readonly name: string }>): void;
  dismissProblems(): void;
}

/** Staging for one field; `onAdded` puts a staged file in the field's value and answers null, or a sentence why it did not (already there). */
export function useAttachmentStaging(onAdded: (file: StagedFile) => string | null): AttachmentStaging {
  const [adding, setAdding] = useState<AddingFile[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [local, setLocal] = useState<ReadonlyMap<string, Blob>>(new Map());
  const latestOnAdded = useRef(onAdded);
  latestOnAdded.current = onAdded;
  const chain = useRef<Promise<void>>(Promise.resolve());
  const nextId = useRef(1);

  const stageOne = async (file: AddingFile, blob: Blob): Promise<void> => {
    try {
      const staged = await stageFile(blob, file.name, (received) => setAdding((old) => old.map((a) => (a.id === file.id ? { ...a, received } : a))));
      setLocal((old) => new Map(old).set(staged.sha256, blob));
      const problem = latestOnAdded.current(staged);
      if (problem !== null) setProblems((old) => [...old, problem]);
    } catch (error) {
      setProblems((old) => [...old, `Could not add “${file.name}” (${formatBytes(file.size)}): ${(error as Error).message}`]);
    } finally {
      setAdding((old) => old.filter((a) => a.id !== file.id));
    }
  };

  const add = (files: ReadonlyArray<{ readonly blob: Blob; readonly name: string }>) => {
    setProblems([]);
    for (const { blob, name } of files) {
      const file: AddingFile = { id: nextId.current++, name: stagingName(name, 'file'), size: blob.size, received: 0 };
      setAdding((old) => [...old, file]);
      chain.current = chain.current.then(() => stageOne(file, blob));
    }
  };
  return { adding, problems, local, add, dismissProblems: () => setProblems([]) };
}
