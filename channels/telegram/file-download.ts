import type { Telegram } from 'telegraf';
import { DownloadTooLargeError, readBodyWithinLimit } from '../../src/security/bounded-download.ts';

// Files are fetched from the Bot API's file endpoint (`/file/bot<token>/<path>`, of TELEGRAM_API_ROOT),
// reading at most `maximumBytes`: the size Telegram announces is not trusted on its own.

export class TelegramFileError extends Error {
  constructor(
    readonly code: 'FV_ERR_TELEGRAM_FILE_TOO_LARGE' | 'FV_ERR_TELEGRAM_FILE_UNAVAILABLE',
    message: string,
  ) {
    super(message);
  }
}

const downloadTimeoutMs = 30_000;

export async function downloadTelegramFile(telegram: Telegram, fileId: string, maximumBytes: number): Promise<Uint8Array> {
  const file = await telegram.getFile(fileId);
  if (file.file_size !== undefined && file.file_size > maximumBytes) {
    throw new TelegramFileError('FV_ERR_TELEGRAM_FILE_TOO_LARGE', `file of ${file.file_size} bytes exceeds ${maximumBytes}`);
  }
  const link = await telegram.getFileLink(file);
  // A local Bot API server in --local mode answers with a path on its own disk; we only fetch over HTTP.
  if (link.protocol !== 'http:' && link.protocol !== 'https:') {
    throw new TelegramFileError('FV_ERR_TELEGRAM_FILE_UNAVAILABLE', `file link with unsupported protocol ${link.protocol}`);
  }
  const response = await fetch(link, { signal: AbortSignal.timeout(downloadTimeoutMs) });
  if (!response.ok || !response.body) {
    throw new TelegramFileError('FV_ERR_TELEGRAM_FILE_UNAVAILABLE', `file download answered HTTP ${response.status}`);
  }
  try {
    return await readBodyWithinLimit(response, maximumBytes);
  } catch (error) {
    if (error instanceof DownloadTooLargeError) throw new TelegramFileError('FV_ERR_TELEGRAM_FILE_TOO_LARGE', error.message);
    throw error;
  }
}
