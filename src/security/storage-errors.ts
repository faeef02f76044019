import { AppError } from '../errors.ts';

// A full disk, a read-only file or a database locked for too long is not a bug in the request: the
// client should come back later (Telegram and WhatsApp redeliver on 5xx), and nothing was half-written
// because every step is one transaction. Such failures become a coded 503 with Retry-After, not a 500.

export class StorageUnavailableError extends AppError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, 503, options);
  }
}

const failures: { prefix: string; code: string; message: string; retryAfterSeconds: number }[] = [
  { prefix: 'SQLITE_FULL', code: 'FV_ERR_STORAGE_FULL', message: 'The server cannot store anything right now (disk full); nothing was saved, try again later', retryAfterSeconds: 60 },
  { prefix: 'SQLITE_READONLY', code: 'FV_ERR_STORAGE_READONLY', message: 'The server cannot store anything right now (read-only storage); nothing was saved, try again later', retryAfterSeconds: 60 },
  { prefix: 'SQLITE_BUSY', code: 'FV_ERR_STORAGE_BUSY', message: 'The server is busy; nothing was saved, try again shortly', retryAfterSeconds: 5 },
  { prefix: 'SQLITE_LOCKED', code: 'FV_ERR_STORAGE_BUSY', message: 'The server is busy; nothing was saved, try again shortly', retryAfterSeconds: 5 },
  { prefix: 'SQLITE_IOERR', code: 'FV_ERR_STORAGE_UNAVAILABLE', message: 'The server cannot reach its storage right now; nothing was saved, try again later', retryAfterSeconds: 60 },
  { prefix: 'SQLITE_CANTOPEN', code: 'FV_ERR_STORAGE_UNAVAILABLE', message: 'The server cannot reach its storage right now; nothing was saved, try again later', retryAfterSeconds: 60 },
];

/** The SQLite result code anywhere in the cause chain (drizzle wraps driver errors in DrizzleQueryError). */
export function sqliteCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A StorageUnavailableError when `error` comes from storage that cannot take writes now; undefined otherwise. */
export function storageFailureOf(error: unknown): StorageUnavailableError | undefined {
  if (error instanceof StorageUnavailableError) return error;
  const sqliteCode = sqliteCodeOf(error);
  if (!sqliteCode) return undefined;
  const failure = failures.find((candidate) => sqliteCode === candidate.prefix || sqliteCode.startsWith(`${candidate.prefix}_`));
  return failure ? new StorageUnavailableError(failure.code, failure.message, failure.retryAfterSeconds, { cause: error }) : undefined;
}
