CREATE TABLE "admin_sessions" (
	"id" serial PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"clerk_id" integer NOT NULL,
	"csrf_token" text NOT NULL,
	"ip" text,
	"user_agent" text,
	"flash" text,
	"last_submission_id" text,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL,
	"last_seen_at" text NOT NULL,
	"expires_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_state" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	"expires_at" text,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clerks" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"department" text NOT NULL,
	"telegram_id" text,
	"teams_id" text,
	"whatsapp" text,
	"password_hash" text,
	"active" integer DEFAULT 1 NOT NULL,
	"editor" integer DEFAULT 0 NOT NULL,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"display_name" text,
	"language" text,
	"channel_data" text,
	"consent_at" text,
	"consent_version" text,
	"anonymised_at" text,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL,
	"last_seen_at" text
);
--> statement-breakpoint
CREATE TABLE "conversations" (
	"id" serial PRIMARY KEY NOT NULL,
	"contact_id" integer NOT NULL,
	"channel" text NOT NULL,
	"language" text DEFAULT 'ro' NOT NULL,
	"state" text,
	"handed_over" integer DEFAULT 0 NOT NULL,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL,
	"updated_at" text
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" serial PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"number" integer NOT NULL,
	"ticket_id" integer NOT NULL,
	"procedure_slug" text,
	"template" text NOT NULL,
	"title" text NOT NULL,
	"code" text NOT NULL,
	"file_name" text NOT NULL,
	"storage_path" text,
	"sha256" text NOT NULL,
	"pages" integer DEFAULT 1 NOT NULL,
	"signed" integer NOT NULL,
	"signer" text,
	"issued_by_clerk_id" integer,
	"issued_at" text NOT NULL,
	"archive_entry" text,
	"revoked_at" text,
	"revoked_reason" text,
	"revoked_by_clerk_id" integer
);
--> statement-breakpoint
CREATE TABLE "indicator_archive" (
	"id" serial PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"metric" text NOT NULL,
	"key" text DEFAULT '' NOT NULL,
	"value" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"file" text NOT NULL,
	"content" text NOT NULL,
	"action" text NOT NULL,
	"summary" text,
	"published_by_clerk_id" integer,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" serial PRIMARY KEY NOT NULL,
	"conversation_id" integer NOT NULL,
	"contact_id" integer NOT NULL,
	"channel" text NOT NULL,
	"direction" text NOT NULL,
	"author" text NOT NULL,
	"external_id" text,
	"text" text NOT NULL,
	"parts" text,
	"intent" text,
	"answer_mode" text,
	"ticket_id" integer,
	"clerk_id" integer,
	"in_reply_to" integer,
	"processed_at" text,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "number_sequences" (
	"id" serial PRIMARY KEY NOT NULL,
	"register" text NOT NULL,
	"year" integer NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "open311_requests" (
	"id" serial PRIMARY KEY NOT NULL,
	"ticket_id" integer NOT NULL,
	"service_code" text NOT NULL,
	"client" text NOT NULL,
	"description" text NOT NULL,
	"address" text,
	"latitude" double precision,
	"longitude" double precision,
	"media_url" text,
	"device_id" text,
	"account_id" text,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" serial PRIMARY KEY NOT NULL,
	"message_id" integer,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"payload" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" text NOT NULL,
	"last_error" text,
	"external_id" text,
	"ticket_id" integer,
	"sent_at" text,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL,
	"delivery_status" text,
	"delivery_status_at" text
);
--> statement-breakpoint
CREATE TABLE "processed_updates" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "receipts" (
	"id" serial PRIMARY KEY NOT NULL,
	"ticket_id" integer NOT NULL,
	"code" text NOT NULL,
	"file_name" text NOT NULL,
	"storage_path" text,
	"sha256" text NOT NULL,
	"signed" integer NOT NULL,
	"signer" text,
	"issued_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "saved_replies" (
	"id" serial PRIMARY KEY NOT NULL,
	"department" text DEFAULT '' NOT NULL,
	"language" text NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL,
	"updated_at" text
);
--> statement-breakpoint
CREATE TABLE "ticket_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"ticket_id" integer,
	"kind" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"channel" text,
	"detail" text,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" serial PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"number" integer NOT NULL,
	"contact_id" integer NOT NULL,
	"conversation_id" integer,
	"channel" text NOT NULL,
	"type" text NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"procedure_slug" text,
	"department" text NOT NULL,
	"status" text DEFAULT 'nou' NOT NULL,
	"handover" integer DEFAULT 0 NOT NULL,
	"citizen_name" text,
	"citizen_phone" text,
	"citizen_email" text,
	"consent_at" text,
	"consent_version" text,
	"due_date" text NOT NULL,
	"due_rule" text NOT NULL,
	"assignee_clerk_id" integer,
	"first_response_at" text,
	"closed_at" text,
	"archive_entry" text,
	"unread_citizen_messages" integer DEFAULT 0 NOT NULL,
	"last_citizen_message_at" text,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL,
	"updated_at" text
);
--> statement-breakpoint
CREATE TABLE "unanswered_questions" (
	"id" serial PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	"normalized" text NOT NULL,
	"language" text NOT NULL,
	"outcome" text NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"created_at" text DEFAULT to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL,
	"last_asked_at" text NOT NULL,
	"taught_slug" text,
	"taught_out_of_scope" integer DEFAULT 0 NOT NULL,
	"taught_by_clerk_id" integer,
	"taught_at" text
);
--> statement-breakpoint
ALTER TABLE "admin_sessions" ADD CONSTRAINT "admin_sessions_clerk_id_clerks_id_fk" FOREIGN KEY ("clerk_id") REFERENCES "public"."clerks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "open311_requests" ADD CONSTRAINT "open311_requests_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "admin_sessions_token_hash" ON "admin_sessions" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "admin_sessions_clerk" ON "admin_sessions" USING btree ("clerk_id");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_state_channel_key" ON "channel_state" USING btree ("channel","key");--> statement-breakpoint
CREATE UNIQUE INDEX "clerks_name" ON "clerks" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "clerks_telegram" ON "clerks" USING btree ("telegram_id");--> statement-breakpoint
CREATE UNIQUE INDEX "clerks_teams" ON "clerks" USING btree ("teams_id");--> statement-breakpoint
CREATE UNIQUE INDEX "clerks_whatsapp" ON "clerks" USING btree ("whatsapp");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_channel_external_id" ON "contacts" USING btree ("channel","external_id");--> statement-breakpoint
CREATE INDEX "conversations_contact" ON "conversations" USING btree ("contact_id");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_year_number" ON "documents" USING btree ("year","number");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_code" ON "documents" USING btree ("code");--> statement-breakpoint
CREATE INDEX "documents_ticket" ON "documents" USING btree ("ticket_id");--> statement-breakpoint
CREATE UNIQUE INDEX "indicator_archive_year_metric_key" ON "indicator_archive" USING btree ("year","metric","key");--> statement-breakpoint
CREATE INDEX "knowledge_versions_file" ON "knowledge_versions" USING btree ("file");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_channel_external_id" ON "messages" USING btree ("channel","external_id");--> statement-breakpoint
CREATE INDEX "messages_conversation" ON "messages" USING btree ("conversation_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "number_sequences_register_year" ON "number_sequences" USING btree ("register","year");--> statement-breakpoint
CREATE UNIQUE INDEX "open311_requests_ticket" ON "open311_requests" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "outbox_due" ON "outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "outbox_channel_external_id" ON "outbox" USING btree ("channel","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "processed_updates_channel_external_id" ON "processed_updates" USING btree ("channel","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "receipts_ticket" ON "receipts" USING btree ("ticket_id");--> statement-breakpoint
CREATE UNIQUE INDEX "receipts_code" ON "receipts" USING btree ("code");--> statement-breakpoint
CREATE INDEX "saved_replies_department_language" ON "saved_replies" USING btree ("department","language");--> statement-breakpoint
CREATE INDEX "ticket_events_ticket" ON "ticket_events" USING btree ("ticket_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_year_number" ON "tickets" USING btree ("year","number");--> statement-breakpoint
CREATE INDEX "tickets_contact" ON "tickets" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "tickets_status" ON "tickets" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "unanswered_questions_language_normalized" ON "unanswered_questions" USING btree ("language","normalized");--> statement-breakpoint
CREATE INDEX "unanswered_questions_count" ON "unanswered_questions" USING btree ("count");