ALTER TABLE `messages` ADD `claimed_by` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `lease_until` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `claimed_by` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `lease_until` text;