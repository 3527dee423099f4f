// A file or thumbnail shown in the page: loaded through main (attachment-transfer.ts) into a blob:
// URL, which is revoked when the component goes or shows another file.
import { useEffect, useState } from 'react';
import type { AttachmentRef } from '../../common/schema/attachment-ref.js';
import { fetchAttachment, keepThumbnail, readPresent, thumbnailOf } from '../attachment-transfer.js';
import { isImageType } from '../attachment-view.js';

/** A loaded blob: URL (null while loading or when there is none) or main's message saying why it cannot be shown. */
export interface LoadedBlob {
  readonly url: string | null;
  readonly blob: Blob | null;
  readonly error: string | null;
  readonly loading: boolean;
}

const LOADING: LoadedBlob = { url: null, blob: null, error: null, loading: true };
const IDLE: LoadedBlob = { url: null, blob: null, error: null, loading: false };

/** Runs `load` while mounted and `enabled`, keeping its Blob as an object URL (revoked on change and unmount). */
function useLoaded(load: (() => Promise<Blob | null>) | null, deps: readonly unknown[]): LoadedBlob {
  const [state, setState] = useState<LoadedBlob>(load ? LOADING : IDLE);
  useEffect(() => {
    if (load === null) {
      setState(IDLE);
      return;
    }
    let cancelled = false;
    let url: string | null = null;
    setState(LOADING);
    load().then(
      (blob) => {
        if (cancelled) return;
        url = blob === null ? null : URL.createObjectURL(blob);
        setState({ url, blob, error: null, loading: false });
      },
      (error: Error) => {
        if (!cancelled) setState({ url: null, blob: null, error: error.message, loading: false });
      },
    );
    return () => {
      cancelled = true;
      if (url !== null) URL.revokeObjectURL(url);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `load` is new each render; the caller names what it depends on
  }, deps);
  return state;
}

/**
 * The thumbnail of `ref` while `visible`: `local` (the file just added, still in the page) is drawn
 * at once; else the kept one, else (with `download`) the file is fetched and one made.
 */
export function useAttachmentThumbnail(ref: AttachmentRef | undefined, options: { download: boolean; visible: boolean; local?: Blob | undefined }): LoadedBlob {
  const { download, visible, local } = options;
  const load =
    ref === undefined || !visible || !isImageType(ref.contentType)
      ? null
      : local !== undefined
        ? () => keepThumbnail(ref.sha256, local).then((t) => t ?? local)
        : () => thumbnailOf(ref, download);
  return useLoaded(load, [ref?.sha256, ref?.key, download, visible, local]);
}

/** The whole file of `ref` (downloaded on first view; `local` when the page has its bytes); for a picture without a thumbnail one is made and kept. */
export function useAttachmentFile(ref: AttachmentRef | undefined, local?: Blob): LoadedBlob {
  const load =
    ref === undefined
      ? null
      : local !== undefined
        ? () => Promise.resolve(local)
        : async () => {
            const present = await fetchAttachment(ref);
            const blob = await readPresent(ref.sha256, ref.contentType);
            if (!present.hasThumbnail && isImageType(ref.contentType)) void keepThumbnail(ref.sha256, blob).catch(() => undefined);
            return blob;
          };
  return useLoaded(load, [ref?.sha256, ref?.key, local]);
}
