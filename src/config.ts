import fs from 'node:fs';
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
  DATA_DIR: z.string().default('data'),
  DATABASE_PATH: optionalText,
  KNOWLEDGE_DIR: z.string().default('knowledge'),
  PROMPTS_DIR: z.string().default('prompts'),
  CHROMA_URL: optionalUrl,
  CHROMA_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  OLLAMA_HOST: z.string().url({ message: 'must be a URL such as http://127.0.0.1:11434' }).default('http://127.0.0.1:11434'),
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
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TENANT_ID: optionalText,
  WEBCHAT_ALLOWED_ORIGINS: z.string().default('*'),
  TOWN_HALL_NAME: z.string().default('Primăria Bălăușeri'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(1000),
});

export type Environment = Record<string, string | undefined>;

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  dataDirectory: string;
  databasePath: string;
  knowledgeDirectory: string;
  promptsDirectory: string;
  chroma: { url: string | undefined; port: number; dataDirectory: string };
  ollama: {
    enabled: boolean;
    host: string;
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
  };
  microsoft: { appId: string | undefined; appPassword: string | undefined; tenantId: string | undefined };
  webchat: { allowedOrigins: string[] | '*' };
  townHallName: string;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  outboxPollMs: number;
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
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(environment[String(issue.path[0])] ?? null)})`),
    );
  }
  const values = parsed.data;
  const problems: string[] = [];
  if (values.TELEGRAM_BOT_TOKEN && values.TELEGRAM_MODE === 'webhook' && !values.TELEGRAM_WEBHOOK_SECRET) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_BOT_TOKEN is set in webhook mode');
  }
  if (values.WHATSAPP_CLOUD_TOKEN && (!values.WHATSAPP_APP_SECRET || !values.WHATSAPP_PHONE_NUMBER_ID || !values.WHATSAPP_VERIFY_TOKEN)) {
    problems.push('WHATSAPP_CLOUD_TOKEN: also needs WHATSAPP_APP_SECRET, WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_VERIFY_TOKEN');
  }
  if (problems.length > 0) throw new ConfigurationError(problems);

  const dataDirectory = path.resolve(values.DATA_DIR);
  const origins = values.WEBCHAT_ALLOWED_ORIGINS.trim();
  return {
    port: values.PORT,
    host: values.HOST,
    publicUrl: values.PUBLIC_URL,
    dataDirectory,
    databasePath: values.DATABASE_PATH ? path.resolve(values.DATABASE_PATH) : path.join(dataDirectory, 'functionar.db'),
    knowledgeDirectory: path.resolve(values.KNOWLEDGE_DIR),
    promptsDirectory: path.resolve(values.PROMPTS_DIR),
    chroma: { url: values.CHROMA_URL, port: values.CHROMA_PORT, dataDirectory: path.join(dataDirectory, 'chroma') },
    ollama: {
      enabled: values.OLLAMA_ENABLED,
      host: values.OLLAMA_HOST,
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
    },
    microsoft: { appId: values.MICROSOFT_APP_ID, appPassword: values.MICROSOFT_APP_PASSWORD, tenantId: values.MICROSOFT_APP_TENANT_ID },
    webchat: { allowedOrigins: origins === '*' ? '*' : origins.split(',').map((origin) => origin.trim()).filter(Boolean) },
    townHallName: values.TOWN_HALL_NAME,
    logLevel: values.LOG_LEVEL,
    outboxPollMs: values.OUTBOX_POLL_MS,
  };
}
