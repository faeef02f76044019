import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CommandRegistrar } from './command-registrars.ts';
import { openCommandDatabase } from './with-database.ts';

// `functionar teams package | conversations`: what an administrator needs to install the Teams
// app and to pick the staff channel (README "Teams").

export const registerTeamsCommands: CommandRegistrar = (program: Command, environment) => {
  const teams = program.command('teams').description('Microsoft Teams app for clerks');

  teams
    .command('package')
    .description('write the Teams app package (manifest.json from teams/ filled from .env, and the two icons) as a zip to upload in Teams')
    .option('--out <file>', 'where to write the zip', 'functionar-teams.zip')
    .action(async (options: { out: string }) => {
      const { buildTeamsAppPackage, TeamsPackageError } = await import('../../channels/teams/app-package.ts');
      try {
        const appPackage = buildTeamsAppPackage(environment.config());
        fs.writeFileSync(options.out, appPackage.zip);
        console.log(`Teams app package written to ${path.resolve(options.out)} (${appPackage.zip.length} bytes):`);
        for (const file of appPackage.files) console.log(`  ${file.name.padEnd(14)} ${file.data.length} bytes`);
        console.log(`App id ${appPackage.manifest.id}, bot messaging endpoint ${appPackage.manifest.validDomains[0] ? `https://${appPackage.manifest.validDomains[0]}` : ''}/api/messages.`);
        console.log('Upload it in the Teams admin center (Teams apps → Manage apps → Upload) or in Teams (Apps → Manage your apps → Upload an app).');
      } catch (error) {
        if (!(error instanceof TeamsPackageError)) throw error;
        for (const problem of error.problems) console.error(`teams package: ${problem}`);
        process.exitCode = 78;
      }
    });

  teams
    .command('conversations')
    .description('list the Teams channels and clerk chats the bot has seen (for TEAMS_STAFF_CONVERSATION_ID)')
    .action(async () => {
      const config = environment.config();
      const { knownConversations, teamsChannelId } = await import('../../channels/teams/conversation-references.ts');
      const { ChannelStateStore } = await import('../gateway/channel-state-store.ts');
      const database = await openCommandDatabase(config);
      try {
        const rows = await knownConversations(new ChannelStateStore(database.db, teamsChannelId));
        if (rows.length === 0) {
          console.log('No Teams conversation seen yet: add the bot to the staff team (or write to it), then run this again.');
          return;
        }
        for (const row of rows) {
          const staff = row.key === config.teams.staffConversationId ? '  ← TEAMS_STAFF_CONVERSATION_ID' : '';
          const name = [row.teamName, row.displayName].filter(Boolean).join(' / ') || '-';
          console.log(`${row.kind.padEnd(8)} ${row.key.padEnd(48)} ${name.padEnd(32)} last seen ${row.lastSeenAt}${staff}`);
        }
      } finally {
        await database.close();
      }
    });
};
