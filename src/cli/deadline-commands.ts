import type { Command } from 'commander';
import type { Config } from '../config.ts';
import type { CommandRegistrar } from './command-registrars.ts';
import { openCommandDatabase } from './with-database.ts';

// `functionar digest [--dry-run]`: the morning deadline digest, now. The running server's outbox sends
// what this queues (it polls every OUTBOX_POLL_MS); the scheduler will not send another one today.

/** The staff channels this installation has switched on, read from the configuration as the channels do. */
export function enabledStaffChannels(config: Config): Set<string> {
  const channels = new Set<string>();
  if (config.telegram.botToken) channels.add('telegram');
  if (config.teams.enabled) channels.add('teams');
  return channels;
}

export const registerDeadlineCommands: CommandRegistrar = (program: Command, environment) => {
  program
    .command('digest')
    .description('send the digest of tickets overdue or due within 3 days to each department\'s clerks (Teams, Telegram) now')
    .option('--dry-run', 'print the messages without queueing them')
    .action(async (options: { dryRun?: boolean }) => {
      const config = environment.config();
      const { sendDigest } = await import('../tickets/deadline-digest.ts');
      const database = await openCommandDatabase(config);
      try {
        const report = await sendDigest(database.db, { now: new Date(), timeZone: config.deadlines.timeZone, channels: enabledStaffChannels(config), dryRun: options.dryRun });
        if (report.departments.length === 0) {
          console.log(`No open ticket is overdue or due within 3 days (${report.date}).`);
          return;
        }
        const printed = new Set<string>();
        for (const digest of report.departments) {
          const recipients = report.messages.filter((message) => message.department === digest.department);
          console.log(`— ${digest.department}: ${digest.overdue.length} overdue, ${digest.dueSoon.length} due soon → ${recipients.map((message) => `${message.clerk} (${message.channel})`).join(', ') || 'no clerk reachable on Teams or Telegram'}`);
          const text = recipients[0]?.message.text;
          if (text && !printed.has(digest.department)) {
            printed.add(digest.department);
            console.log(text.replace(/^/gm, '    '));
          }
        }
        if (report.unreached.length > 0) console.log(`Not reachable: ${report.unreached.join(', ')} — register clerks with --telegram or --teams (Teams: the clerk writes to the bot once).`);
        console.log(options.dryRun ? 'Dry run: nothing was queued.' : `${report.messages.length} message(s) queued; the server sends them.`);
      } finally {
        await database.close();
      }
    });
};
