import type { CliCommand } from '../command.js';

/** Every sub-command, in help order. */
export const commands: readonly CliCommand[] = [];
