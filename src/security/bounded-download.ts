// Every file we download from a platform (Telegram, WhatsApp Cloud API) is read through here: the size a
// server announces (Content-Length) is checked first, but it may be absent or wrong, so the body is also
// counted while it streams and the download is cancelled the moment it passes the limit. Reading the whole
// body first and checking afterwards let a 40 MiB stream double the process's memory before being refused.

export class DownloadTooLargeError extends Error {
  readonly code = 'FV_ERR_DOWNLOAD_TOO_LARGE';
  constructor(
    readonly maximumBytes: number,
    /** What the server announced, or how far the stream got before it was cut. */
    readonly observedBytes: number,
    readonly announced: boolean,
  ) {
    super(announced ? `file of ${observedBytes} bytes exceeds ${maximumBytes}` : `file exceeds ${maximumBytes} bytes (stopped after ${observedBytes})`);
  }
}

/** The body of `response`, at most `maximumBytes` of it; throws DownloadTooLargeError past that, having cancelled the rest. */
export async function readBodyWithinLimit(response: Response, maximumBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maximumBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadTooLargeError(maximumBytes, declared, true);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maximumBytes) {
      // Cancelling closes the connection: the sender stops and nothing more is buffered.
      await reader.cancel().catch(() => undefined);
      throw new DownloadTooLargeError(maximumBytes, received, false);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
