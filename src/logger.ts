import pino, { type Logger, type LoggerOptions } from 'pino';

// Personal data never reaches the logs: CNPs (13 digits starting 1-9) and phone numbers are masked
// in every string a log line carries, whatever field it sits in.

const personalNumberPattern = /\b[1-9]\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{6}\b/g;
const phonePattern = /(?<![\w/])(?:\+|00)?(?:40|36)?[\s.-]?0?7\d{2}[\s.-]?\d{3}[\s.-]?\d{3}\b|\+\d{1,3}[\s.-]?\d{2,4}[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b/g;

export function maskPersonalData(text: string): string {
  return text
    .replace(personalNumberPattern, '[CNP]')
    .replace(phonePattern, (match) => `[telefon …${match.replace(/\D/g, '').slice(-2)}]`);
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (typeof value === 'number' && Number.isInteger(value) && String(value).length >= 9) {
    const masked = maskPersonalData(String(value));
    return masked === String(value) ? value : masked;
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: maskPersonalData(value.message), stack: value.stack && maskPersonalData(value.stack) };
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
  // Requests, responses and other class instances go through pino's serializers; the output stream masks them.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const masked: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) masked[key] = maskDeep(item, depth + 1);
  return masked;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
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

/**
 * The last line of defence: whatever a serializer produced, the strings of the written line are masked
 * too. Only string literals: a number such as a response time must stay valid JSON.
 */
export function maskLogLine(line: string): string {
  return line.replace(jsonStringLiteral, (literal) => maskPersonalData(literal));
}

function maskingStream(destination: pino.DestinationStream): pino.DestinationStream {
  return { write: (line: string) => destination.write(maskLogLine(line)) };
}

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(1)): Logger {
  return pino(loggerOptions(level), maskingStream(destination));
}

export type { Logger };
