// The part of whatsapp-web.js's Client this driver uses, so tests can stand in an EventEmitter and
// production passes the real Client (which is an EventEmitter driving Chromium).

export interface WebMessageId {
  fromMe: boolean;
  remote: string | { _serialized: string };
  id: string;
  _serialized: string;
}

export interface WebMessageMedia {
  mimetype: string;
  /** Base64. */
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

/** A whatsapp-web.js Message as the `message` event hands it over (only what we read). */
export interface WebMessage {
  id: WebMessageId;
  body: string;
  type: string;
  /** Seconds since the epoch. */
  timestamp: number;
  from: string;
  to?: string;
  /** In groups: the participant who wrote. */
  author?: string;
  fromMe: boolean;
  isStatus?: boolean;
  broadcast?: boolean;
  hasMedia?: boolean;
  location?: { latitude: number | string; longitude: number | string; name?: string; address?: string; description?: string };
  /** `size`: the media's size in bytes as WhatsApp announces it, known before downloading. */
  _data?: { notifyName?: string; size?: number };
  downloadMedia(): Promise<WebMessageMedia | undefined | null>;
}

export interface WebClient {
  // EventEmitter's own signature, so both the real Client and a plain EventEmitter fit.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, content: string): Promise<{ id: { _serialized: string } } | null | undefined>;
  /** A file as a WhatsApp document (the real Client needs a MessageMedia: the factory adapts it). */
  sendDocument(chatId: string, document: WebMessageMedia): Promise<{ id: { _serialized: string } } | null | undefined>;
  /** Newer WhatsApp accounts hide numbers behind "@lid" ids; this maps them back to phone numbers. */
  getContactLidAndPhone?(userIds: string[]): Promise<{ lid?: string; pn?: string }[]>;
}

export interface WebClientOptions {
  /** LocalAuth's dataPath: the linked-device session lives in <authDataPath>/session and survives restarts. */
  authDataPath: string;
  /** Cached WhatsApp Web pages (whatsapp-web.js's "local" web version cache). */
  cacheDirectory: string;
  chromiumPath: string;
}

export type WebClientFactory = (options: WebClientOptions) => WebClient | Promise<WebClient>;

export const chromiumArguments = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** The real whatsapp-web.js Client on Debian's Chromium; loaded only when this driver is enabled. */
export const createWhatsappWebClient: WebClientFactory = async (options) => {
  const { default: whatsappWeb } = await import('whatsapp-web.js');
  const client = new whatsappWeb.Client({
    authStrategy: new whatsappWeb.LocalAuth({ dataPath: options.authDataPath }),
    webVersionCache: { type: 'local', path: options.cacheDirectory },
    puppeteer: { executablePath: options.chromiumPath, headless: true, args: chromiumArguments },
  });
  const sendDocument: WebClient['sendDocument'] = (chatId, document) =>
    client.sendMessage(chatId, new whatsappWeb.MessageMedia(document.mimetype, document.data, document.filename ?? null, document.filesize ?? null), {
      sendMediaAsDocument: true,
    });
  return Object.assign(client, { sendDocument }) as unknown as WebClient;
};
