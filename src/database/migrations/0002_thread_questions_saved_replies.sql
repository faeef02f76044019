CREATE TABLE `saved_replies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`department` text DEFAULT '' NOT NULL,
	`language` text NOT NULL,
	`title` text NOT NULL,
	`text` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text
);
--> statement-breakpoint
CREATE INDEX `saved_replies_department_language` ON `saved_replies` (`department`,`language`);--> statement-breakpoint
CREATE TABLE `unanswered_questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`text` text NOT NULL,
	`normalized` text NOT NULL,
	`language` text NOT NULL,
	`outcome` text NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`last_asked_at` text NOT NULL,
	`taught_slug` text,
	`taught_out_of_scope` integer DEFAULT false NOT NULL,
	`taught_by_clerk_id` integer,
	`taught_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `unanswered_questions_language_normalized` ON `unanswered_questions` (`language`,`normalized`);--> statement-breakpoint
CREATE INDEX `unanswered_questions_count` ON `unanswered_questions` (`count`);--> statement-breakpoint
ALTER TABLE `tickets` ADD `unread_citizen_messages` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tickets` ADD `last_citizen_message_at` text;