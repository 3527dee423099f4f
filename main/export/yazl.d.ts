// The part of yazl 3.3 (CommonJS, ships no types) the zip export uses; see its README "API".
declare module 'yazl' {
  import { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  /** Per-entry options: `compress` false stores the bytes as they are; `size` is checked against the stream. */
  export interface EntryOptions {
    readonly mtime?: Date;
    readonly mode?: number;
    readonly compress?: boolean;
    readonly compressionLevel?: number;
    readonly size?: number;
  }

  /** A zip being written to `outputStream`; emits 'error' when an entry's stream fails its size or cannot be read. */
  export class ZipFile extends EventEmitter {
    readonly outputStream: Readable;
    addFile(realPath: string, metadataPath: string, options?: EntryOptions): void;
    addReadStream(readStream: Readable, metadataPath: string, options?: EntryOptions): void;
    addBuffer(buffer: Buffer, metadataPath: string, options?: EntryOptions): void;
    end(options?: { readonly forceZip64Format?: boolean; readonly comment?: string }, calculatedTotalSizeCallback?: (totalSize: number) => void): void;
  }
}
