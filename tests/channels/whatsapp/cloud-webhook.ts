import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

// Builds Cloud API webhook notifications from the recorded fixtures (tests/fixtures/whatsapp/cloud) and
// posts them the way Meta does: JSON body, X-Hub-Signature-256 over the exact bytes.

const fixtureDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/whatsapp/cloud');

export const phoneNumberId = '106540352242922';
export const appSecret = 'test-app-secret-0123456789abcdef';
export const verifyToken = 'verify-token-balauseri';
export const accessToken = 'EAAG-test-access-token';

export type Fixture =
  | 'text'
  | 'image'
  | 'document'
  | 'audio-voice'
  | 'location'
  | 'interactive-button-reply'
  | 'interactive-list-reply'
  | 'unsupported'
  | 'status-sent'
  | 'status-delivered'
  | 'status-read'
  | 'status-failed';

type Json = Record<string, unknown>;

export function fixture(name: Fixture): Json {
  return JSON.parse(fs.readFileSync(path.join(fixtureDirectory, `${name}.json`), 'utf8')) as Json;
}

function value(payload: Json): Json {
  const entry = (payload.entry as Json[])[0] as Json;
  return ((entry.changes as Json[])[0] as Json).value as Json;
}

export interface MessageOverrides {
  /** The citizen's wa_id (digits). */
  from?: string;
  id?: string;
  /** Seconds; default now. */
  timestamp?: number;
  /** Replaces text.body (text fixture) or the reply id/title (interactive fixtures). */
  text?: string;
  caption?: string;
  mediaId?: string;
}

/** A message notification from a fixture, with a fresh wamid and timestamp unless told otherwise. */
export function messageNotification(name: Fixture, overrides: MessageOverrides = {}): Json {
  const payload = fixture(name);
  const inner = value(payload);
  const message = (inner.messages as Json[])[0] as Json;
  const from = overrides.from ?? (message.from as string);
  message.from = from;
  ((inner.contacts as Json[])[0] as Json).wa_id = from;
  message.id = overrides.id ?? `wamid.${randomBytes(18).toString('base64url')}`;
  message.timestamp = String(overrides.timestamp ?? Math.floor(Date.now() / 1000));
  if (overrides.text !== undefined) {
    if (message.text) (message.text as Json).body = overrides.text;
    const interactive = message.interactive as Json | undefined;
    const reply = (interactive?.button_reply ?? interactive?.list_reply) as Json | undefined;
    if (reply) {
      reply.id = overrides.text;
      reply.title = overrides.text.slice(0, 24);
    }
  }
  for (const kind of ['image', 'document', 'audio']) {
    const media = message[kind] as Json | undefined;
    if (!media) continue;
    if (overrides.caption !== undefined) media.caption = overrides.caption;
    if (overrides.mediaId !== undefined) media.id = overrides.mediaId;
  }
  return payload;
}

export function statusNotification(name: Extract<Fixture, `status-${string}`>, wamid: string, recipient?: string): Json {
  const payload = fixture(name);
  const status = (value(payload).statuses as Json[])[0] as Json;
  status.id = wamid;
  status.timestamp = String(Math.floor(Date.now() / 1000));
  if (recipient) status.recipient_id = recipient;
  return payload;
}

export function signature(body: string, secret = appSecret): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function postNotification(app: FastifyInstance, payload: Json | string, options: { signature?: string | null } = {}) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signed = options.signature === undefined ? signature(body) : options.signature;
  if (signed !== null) headers['x-hub-signature-256'] = signed;
  return app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers, payload: body });
}

export function wamidOf(payload: Json): string {
  return ((value(payload).messages as Json[])[0] as Json).id as string;
}
