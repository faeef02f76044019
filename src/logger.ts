import pino, { type Logger, type LoggerOptions } from 'pino';
import { redactCredentials } from './privacy/credentials.ts';
import { maskPersonalData } from './privacy/masking.ts';

// Personal data never reaches the logs: CNPs, phone numbers and e-mail addresses are masked in every
// string a log line carries, whatever field it sits in (src/privacy/masking.ts). Credentials that
// travel in URLs (the web chat session id — a citizen's only key to their conversation — and API
// keys or tokens in query strings) are replaced before a line is written.

export { maskPersonalData, redactCredentials };

function maskText(text: string): string {
  return maskPersonalData(redactCredentials(text));
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (typeof value === 'number' && Number.isInteger(value) && String(value).length >= 9) {
    const masked = maskText(String(value));
    return masked === String(value) ? value : masked;
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: maskText(value.message), stack: value.stack && maskText(value.stack) };
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
  // Requests, responses and other class instances go through pino's serializers; the output stream masks them.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const masked: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) masked[key] = maskDeep(item, depth + 1);
  return masked;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * Fastify's request serializer with the URL cleaned: Fastify merges the logger's serializers over its
 * own, so this one is used for every "incoming request" line, whoever built the logger.
 */
export function serializeRequest(request: LoggedRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : maskText(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    serializers: { req: serializeRequest },
    formatters: { log: (object) => maskDeep(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((argument) => maskDeep(argument)) as Parameters<typeof method>,
        );
      },
    },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-telegram-bot-api-secret-token"]', 'req.headers.cookie'], censor: '[redacted]' },
  };
}

const jsonStringLiteral = /"(?:[^"\\]|\\.)*"/g;

function maskLiteral(literal: string): string {
  let value: string;
  try {
    value = JSON.parse(literal) as string;
  } catch {
    return maskText(literal);
  }
  const masked = maskText(value);
  // Re-encoded from the parsed value, so a decoded escape can never break the line's JSON.
  return masked === value ? literal : JSON.stringify(masked);
}

/**
 * The last line of defence: whatever a serializer produced, the strings of the written line are masked
 * too. Only string literals: a number such as a response time must stay valid JSON.
 */
export function maskLogLine(line: string): string {
  return line.replace(jsonStringLiteral, maskLiteral);
}

function maskingStream(destination: pino.DestinationStream): pino.DestinationStream {
  return { write: (line: string) => destination.write(maskLogLine(line)) };
}

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(1)): Logger {
  return pino(loggerOptions(level), maskingStream(destination));
}

export type { Logger };
