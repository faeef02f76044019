import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { registerTelegramCommands } from './telegram-commands.ts';
import { registerAdminCommands } from './admin-commands.ts';
import { registerEgovCommands } from './egov-commands.ts';
import { registerRestoreCommands } from './restore-commands.ts';
import { registerTeamsCommands } from './teams-commands.ts';
import { registerDeadlineCommands } from './deadline-commands.ts';
import { registerWhatsappCommands } from './whatsapp-commands.ts';
import { registerQuestionsCommands } from './questions-commands.ts';
import { registerDocumentCommands } from './documents-commands.ts';
import { registerMigrateCommands } from './migrate-commands.ts';

export interface CommandEnvironment {
  /** Parses the configuration (exits with one line per problem when it is invalid). */
  config(): Config;
}

/** Channel and feature modules add their CLI commands here, one line each. */
export type CommandRegistrar = (program: Command, environment: CommandEnvironment) => void;

export const extraCommandRegistrars: CommandRegistrar[] = [registerTelegramCommands, registerAdminCommands, registerEgovCommands, registerRestoreCommands, registerTeamsCommands, registerDeadlineCommands, registerWhatsappCommands, registerQuestionsCommands, registerDocumentCommands, registerMigrateCommands];
