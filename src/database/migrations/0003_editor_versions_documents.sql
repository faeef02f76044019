CREATE TABLE `documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`year` integer NOT NULL,
	`number` integer NOT NULL,
	`ticket_id` integer NOT NULL,
	`procedure_slug` text,
	`template` text NOT NULL,
	`title` text NOT NULL,
	`code` text NOT NULL,
	`file_name` text NOT NULL,
	`storage_path` text,
	`sha256` text NOT NULL,
	`pages` integer DEFAULT 1 NOT NULL,
	`signed` integer NOT NULL,
	`signer` text,
	`issued_by_clerk_id` integer,
	`issued_at` text NOT NULL,
	`archive_entry` text,
	`revoked_at` text,
	`revoked_reason` text,
	`revoked_by_clerk_id` integer,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `documents_year_number` ON `documents` (`year`,`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `documents_code` ON `documents` (`code`);--> statement-breakpoint
CREATE INDEX `documents_ticket` ON `documents` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `knowledge_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`file` text NOT NULL,
	`content` text NOT NULL,
	`action` text NOT NULL,
	`summary` text,
	`published_by_clerk_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `knowledge_versions_file` ON `knowledge_versions` (`file`);--> statement-breakpoint
ALTER TABLE `clerks` ADD `editor` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `tickets` ADD `archive_entry` text;