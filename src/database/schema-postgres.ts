// PostgreSQL's tables, for drizzle-kit only: it generates src/database/migrations-postgres/ from this file
// (`npm run db:generate`). The application's queries are written once, against the table definitions of
// schema.ts, and drizzle renders them for either engine; so every table and column here mirrors schema.ts
// with the same names and the same stored values (ISO text for times, 0/1 for flags, JSON as text), and
// tests/database/postgres-schema.test.ts fails when the two drift apart.
import { sql } from 'drizzle-orm';
import { doublePrecision, index, integer, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';

const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** One row per channel identity: a Telegram user, a WhatsApp number, a web chat session. */
export const contacts = pgTable(
  'contacts',
  {
    id: serial('id').primaryKey(),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    displayName: text('display_name'),
    language: text('language'),
    /** Channel-specific data needed to reach this person again (chat id, conversation reference…). */
    channelData: text('channel_data'),
    consentAt: text('consent_at'),
    consentVersion: text('consent_version'),
    anonymisedAt: text('anonymised_at'),
    createdAt: createdAt(),
    lastSeenAt: text('last_seen_at'),
  },
  (table) => [uniqueIndex('contacts_channel_external_id').on(table.channel, table.externalId)],
);

export const conversations = pgTable(
  'conversations',
  {
    id: serial('id').primaryKey(),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id),
    channel: text('channel').notNull(),
    language: text('language').notNull().default('ro'),
    /** The guided-intake state machine and other per-conversation memory, as JSON. */
    state: text('state'),
    /** Set when a clerk was involved (handover or ticket) — for the indicators. */
    handedOver: integer('handed_over').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (table) => [index('conversations_contact').on(table.contactId)],
);

export const messages = pgTable(
  'messages',
  {
    id: serial('id').primaryKey(),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id),
    channel: text('channel').notNull(),
    direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
    author: text('author', { enum: ['citizen', 'bot', 'clerk'] }).notNull(),
    /** The channel's own id of an inbound message: the dedupe key together with the channel. */
    externalId: text('external_id'),
    text: text('text').notNull(),
    /** Typed parts beyond text: sources, buttons, attachments, location. */
    parts: text('parts'),
    intent: text('intent'),
    answerMode: text('answer_mode'),
    ticketId: integer('ticket_id'),
    clerkId: integer('clerk_id'),
    /** Outbound only: the inbound message this answers, so a duplicate delivery can be answered from storage. */
    inReplyTo: integer('in_reply_to'),
    /** Inbound only: set once the pipeline committed its replies; unset rows are resumed after a restart. */
    processedAt: text('processed_at'),
    /** Inbound only: the instance answering it and until when that claim holds unless renewed (src/database/claims.ts). */
    claimedBy: text('claimed_by'),
    leaseUntil: text('lease_until'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('messages_channel_external_id').on(table.channel, table.externalId),
    index('messages_conversation').on(table.conversationId, table.id),
  ],
);

export const tickets = pgTable(
  'tickets',
  {
    id: serial('id').primaryKey(),
    year: integer('year').notNull(),
    number: integer('number').notNull(),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id),
    conversationId: integer('conversation_id').references(() => conversations.id),
    channel: text('channel').notNull(),
    type: text('type').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    procedureSlug: text('procedure_slug'),
    department: text('department').notNull(),
    status: text('status').notNull().default('nou'),
    handover: integer('handover').notNull().default(0),
    citizenName: text('citizen_name'),
    citizenPhone: text('citizen_phone'),
    citizenEmail: text('citizen_email'),
    consentAt: text('consent_at'),
    consentVersion: text('consent_version'),
    dueDate: text('due_date').notNull(),
    dueRule: text('due_rule').notNull(),
    assigneeClerkId: integer('assignee_clerk_id'),
    firstResponseAt: text('first_response_at'),
    closedAt: text('closed_at'),
    /** The archive index entry (nomenclatorul arhivistic) the ticket is filed under, e.g. "III-4". */
    archiveEntry: text('archive_entry'),
    /** Citizen messages added to the ticket that no clerk has opened yet (the inbox's unread marker). */
    unreadCitizenMessages: integer('unread_citizen_messages').notNull().default(0),
    /** When the citizen last wrote on the ticket's thread; the inbox sorts and reopens by it. */
    lastCitizenMessageAt: text('last_citizen_message_at'),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (table) => [
    uniqueIndex('tickets_year_number').on(table.year, table.number),
    index('tickets_contact').on(table.contactId),
    index('tickets_status').on(table.status),
  ],
);

/** The audit trail: every command and state change, and refused attempts (ticket may be unknown). */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: serial('id').primaryKey(),
    ticketId: integer('ticket_id'),
    kind: text('kind').notNull(),
    actorType: text('actor_type', { enum: ['citizen', 'clerk', 'bot', 'system', 'unknown'] }).notNull(),
    actorId: text('actor_id'),
    channel: text('channel'),
    detail: text('detail'),
    createdAt: createdAt(),
  },
  (table) => [index('ticket_events_ticket').on(table.ticketId)],
);

export const outbox = pgTable(
  'outbox',
  {
    id: serial('id').primaryKey(),
    messageId: integer('message_id').references(() => messages.id),
    channel: text('channel').notNull(),
    /** Who receives it on that channel: a contact's external id, a staff chat, a clerk. */
    recipient: text('recipient').notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    externalId: text('external_id'),
    ticketId: integer('ticket_id'),
    sentAt: text('sent_at'),
    createdAt: createdAt(),
    /** What the channel reported after the send (WhatsApp: sent, delivered, read, failed), for the clerk and the indicators. */
    deliveryStatus: text('delivery_status'),
    deliveryStatusAt: text('delivery_status_at'),
    /** While "sending": the instance sending it and until when its claim holds unless renewed (src/database/claims.ts). */
    claimedBy: text('claimed_by'),
    leaseUntil: text('lease_until'),
  },
  (table) => [index('outbox_due').on(table.status, table.nextAttemptAt), index('outbox_channel_external_id').on(table.channel, table.externalId)],
);

export const clerks = pgTable(
  'clerks',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    department: text('department').notNull(),
    telegramId: text('telegram_id'),
    teamsId: text('teams_id'),
    whatsapp: text('whatsapp'),
    passwordHash: text('password_hash'),
    active: integer('active').notNull().default(1),
    /** May edit and publish the knowledge base (procedures, town hall, life events, redirects) in /admin. */
    editor: integer('editor').notNull().default(0),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('clerks_name').on(table.name),
    uniqueIndex('clerks_telegram').on(table.telegramId),
    uniqueIndex('clerks_teams').on(table.teamsId),
    uniqueIndex('clerks_whatsapp').on(table.whatsapp),
  ],
);

export type ConversationRow = typeof conversations.$inferSelect;
export type TicketRow = typeof tickets.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;

/**
 * Signed-in clerks of the web inbox. The cookie carries an opaque random token; only its SHA-256 is
 * stored, so a copy of the database does not let anyone sign in.
 */
export const adminSessions = pgTable(
  'admin_sessions',
  {
    id: serial('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    clerkId: integer('clerk_id')
      .notNull()
      .references(() => clerks.id),
    /** The synchronizer token every POST form of this session must carry. */
    csrfToken: text('csrf_token').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /** A one-time message shown on the next page (post/redirect/get). */
    flash: text('flash'),
    /** The id of the last form handled, so a double-clicked "Trimite" sends the reply once. */
    lastSubmissionId: text('last_submission_id'),
    createdAt: createdAt(),
    lastSeenAt: text('last_seen_at').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (table) => [uniqueIndex('admin_sessions_token_hash').on(table.tokenHash), index('admin_sessions_clerk').on(table.clerkId)],
);


/**
 * Inbound updates a channel handles outside the conversation pipeline (a clerk's command from Telegram):
 * the messages table de-duplicates citizens' messages, this de-duplicates the rest, so an update the
 * channel delivers twice runs its command once, also across a restart.
 */
export const processedUpdates = pgTable(
  'processed_updates',
  {
    id: serial('id').primaryKey(),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('processed_updates_channel_external_id').on(table.channel, table.externalId)],
);


/**
 * What a channel adapter must remember that is neither a citizen nor a message (Teams conversation
 * references of staff channels and clerks' chats): one JSON value per channel and key, optionally
 * expiring. Adapters reach it only through src/gateway/channel-state-store.ts, in their own namespace.
 */
export const channelState = pgTable(
  'channel_state',
  {
    id: serial('id').primaryKey(),
    channel: text('channel').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
    expiresAt: text('expires_at'),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [uniqueIndex('channel_state_channel_key').on(table.channel, table.key)],
);


/**
 * The registration receipt ("confirmare de înregistrare") issued for a ticket: the PDF is made once and
 * kept, and its SHA-256 recorded, so a copy the citizen shows later can be checked against what was issued.
 */
export const receipts = pgTable(
  'receipts',
  {
    id: serial('id').primaryKey(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    /** Printed on the receipt and looked up by GET /verify/:code; random, not derived from the ticket. */
    code: text('code').notNull(),
    fileName: text('file_name').notNull(),
    /** Path under the data directory; null once the file was erased at the citizen's request. */
    storagePath: text('storage_path'),
    sha256: text('sha256').notNull(),
    signed: integer('signed').notNull(),
    /** The signing certificate's subject, as the receipt names it. */
    signer: text('signer'),
    issuedAt: text('issued_at').notNull(),
  },
  (table) => [uniqueIndex('receipts_ticket').on(table.ticketId), uniqueIndex('receipts_code').on(table.code)],
);


/** What an Open311 (GeoReport v2) client sent beyond the ticket itself: where, which service, which client. */
export const open311Requests = pgTable(
  'open311_requests',
  {
    id: serial('id').primaryKey(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    serviceCode: text('service_code').notNull(),
    /** The label of the API key the request came with. */
    client: text('client').notNull(),
    /** The description as the client sent it (the ticket's text adds the location for the clerks). */
    description: text('description').notNull(),
    address: text('address'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    mediaUrl: text('media_url'),
    deviceId: text('device_id'),
    accountId: text('account_id'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('open311_requests_ticket').on(table.ticketId)],
);


/**
 * Yearly counts kept when the retention job deletes old conversations, so the indicators of a past year
 * (users per channel against the funded target) do not shrink as personal data is deleted. Counts only.
 */
export const indicatorArchive = pgTable(
  'indicator_archive',
  {
    id: serial('id').primaryKey(),
    year: integer('year').notNull(),
    metric: text('metric').notNull(),
    /** A channel, a procedure slug, or '' for a plain count. */
    key: text('key').notNull().default(''),
    value: integer('value').notNull().default(0),
  },
  (table) => [uniqueIndex('indicator_archive_year_metric_key').on(table.year, table.metric, table.key)],
);


/**
 * Questions the bot refused or asked about instead of answering, counted per phrasing (personal data
 * masked before storing). A clerk links one to a procedure, or marks it out of scope, and from then on
 * that phrasing is answered so (`taught_slug` / `taught_out_of_scope`), without a restart and across ingest.
 */
export const unansweredQuestions = pgTable(
  'unanswered_questions',
  {
    id: serial('id').primaryKey(),
    /** The masked question as first asked. */
    text: text('text').notNull(),
    /** The phrasing's key: folded, without punctuation, spaces collapsed — the same question counts once. */
    normalized: text('normalized').notNull(),
    language: text('language').notNull(),
    /** `refused` or `clarified`: what the bot did the last time. */
    outcome: text('outcome').notNull(),
    count: integer('count').notNull().default(1),
    firstAskedAt: createdAt(),
    lastAskedAt: text('last_asked_at').notNull(),
    taughtSlug: text('taught_slug'),
    taughtOutOfScope: integer('taught_out_of_scope').notNull().default(0),
    taughtByClerkId: integer('taught_by_clerk_id'),
    taughtAt: text('taught_at'),
  },
  (table) => [uniqueIndex('unanswered_questions_language_normalized').on(table.language, table.normalized), index('unanswered_questions_count').on(table.count)],
);


/** Canned answers a clerk picks in the web inbox, per department and language (ro, hu, en). */
export const savedReplies = pgTable(
  'saved_replies',
  {
    id: serial('id').primaryKey(),
    /** A department id, or '' for every department. */
    department: text('department').notNull().default(''),
    language: text('language').notNull(),
    title: text('title').notNull(),
    text: text('text').notNull(),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (table) => [index('saved_replies_department_language').on(table.department, table.language)],
);


/**
 * Every published version of a knowledge file (a procedure, town-hall.md, life events, redirects): the
 * files stay the source of truth; this is their history — who, when, what — and what a restore brings back.
 */
export const knowledgeVersions = pgTable(
  'knowledge_versions',
  {
    id: serial('id').primaryKey(),
    /** Path relative to the knowledge directory, e.g. "procedures/certificat-urbanism.md". */
    file: text('file').notNull(),
    /** The whole file as published ('' when the action removed it). */
    content: text('content').notNull(),
    /** `create`, `publish`, `restore`, `unpublish` or `disk` (changed by hand on the server). */
    action: text('action').notNull(),
    summary: text('summary'),
    publishedByClerkId: integer('published_by_clerk_id'),
    publishedAt: createdAt(),
  },
  (table) => [index('knowledge_versions_file').on(table.file)],
);


/**
 * Papers the town hall issues (adeverințe, certificates, answers to petitions): the outgoing register
 * (registrul de ieșire), numbered per year without gaps in the same transaction as the row.
 */
export const documents = pgTable(
  'documents',
  {
    id: serial('id').primaryKey(),
    year: integer('year').notNull(),
    number: integer('number').notNull(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    procedureSlug: text('procedure_slug'),
    /** The template it was made from (its file name under knowledge/). */
    template: text('template').notNull(),
    title: text('title').notNull(),
    /** Printed on the document and looked up by GET /verify/:code; random. */
    code: text('code').notNull(),
    fileName: text('file_name').notNull(),
    /** Path under the data directory; null once erased. */
    storagePath: text('storage_path'),
    sha256: text('sha256').notNull(),
    pages: integer('pages').notNull().default(1),
    signed: integer('signed').notNull(),
    signer: text('signer'),
    issuedByClerkId: integer('issued_by_clerk_id'),
    issuedAt: text('issued_at').notNull(),
    /** The archive index entry it is filed under (nomenclatorul arhivistic). */
    archiveEntry: text('archive_entry'),
    revokedAt: text('revoked_at'),
    revokedReason: text('revoked_reason'),
    revokedByClerkId: integer('revoked_by_clerk_id'),
  },
  (table) => [uniqueIndex('documents_year_number').on(table.year, table.number), uniqueIndex('documents_code').on(table.code), index('documents_ticket').on(table.ticketId)],
);


export const numberSequences = pgTable(
  'number_sequences',
  {
    id: serial('id').primaryKey(),
    register: text('register').notNull(),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (table) => [uniqueIndex('number_sequences_register_year').on(table.register, table.year)],
);
