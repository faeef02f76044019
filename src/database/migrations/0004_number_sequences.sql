CREATE TABLE `number_sequences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`register` text NOT NULL,
	`year` integer NOT NULL,
	`last` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `number_sequences_register_year` ON `number_sequences` (`register`,`year`);--> statement-breakpoint
-- Numbers already given continue from where they are.
INSERT INTO `number_sequences` (`register`, `year`, `last`) SELECT 'tickets', `year`, max(`number`) FROM `tickets` GROUP BY `year`;
--> statement-breakpoint
INSERT INTO `number_sequences` (`register`, `year`, `last`) SELECT 'documents', `year`, max(`number`) FROM `documents` GROUP BY `year`;
