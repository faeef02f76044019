import { normalizePhoneNumber } from '../../src/tickets/clerk-directory.ts';

// WhatsApp names people by their number in international form without "+" (Cloud API wa_id "40740123456",
// WhatsApp Web "40740123456@c.us"); contacts and clerks are stored in E.164 ("+40740123456").

/** E.164 from a wa_id, a WhatsApp Web id or a number as a person types it; undefined when it is not a number. */
export function toE164(identity: string | undefined | null): string | undefined {
  if (!identity) return undefined;
  const [user = '', domain] = identity.split('@');
  // "@lid" ids and group ids look like digits but are not phone numbers.
  if (domain !== undefined && domain !== 'c.us' && domain !== 's.whatsapp.net') return undefined;
  const compact = (user.split(':')[0] ?? '').replace(/[\s().-]/g, '');
  // A bare digit string from WhatsApp is already international (country code first): only "0…" is national.
  const candidate = /^[1-9]\d{6,14}$/.test(compact) ? `+${compact}` : normalizePhoneNumber(compact);
  return /^\+[1-9]\d{6,14}$/.test(candidate) ? candidate : undefined;
}

/**
 * A business-scoped user id (BSUID): Meta's id for a WhatsApp user who hides the number behind a username,
 * a two-letter country code, a dot and up to 128 letters and digits ("RO.1502576394655843", "US.ENT.118…").
 */
export function toBusinessScopedUserId(value: string | undefined | null): string | undefined {
  return value && /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/.test(value) ? value : undefined;
}

/** The Cloud API's `to` field: the digits of the E.164 number. */
export function toWhatsappId(e164: string): string {
  return e164.replace(/\D/g, '');
}

/** The WhatsApp Web chat id of a one-to-one chat with this number. */
export function toWebChatId(e164: string): string {
  return `${toWhatsappId(e164)}@c.us`;
}
