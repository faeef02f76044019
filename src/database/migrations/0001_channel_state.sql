CREATE TABLE `channel_state` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`expires_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_state_channel_key` ON `channel_state` (`channel`,`key`);--> statement-breakpoint
-- Teams kept staff conversation references (clerks' chats, team channels) as contacts: they move to the
-- channel's own state (a clerk's chat keyed by the Entra ID object id in lower case, as clerks are now).
INSERT INTO `channel_state` (`channel`, `key`, `value`, `updated_at`)
SELECT 'teams', 'conversation:' || CASE WHEN json_extract(`channel_data`, '$.kind') = 'clerk' THEN lower(`external_id`) ELSE `external_id` END,
  json_object(
    'kind', coalesce(json_extract(`channel_data`, '$.kind'), 'group'),
    'conversationReference', json(json_extract(`channel_data`, '$.conversationReference')),
    'teamName', json_extract(`channel_data`, '$.teamName'),
    'displayName', `display_name`
  ),
  coalesce(`last_seen_at`, `created_at`)
FROM `contacts`
WHERE `channel` = 'teams' AND json_extract(`channel_data`, '$.conversationReference') IS NOT NULL;--> statement-breakpoint
DELETE FROM `contacts`
WHERE `channel` = 'teams'
  AND `id` NOT IN (SELECT `contact_id` FROM `conversations`)
  AND `id` NOT IN (SELECT `contact_id` FROM `messages`)
  AND `id` NOT IN (SELECT `contact_id` FROM `tickets`);
