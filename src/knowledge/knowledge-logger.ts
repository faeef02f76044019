// The few logger methods the knowledge module uses; a pino Logger satisfies it, and so does a test's
// silent object. Always called with a context object first, pino style.

export interface KnowledgeLogger {
  debug(context: object, message?: string): void;
  info(context: object, message?: string): void;
  warn(context: object, message?: string): void;
  error(context: object, message?: string): void;
}

export const silentLogger: KnowledgeLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
