import type { Command } from 'commander';
import type { Config } from '../config.ts';

export interface CommandEnvironment {
  /** Parses the configuration (exits with one line per problem when it is invalid). */
  config(): Config;
}

/** Channel and feature modules add their CLI commands here, one line each. */
export type CommandRegistrar = (program: Command, environment: CommandEnvironment) => void;

export const extraCommandRegistrars: CommandRegistrar[] = [];
