// The few Graph API calls the Cloud API driver needs: send a message, look up a media id, download it.
// Errors say whether trying again later can help, from the HTTP status and Meta's error code.

import { DownloadTooLargeError, readBodyWithinLimit } from '../../../src/security/bounded-download.ts';

export const defaultGraphApiRoot = 'https://graph.facebook.com/v25.0';

export interface GraphApiOptions {
  root: string;
  token: string;
  phoneNumberId: string;
  timeoutMs?: number;
}

export interface GraphPhoneNumberInfo {
  id?: string;
  display_phone_number?: string;
  verified_name?: string;
  quality_rating?: string;
}

export interface GraphMediaInfo {
  url: string;
  mime_type?: string;
  sha256?: string;
  file_size?: string | number;
  id?: string;
}

/** Meta's codes for throttling and passing trouble on its side (rate limits, "service unavailable"). */
const retryableGraphCodes = new Set([1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131056, 133004]);

export class GraphApiError extends Error {
  readonly code = 'FV_ERR_WHATSAPP_GRAPH_API';
  constructor(
    message: string,
    readonly httpStatus: number | undefined,
    readonly graphCode: number | undefined,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'GraphApiError';
  }
}

interface GraphErrorBody {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number; error_data?: { details?: string }; fbtrace_id?: string };
}

function retryAfterMsOf(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

export class GraphApiClient {
  private readonly root: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: GraphApiOptions) {
    this.root = options.root.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** POST /{phone-number-id}/messages; returns the new message's wamid. */
  async sendMessage(payload: Record<string, unknown>): Promise<string> {
    const response = await this.request(`${this.root}/${encodeURIComponent(this.options.phoneNumberId)}/messages`, {
      method: 'POST',
      body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...payload }),
    });
    const body = (await response.json().catch(() => ({}))) as { messages?: { id?: string }[] };
    const id = body.messages?.[0]?.id;
    if (!id) throw new GraphApiError('WhatsApp Cloud API accepted the message but returned no message id', response.status, undefined, false);
    return id;
  }

  /** POST /{phone-number-id}/media (multipart): uploads a file to send; returns its media id. */
  async uploadMedia(bytes: Uint8Array, mediaType: string, fileName: string): Promise<string> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', mediaType);
    form.append('file', new Blob([new Uint8Array(bytes)], { type: mediaType }), fileName);
    const response = await this.request(`${this.root}/${encodeURIComponent(this.options.phoneNumberId)}/media`, { method: 'POST', form });
    const body = (await response.json().catch(() => ({}))) as { id?: string };
    if (!body.id) throw new GraphApiError('WhatsApp Cloud API accepted the upload but returned no media id', response.status, undefined, false);
    return body.id;
  }

  /** GET /{phone-number-id}: proves the token and the phone number id belong together (set-up check). */
  async phoneNumberInfo(): Promise<GraphPhoneNumberInfo> {
    const url = `${this.root}/${encodeURIComponent(this.options.phoneNumberId)}?fields=display_phone_number,verified_name,quality_rating`;
    const response = await this.request(url, { method: 'GET' });
    return (await response.json().catch(() => ({}))) as GraphPhoneNumberInfo;
  }

  /** GET /{media-id}: a short-lived download URL and what Meta knows about the file. */
  async mediaInfo(mediaId: string): Promise<GraphMediaInfo> {
    const url = `${this.root}/${encodeURIComponent(mediaId)}?phone_number_id=${encodeURIComponent(this.options.phoneNumberId)}`;
    const response = await this.request(url, { method: 'GET' });
    const body = (await response.json().catch(() => ({}))) as GraphMediaInfo;
    if (typeof body.url !== 'string' || body.url === '') throw new GraphApiError(`WhatsApp media ${mediaId} has no download URL`, response.status, undefined, false);
    return body;
  }

  /** GET the media URL with the same bearer token; refuses files above `maxBytes` before and while reading. */
  async downloadMedia(url: string, maxBytes: number): Promise<Uint8Array> {
    const response = await this.request(url, { method: 'GET' });
    try {
      // Counted while it streams: without Content-Length a large file is cut at the limit, not read whole.
      return await readBodyWithinLimit(response, maxBytes);
    } catch (error) {
      if (error instanceof DownloadTooLargeError) throw new GraphApiError(`WhatsApp media: ${error.message}; at most ${maxBytes} bytes are accepted`, response.status, undefined, false);
      throw error;
    }
  }

  private async request(url: string, init: { method: string; body?: string; form?: FormData }): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method,
        // fetch sets the multipart boundary itself for a FormData body.
        headers: { authorization: `Bearer ${this.options.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        body: init.form ?? init.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new GraphApiError(`WhatsApp Cloud API unreachable (${new URL(url).host}): ${cause}`, undefined, undefined, true);
    }
    if (response.ok) return response;
    const body = (await response.json().catch(() => ({}))) as GraphErrorBody;
    const graphCode = body.error?.code;
    const details = [body.error?.message, body.error?.error_data?.details].filter(Boolean).join(' — ');
    const retryable = response.status === 429 || response.status >= 500 || (graphCode !== undefined && retryableGraphCodes.has(graphCode));
    throw new GraphApiError(
      `WhatsApp Cloud API answered HTTP ${response.status}${graphCode !== undefined ? ` (code ${graphCode})` : ''}${details ? `: ${details}` : ''}`,
      response.status,
      graphCode,
      retryable,
      retryAfterMsOf(response),
    );
  }
}
