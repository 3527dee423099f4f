// electron-updater's HTTP executor in the packaged app is ElectronHttpExecutor, which sends through
// electron.net (Chromium's network stack) — not available in Node. This one extends the same base
// class, builder-util-runtime's HttpExecutor, whose code does the work that matters here: the
// response handling, redirects, the sha512 DigestTransform and progress. Only two things differ
// from the packaged app: createRequest uses node:http instead of electron.net.request, and
// download() (which the base class leaves to its subclasses) repeats ElectronHttpExecutor.download
// without its electron.net-only `redirect: "manual"` option (node:http never follows redirects itself).
import { createRequire } from 'node:module';
import { request, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { DownloadOptions } from 'builder-util-runtime';

// The copy electron-updater itself loads, so its instanceof checks (HttpError, CancellationError) hold.
const fromUpdater = createRequire(createRequire(import.meta.url).resolve('electron-updater'));
const runtime = fromUpdater('builder-util-runtime') as typeof import('builder-util-runtime');

export class NodeHttpExecutor extends runtime.HttpExecutor<ClientRequest> {
  override createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return request(options, callback);
  }

  /** Downloads `url` to `destination`, verifying options.sha512 (base64) on the way; resolves with the path. */
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      runtime.configureRequestUrl(url, requestOptions);
      runtime.configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error == null ? resolve(destination) : reject(error)),
          responseHandler: null,
        },
        0,
      );
    });
  }
}
