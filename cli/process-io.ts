import type { CliIo } from './command.js';

function isClosedPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

/**
 * The process's stdout and stderr as a `CliIo`. A reader that goes away early (`capacity-guard … | head`)
 * closes the pipe: further output is dropped without a word and the command still ends with its own exit
 * code, instead of dying on an unhandled `EPIPE` with a stack trace.
 */
export function processIo(): CliIo {
  let stdoutClosed = false;
  let stderrClosed = false;
  process.stdout.on('error', (error) => {
    if (!isClosedPipe(error)) throw error;
    stdoutClosed = true;
  });
  process.stderr.on('error', (error) => {
    if (!isClosedPipe(error)) throw error;
    stderrClosed = true;
  });
  return {
    stdout: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    },
    stderr: (text) => {
      if (!stderrClosed) process.stderr.write(text);
    },
    stderrIsTty: process.stderr.isTTY === true,
  };
}
