import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

// The one place that reads process.env: everything else receives a typed Config.

const booleanFromText = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', ''])])
  .transform((value) => value === true || value === 'true' || value === '1' || value === 'yes');

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const optionalUrl = optionalText.pipe(z.string().url({ message: 'must be a URL such as http://host:port' }).optional());

const environmentSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: optionalUrl,
  TRUST_PROXY: booleanFromText.default('false'),
  DATA_DIR: z.string().default('data'),
  DATABASE_PATH: optionalText,
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a PostgreSQL URL such as postgres://user:password@host:5432/functionar (unset: SQLite under DATA_DIR)' })
      .optional(),
  ),
  KNOWLEDGE_DIR: z.string().default('knowledge'),
  PROMPTS_DIR: z.string().default('prompts'),
  CHROMA_URL: optionalUrl,
  CHROMA_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  // Several town halls (or a test and a live installation) may share one Chroma server, each in its own collection.
  CHROMA_COLLECTION: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]$/, { message: 'must be 3 to 512 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit' })
    .default('procedures'),
  // One host, or several separated by commas: requests then go to the least busy one that can serve them.
  OLLAMA_HOST: z
    .string()
    .default('http://127.0.0.1:11434')
    .transform((text) => text.split(',').map((host) => host.trim()).filter(Boolean))
    .pipe(z.array(z.string().url({ message: 'must be a URL such as http://127.0.0.1:11434, or several separated by commas' })).min(1, { message: 'names no host' })),
  OLLAMA_MODEL: z.string().min(1).default('qwen2.5:3b-instruct'),
  OLLAMA_EMBED_MODEL: z.string().min(1).default('bge-m3'),
  OLLAMA_ENABLED: booleanFromText.default('true'),
  OLLAMA_TIMEOUT_MS: z.coerce.number().int().positive().default(60000),
  OLLAMA_CONCURRENCY: z.coerce.number().int().positive().default(1),
  OLLAMA_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.2),
  OLLAMA_NUM_CTX: z.coerce.number().int().positive().default(4096),
  TELEGRAM_BOT_TOKEN: optionalText,
  TELEGRAM_WEBHOOK_SECRET: optionalText,
  TELEGRAM_API_ROOT: optionalUrl,
  TELEGRAM_MODE: z.enum(['webhook', 'polling']).default('webhook'),
  TELEGRAM_STAFF_CHAT_ID: optionalText,
  WHATSAPP_WEB_ENABLED: booleanFromText.default('false'),
  CHROMIUM_PATH: optionalText,
  WHATSAPP_CLOUD_TOKEN: optionalText,
  WHATSAPP_PHONE_NUMBER_ID: optionalText,
  WHATSAPP_APP_SECRET: optionalText,
  WHATSAPP_VERIFY_TOKEN: optionalText,
  WHATSAPP_GRAPH_API_ROOT: optionalUrl,
  WHATSAPP_TEMPLATE_NAME: optionalText,
  WHATSAPP_TEMPLATE_LANGUAGE: z.string().trim().min(2).default('ro'),
  WHATSAPP_WEB_ALLOW_GROUPS: booleanFromText.default('false'),
  WHATSAPP_QR_TOKEN: optionalText,
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TENANT_ID: optionalText,
  MICROSOFT_LOGIN_API_ROOT: optionalUrl,
  MICROSOFT_BOT_OPENID_API_ROOT: optionalUrl,
  TEAMS_LOCAL_MODE: booleanFromText.default('false'),
  TEAMS_STAFF_CONVERSATION_ID: optionalText,
  DEADLINE_DIGEST_TIME: z
    .string()
    .trim()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, { message: 'must be a time such as 08:00, or off' })
    .default('08:00'),
  WEBCHAT_ALLOWED_ORIGINS: z.string().default('*'),
  RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_PER_SENDER_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  WEBCHAT_SESSIONS_PER_IP_PER_DAY: z.coerce.number({ message: 'must be a number of new chat sessions' }).int().min(1).default(200),
  WEBCHAT_STREAMS_PER_IP: z.coerce.number({ message: 'must be a number of open live-update streams' }).int().min(1).default(50),
  WEBHOOK_AUTH_FAILURES_PER_IP: z.coerce.number({ message: 'must be a number of failed webhook authentications' }).int().min(1).default(30),
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(500),
  PRESSURE_MAX_EVENT_LOOP_UTILIZATION: z.coerce.number().min(0).max(1).default(0),
  PRESSURE_MAX_HEAP_MB: z.coerce.number().int().min(0).default(0),
  PRESSURE_MAX_RSS_MB: z.coerce.number().int().min(0).default(0),
  PRESSURE_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).default(10),
  TOWN_HALL_NAME: z.string().default('Primăria Bălăușeri'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(1000),
  INSTANCE_ID: optionalText,
  CLAIM_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  RECEIPT_CERTIFICATE_PATH: optionalText,
  RECEIPT_CERTIFICATE_PASSWORD: z.string().optional(),
  DOCUMENT_CERTIFICATE_PATH: optionalText,
  DOCUMENT_CERTIFICATE_PASSWORD: z.string().optional(),
  OPEN311_API_KEYS: optionalText,
  OPEN311_PUBLISH: z.enum(['none', 'masked', 'full'], { message: 'must be none, masked or full' }).default('masked'),
  OPEN311_READ_ACCESS: z.enum(['token', 'open'], { message: 'must be token or open' }).default('token'),
  RETENTION_DAYS: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number({ message: 'must be a number of days (0 keeps conversations forever)' }).int().min(0).default(180),
  ),
});

export type Environment = Record<string, string | undefined>;

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  /** Behind nginx or another reverse proxy: take the client address from X-Forwarded-For. */
  trustProxy: boolean;
  dataDirectory: string;
  databasePath: string;
  /** PostgreSQL instead of the SQLite file (DATABASE_URL), for several instances on one database. */
  databaseUrl: string | undefined;
  /**
   * This instance among those sharing the database: its name on the work it claims (outbox sends, inbound
   * messages being answered), and how long a claim holds unless renewed. The name is stable across restarts
   * (INSTANCE_ID, else host name and data directory), so a restarted instance takes back its own claims at
   * once; another instance's claims are taken over only once their lease ran out (src/database/claims.ts).
   */
  instance: { id: string; leaseMs: number };
  knowledgeDirectory: string;
  promptsDirectory: string;
  chroma: { url: string | undefined; port: number; dataDirectory: string; collection: string };
  ollama: {
    enabled: boolean;
    /** The first of `hosts`: the one a single-host set-up talks to. */
    host: string;
    /** Every configured Ollama host (OLLAMA_HOST, comma-separated). */
    hosts: string[];
    model: string;
    embedModel: string;
    timeoutMs: number;
    concurrency: number;
    temperature: number;
    contextLength: number;
  };
  telegram: {
    botToken: string | undefined;
    webhookSecret: string | undefined;
    apiRoot: string | undefined;
    mode: 'webhook' | 'polling';
    staffChatId: string | undefined;
  };
  whatsapp: {
    webEnabled: boolean;
    chromiumPath: string | undefined;
    cloudToken: string | undefined;
    phoneNumberId: string | undefined;
    appSecret: string | undefined;
    verifyToken: string | undefined;
    graphApiRoot: string | undefined;
    /** Approved message template for replies outside the 24-hour customer service window (Cloud API). */
    templateName: string | undefined;
    templateLanguage: string;
    /** whatsapp-web.js: answer messages written in groups too (off: only one-to-one chats). */
    webAllowGroups: boolean;
    /** Lets /admin/whatsapp/qr be opened from another machine with ?token=…; unset: loopback only. */
    qrToken: string | undefined;
  };
  microsoft: {
    appId: string | undefined;
    appPassword: string | undefined;
    tenantId: string | undefined;
    /** Entra ID (Azure AD) root the bot gets its tokens for the Bot Connector from. */
    loginApiRoot: string;
    /** Bot Framework root whose OpenID metadata signs the activities Teams sends us. */
    botOpenIdApiRoot: string;
  };
  /** Teams is on with MICROSOFT_APP_ID (tokens checked) or in local mode (Bot Framework Emulator, no checks). */
  teams: { enabled: boolean; localMode: boolean; staffConversationId: string | undefined };
  /** Daily digest of due and overdue tickets to each department's clerks, at this local time (HH:MM); undefined: off. */
  deadlines: { digestTime: string | undefined; timeZone: string };
  /** streamsPerIp: live-update (SSE) streams one address may hold open at once (a shared office or a mobile carrier's NAT counts as one). */
  webchat: { allowedOrigins: string[] | '*'; streamsPerIp: number };
  /**
   * Abuse limits: per minute per client IP on every route and per sender (chat identity, web chat session)
   * on messages; new web chat sessions per IP per day (each is kept for the retention period); failed
   * webhook authentications per IP per 10 minutes before the address is refused.
   */
  rateLimits: { perIpPerMinute: number; perSenderPerMinute: number; webchatSessionsPerIpPerDay: number; webhookAuthenticationFailuresPerIp: number };
  /** Load shedding (503 + Retry-After) before the event loop drowns; 0 turns a check off. */
  pressure: { maxEventLoopDelayMs: number; maxEventLoopUtilization: number; maxHeapBytes: number; maxRssBytes: number; retryAfterSeconds: number };
  townHallName: string;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  outboxPollMs: number;
  /** The town hall's PKCS#12 certificate that signs registration receipts; unset: receipts are unsigned. */
  receipts: { certificatePath: string | undefined; certificatePassword: string };
  /** The certificate that signs issued documents; unset: the receipts' one (src/documents/document-registry.ts). */
  documents: { certificatePath: string | undefined; certificatePassword: string };
  open311: {
    /** Open311 clients allowed to submit requests (and list them), each with a label stored on the requests it sends. */
    apiKeys: { label: string; key: string }[];
    /** What GET requests shows of free text (description, the clerk's answer): nothing, masked, or as written. */
    publish: 'none' | 'masked' | 'full';
    /** token: without an api_key a request is read only by its unguessable id; open: anyone lists and reads by number. */
    readAccess: 'token' | 'open';
  };
  /** Conversations without a ticket are deleted after this many days of inactivity; 0 keeps them. */
  retentionDays: number;
}

export class ConfigurationError extends Error {
  readonly code = 'FV_ERR_CONFIGURATION';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Reads `.env` from the working directory (if any); real environment variables win over it. */
export function readEnvironment(environment: Environment = process.env, dotenvPath = '.env'): Environment {
  const fromFile = fs.existsSync(dotenvPath) ? parseDotenv(fs.readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...environment };
}

export function loadConfig(environment: Environment): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigurationError(
      parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message} (got ${JSON.stringify(environment[String(issue.path[0])] ?? null)})`),
    );
  }
  const values = parsed.data;
  const problems: string[] = [];
  if (values.TELEGRAM_BOT_TOKEN && values.TELEGRAM_MODE === 'webhook' && !values.TELEGRAM_WEBHOOK_SECRET) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_BOT_TOKEN is set in webhook mode');
  }
  problems.push(...shortSecretProblems(values));
  if (values.WHATSAPP_CLOUD_TOKEN && (!values.WHATSAPP_APP_SECRET || !values.WHATSAPP_PHONE_NUMBER_ID || !values.WHATSAPP_VERIFY_TOKEN)) {
    problems.push('WHATSAPP_CLOUD_TOKEN: also needs WHATSAPP_APP_SECRET, WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_VERIFY_TOKEN');
  }
  if (values.DOCUMENT_CERTIFICATE_PATH && !fs.existsSync(values.DOCUMENT_CERTIFICATE_PATH)) {
    problems.push(`DOCUMENT_CERTIFICATE_PATH: no file at ${values.DOCUMENT_CERTIFICATE_PATH}`);
  }
  if (values.RECEIPT_CERTIFICATE_PATH && !fs.existsSync(values.RECEIPT_CERTIFICATE_PATH)) {
    problems.push(`RECEIPT_CERTIFICATE_PATH: no file at ${values.RECEIPT_CERTIFICATE_PATH}`);
  }
  const open311ApiKeys = parseApiKeys(values.OPEN311_API_KEYS, problems);
  if (values.MICROSOFT_APP_ID && !values.MICROSOFT_APP_PASSWORD) {
    problems.push('MICROSOFT_APP_PASSWORD: required when MICROSOFT_APP_ID is set (the client secret of the bot registration)');
  }
  if (values.MICROSOFT_APP_ID && values.TEAMS_LOCAL_MODE) {
    problems.push('TEAMS_LOCAL_MODE: local mode skips token checks; unset it when MICROSOFT_APP_ID is set');
  }
  if (problems.length > 0) throw new ConfigurationError(problems);

  const dataDirectory = path.resolve(values.DATA_DIR);
  const origins = values.WEBCHAT_ALLOWED_ORIGINS.trim();
  return {
    port: values.PORT,
    host: values.HOST,
    publicUrl: values.PUBLIC_URL,
    trustProxy: values.TRUST_PROXY,
    dataDirectory,
    databasePath: values.DATABASE_PATH ? path.resolve(values.DATABASE_PATH) : path.join(dataDirectory, 'functionar.db'),
    databaseUrl: values.DATABASE_URL,
    instance: { id: values.INSTANCE_ID ?? `${os.hostname()}:${dataDirectory}`, leaseMs: values.CLAIM_LEASE_MS },
    knowledgeDirectory: path.resolve(values.KNOWLEDGE_DIR),
    promptsDirectory: path.resolve(values.PROMPTS_DIR),
    chroma: { url: values.CHROMA_URL, port: values.CHROMA_PORT, dataDirectory: path.join(dataDirectory, 'chroma'), collection: values.CHROMA_COLLECTION },
    ollama: {
      enabled: values.OLLAMA_ENABLED,
      host: values.OLLAMA_HOST[0]!,
      hosts: values.OLLAMA_HOST,
      model: values.OLLAMA_MODEL,
      embedModel: values.OLLAMA_EMBED_MODEL,
      timeoutMs: values.OLLAMA_TIMEOUT_MS,
      concurrency: values.OLLAMA_CONCURRENCY,
      temperature: values.OLLAMA_TEMPERATURE,
      contextLength: values.OLLAMA_NUM_CTX,
    },
    telegram: {
      botToken: values.TELEGRAM_BOT_TOKEN,
      webhookSecret: values.TELEGRAM_WEBHOOK_SECRET,
      apiRoot: values.TELEGRAM_API_ROOT,
      mode: values.TELEGRAM_MODE,
      staffChatId: values.TELEGRAM_STAFF_CHAT_ID,
    },
    whatsapp: {
      webEnabled: values.WHATSAPP_WEB_ENABLED,
      chromiumPath: values.CHROMIUM_PATH,
      cloudToken: values.WHATSAPP_CLOUD_TOKEN,
      phoneNumberId: values.WHATSAPP_PHONE_NUMBER_ID,
      appSecret: values.WHATSAPP_APP_SECRET,
      verifyToken: values.WHATSAPP_VERIFY_TOKEN,
      graphApiRoot: values.WHATSAPP_GRAPH_API_ROOT,
      templateName: values.WHATSAPP_TEMPLATE_NAME,
      templateLanguage: values.WHATSAPP_TEMPLATE_LANGUAGE,
      webAllowGroups: values.WHATSAPP_WEB_ALLOW_GROUPS,
      qrToken: values.WHATSAPP_QR_TOKEN,
    },
    microsoft: {
      appId: values.MICROSOFT_APP_ID,
      appPassword: values.MICROSOFT_APP_PASSWORD,
      tenantId: values.MICROSOFT_APP_TENANT_ID,
      loginApiRoot: (values.MICROSOFT_LOGIN_API_ROOT ?? 'https://login.microsoftonline.com').replace(/\/+$/, ''),
      botOpenIdApiRoot: (values.MICROSOFT_BOT_OPENID_API_ROOT ?? 'https://login.botframework.com').replace(/\/+$/, ''),
    },
    teams: {
      enabled: Boolean(values.MICROSOFT_APP_ID) || values.TEAMS_LOCAL_MODE,
      localMode: !values.MICROSOFT_APP_ID && values.TEAMS_LOCAL_MODE,
      staffConversationId: values.TEAMS_STAFF_CONVERSATION_ID,
    },
    deadlines: { digestTime: values.DEADLINE_DIGEST_TIME === 'off' ? undefined : values.DEADLINE_DIGEST_TIME, timeZone: 'Europe/Bucharest' },
    webchat: { allowedOrigins: origins === '*' ? '*' : origins.split(',').map((origin) => origin.trim()).filter(Boolean), streamsPerIp: values.WEBCHAT_STREAMS_PER_IP },
    rateLimits: {
      perIpPerMinute: values.RATE_LIMIT_PER_IP_PER_MINUTE,
      perSenderPerMinute: values.RATE_LIMIT_PER_SENDER_PER_MINUTE,
      webchatSessionsPerIpPerDay: values.WEBCHAT_SESSIONS_PER_IP_PER_DAY,
      webhookAuthenticationFailuresPerIp: values.WEBHOOK_AUTH_FAILURES_PER_IP,
    },
    pressure: {
      maxEventLoopDelayMs: values.PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: values.PRESSURE_MAX_EVENT_LOOP_UTILIZATION,
      maxHeapBytes: values.PRESSURE_MAX_HEAP_MB * 1024 * 1024,
      maxRssBytes: values.PRESSURE_MAX_RSS_MB * 1024 * 1024,
      retryAfterSeconds: values.PRESSURE_RETRY_AFTER_SECONDS,
    },
    townHallName: values.TOWN_HALL_NAME,
    logLevel: values.LOG_LEVEL,
    outboxPollMs: values.OUTBOX_POLL_MS,
    receipts: {
      certificatePath: values.RECEIPT_CERTIFICATE_PATH ? path.resolve(values.RECEIPT_CERTIFICATE_PATH) : undefined,
      certificatePassword: values.RECEIPT_CERTIFICATE_PASSWORD ?? '',
    },
    documents: {
      certificatePath: values.DOCUMENT_CERTIFICATE_PATH ? path.resolve(values.DOCUMENT_CERTIFICATE_PATH) : undefined,
      certificatePassword: values.DOCUMENT_CERTIFICATE_PASSWORD ?? '',
    },
    open311: { apiKeys: open311ApiKeys, publish: values.OPEN311_PUBLISH, readAccess: values.OPEN311_READ_ACCESS },
    retentionDays: values.RETENTION_DAYS,
  };
}

/**
 * Secrets the town hall chooses (or copies) must resist guessing: a 1-character webhook secret was accepted.
 * 16 characters is the floor (`openssl rand -hex 24` gives 48). The value itself is never repeated in the message.
 */
export const minimumSecretLength = 16;

function shortSecretProblems(values: z.infer<typeof environmentSchema>): string[] {
  const problems: string[] = [];
  const secrets: [string, string | undefined][] = [
    ['TELEGRAM_WEBHOOK_SECRET', values.TELEGRAM_WEBHOOK_SECRET],
    ['WHATSAPP_VERIFY_TOKEN', values.WHATSAPP_VERIFY_TOKEN],
    ['WHATSAPP_APP_SECRET', values.WHATSAPP_APP_SECRET],
    ['WHATSAPP_QR_TOKEN', values.WHATSAPP_QR_TOKEN],
  ];
  for (const [name, secret] of secrets) {
    if (secret !== undefined && secret.length < minimumSecretLength) {
      problems.push(`${name}: must be at least ${minimumSecretLength} characters (got ${secret.length}); generate one with: openssl rand -hex 24`);
    }
  }
  // Telegram itself refuses other characters when the webhook is set, so say it here, at start-up.
  const telegramSecret = values.TELEGRAM_WEBHOOK_SECRET;
  if (telegramSecret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(telegramSecret)) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: Telegram accepts only letters A-Z and a-z, digits, _ and - (at most 256 characters)');
  }
  return problems;
}

/** `label=key,label2=key2` (or bare keys, labelled client-1, client-2…); keys must be long enough to resist guessing. */
function parseApiKeys(text: string | undefined, problems: string[]): { label: string; key: string }[] {
  if (!text) return [];
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const separator = entry.indexOf('=');
      const label = separator > 0 ? entry.slice(0, separator).trim() : `client-${index + 1}`;
      const key = separator > 0 ? entry.slice(separator + 1).trim() : entry;
      if (key.length < 16) problems.push(`OPEN311_API_KEYS: the key of "${label}" is shorter than 16 characters`);
      return { label, key };
    });
}
