import { EventEmitter } from 'node:events';
import type { Logger } from '../../src/logger.ts';
import type { NotificationBus } from '../../src/gateway/channel-contract.ts';

export interface WebchatMessage {
  id: string;
  from: 'citizen' | 'bot' | 'clerk';
  text: string;
  createdAt: string;
  /** The conversation's language (ro, hu, en). */
  language?: string;
  sources?: { slug: string; title: string; url?: string }[];
  buttons?: { label: string; value: string }[];
  attachments?: { fileName: string; mediaType: string; size: number; sha256: string }[];
}

export type SessionEvent =
  | { type: 'message'; id: string; data: WebchatMessage }
  | { type: 'token'; data: { replyId: string; delta: string } }
  | { type: 'status'; data: { text: string } };

/**
 * What travels between instances: a stored message by its id (each instance holding a stream of the
 * session reads it from the records: message bodies do not fit a notification), everything else as it is
 * (a token, a status line, a message that was never stored).
 */
type SessionNotice = { sessionId: string } & ({ type: 'stored-message'; messageId: number } | SessionEvent);

const topic = 'webchat';
/** Tokens joined into one notice stay well below the bus's limit (7999 bytes, with the session id and JSON around them). */
const joinedTokenBytes = 6000;
const resumed = Symbol('resumed');

function noticeOf(sessionId: string, event: SessionEvent): SessionNotice {
  if (event.type === 'message' && /^[1-9][0-9]{0,14}$/.test(event.id)) return { sessionId, type: 'stored-message', messageId: Number(event.id) };
  return { sessionId, ...event };
}

/** The event a notice carries whole; undefined for a stored message, which is read first. */
function carriedEvent(notice: SessionNotice): SessionEvent | undefined {
  switch (notice.type) {
    case 'message':
      return { type: 'message', id: notice.id, data: notice.data };
    case 'token':
      return { type: 'token', data: notice.data };
    case 'status':
      return { type: 'status', data: notice.data };
    default:
      return undefined;
  }
}

function parsedNotice(payload: string): SessionNotice | undefined {
  try {
    const notice = JSON.parse(payload) as Partial<SessionNotice> | null;
    return typeof notice?.sessionId === 'string' && typeof notice.type === 'string' ? (notice as SessionNotice) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fans out events to the open SSE streams of a web chat session (a citizen may have several tabs, held by
 * any instance): published on the notification bus, heard by every instance, handed to the streams this
 * instance holds, in the order each session's events were published.
 */
export class SessionEvents {
  private readonly local = new EventEmitter();
  /** Per session, the notice being turned into an event (a message read from the records): later ones wait for it. */
  private readonly inProgress = new Map<string, Promise<void>>();
  private listening: Promise<() => void> | undefined;
  /**
   * Per session: token notices on their way, and the tokens that came meanwhile, joined into one notice.
   * A model writes tens of tokens a second per answer; on PostgreSQL each notice is a round trip, so
   * under load the tokens travel in fewer, larger notices instead of queueing one by one.
   */
  private readonly tokensInFlight = new Map<string, number>();
  private readonly tokensWaiting = new Map<string, { replyId: string; delta: string }>();

  constructor(
    private readonly bus: NotificationBus,
    /** The stored message as a live event shows it; undefined when it is gone (erased) or not this session's. */
    private readonly readMessage: (sessionId: string, messageId: number) => Promise<WebchatMessage | undefined>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {
    this.local.setMaxListeners(0);
  }

  /** Resolves once this instance hears what every instance publishes: a stream waits for it before replaying what it missed. */
  async listen(): Promise<void> {
    this.listening ??= this.bus
      .subscribe(topic, { onNotification: (payload) => this.received(payload), onResumed: () => this.local.emit(resumed) })
      .catch((error: unknown) => {
        this.listening = undefined;
        throw error;
      });
    await this.listening;
  }

  async close(): Promise<void> {
    const listening = this.listening;
    this.listening = undefined;
    (await listening?.catch(() => undefined))?.();
  }

  /**
   * Resolves once the event is on its way to every instance; rejects when the bus could not take it (the
   * database is unreachable). A token resolves at once: it may wait to be joined with the next ones, and
   * one that is lost is only logged (the answer arrives whole anyway).
   */
  publish(sessionId: string, event: SessionEvent): Promise<void> {
    if (event.type === 'token') {
      this.publishToken(sessionId, event.data);
      return Promise.resolve();
    }
    // Tokens still waiting go first: the session's events keep their order.
    this.sendWaitingTokens(sessionId);
    return this.bus.publish(topic, JSON.stringify(noticeOf(sessionId, event)));
  }

  /** For what may be lost without harm (tokens of an answer the POST returns whole, status lines). */
  publishIfPossible(sessionId: string, event: SessionEvent): void {
    this.publish(sessionId, event).catch((error: unknown) => this.logger.warn({ err: error, event: event.type }, 'A web chat event could not be published'));
  }

  private publishToken(sessionId: string, token: { replyId: string; delta: string }): void {
    const waiting = this.tokensWaiting.get(sessionId);
    if (waiting && waiting.replyId === token.replyId && Buffer.byteLength(waiting.delta + token.delta, 'utf8') <= joinedTokenBytes) {
      waiting.delta += token.delta;
      return;
    }
    this.sendWaitingTokens(sessionId);
    if (this.tokensInFlight.has(sessionId)) this.tokensWaiting.set(sessionId, { ...token });
    else this.sendToken(sessionId, token);
  }

  private sendWaitingTokens(sessionId: string): void {
    const waiting = this.tokensWaiting.get(sessionId);
    if (!waiting) return;
    this.tokensWaiting.delete(sessionId);
    this.sendToken(sessionId, waiting);
  }

  private sendToken(sessionId: string, token: { replyId: string; delta: string }): void {
    this.tokensInFlight.set(sessionId, (this.tokensInFlight.get(sessionId) ?? 0) + 1);
    this.bus
      .publish(topic, JSON.stringify(noticeOf(sessionId, { type: 'token', data: token })))
      .catch((error: unknown) => this.logger.warn({ err: error, event: 'token' }, 'A web chat event could not be published'))
      .finally(() => {
        const remaining = (this.tokensInFlight.get(sessionId) ?? 1) - 1;
        if (remaining > 0) this.tokensInFlight.set(sessionId, remaining);
        else this.tokensInFlight.delete(sessionId);
        if (remaining === 0) this.sendWaitingTokens(sessionId);
      });
  }

  /**
   * `listener` gets the session's events; `onResumed` is called when events may have been missed (the
   * bus lost its connection for a while), so the stream can read what it missed from the records.
   */
  subscribe(sessionId: string, listener: (event: SessionEvent) => void, onResumed: () => void): () => void {
    this.local.on(sessionId, listener);
    this.local.on(resumed, onResumed);
    return () => {
      this.local.off(sessionId, listener);
      this.local.off(resumed, onResumed);
    };
  }

  listenerCount(sessionId: string): number {
    return this.local.listenerCount(sessionId);
  }

  private received(payload: string): void {
    const notice = parsedNotice(payload);
    // Every instance hears every session; only one holding a stream of it has anything to do.
    if (!notice || this.local.listenerCount(notice.sessionId) === 0) return;
    const { sessionId } = notice;
    const previous = this.inProgress.get(sessionId);
    const carried = carriedEvent(notice);
    if (carried && !previous) {
      this.local.emit(sessionId, carried);
      return;
    }
    const handled = (previous ?? Promise.resolve())
      .then(() => carried ?? this.storedMessageEvent(notice))
      .then((event) => {
        if (event) this.local.emit(sessionId, event);
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'A web chat event could not be read; the browser gets it when it reconnects'));
    this.inProgress.set(sessionId, handled);
    void handled.then(() => {
      if (this.inProgress.get(sessionId) === handled) this.inProgress.delete(sessionId);
    });
  }

  private async storedMessageEvent(notice: SessionNotice): Promise<SessionEvent | undefined> {
    if (notice.type !== 'stored-message') return undefined;
    const message = await this.readMessage(notice.sessionId, notice.messageId);
    return message ? { type: 'message', id: message.id, data: message } : undefined;
  }
}
