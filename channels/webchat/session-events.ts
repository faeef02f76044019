import { EventEmitter } from 'node:events';

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

/** Fans out events to the open SSE streams of a web chat session (a citizen may have several tabs). */
export class SessionEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(sessionId: string, event: SessionEvent): void {
    this.emitter.emit(sessionId, event);
  }

  subscribe(sessionId: string, listener: (event: SessionEvent) => void): () => void {
    this.emitter.on(sessionId, listener);
    return () => this.emitter.off(sessionId, listener);
  }

  listenerCount(sessionId: string): number {
    return this.emitter.listenerCount(sessionId);
  }
}
