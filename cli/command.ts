/** Contract shared by every `capacity-guard` sub-command. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal (progress indicators are drawn only then). */
  readonly stderrIsTty: boolean;
}

export interface CliCommand {
  readonly name: string;
  /** Full `--help` text. */
  readonly help: string;
  /** Returns the process exit code. Throws `UsageError` for bad arguments. */
  readonly run: (args: readonly string[], io: CliIo) => Promise<number>;
}

/**
 * A sub-command as the top-level help lists it; its module (and everything it imports) loads only when the command
 * runs or shows its help.
 */
export interface CommandEntry {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  readonly load: () => Promise<CliCommand>;
}

/** Bad arguments or input: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
