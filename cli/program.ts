import { Command, CommanderError, Help } from 'commander';
import { COMMANDS, type CommandEntry } from './command-index.ts';
import { say } from './output.ts';

function rootProgram(): Command {
  return new Command('stance')
    .description('Measure and compare policy stances in texts on Internet and ICT governance.\nConfiguration comes from environment variables: see README.md.')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    // Options after a subcommand are that subcommand's (`documents update 3 --json` is update's --json, not the listing's).
    .enablePositionalOptions()
    .exitOverride();
}

/** The `stance` program with every command registered (a new one each call: commander keeps parse state). */
export async function buildProgram(): Promise<Command> {
  const program = rootProgram();
  for (const register of await Promise.all(COMMANDS.map((c) => c.load()))) register(program);
  return program;
}

/**
 * A program with the named commands loaded and registered in full; every other is listed by
 * name, usage and summary only (for `stance --help`, `help`, and the "did you mean" of a mistyped
 * name), so a start compiles the code of the commands it runs, not all of it.
 */
export async function programWith(names: readonly string[]): Promise<Command> {
  const program = rootProgram();
  const entries = new Map<string, CommandEntry>(COMMANDS.map((c) => [c.name, c]));
  const loaded = new Map(await Promise.all(COMMANDS.filter((c) => names.includes(c.name)).map(async (c) => [c.name, await c.load()] as const)));
  for (const entry of COMMANDS) {
    const register = loaded.get(entry.name);
    if (register) register(program);
    else program.command(entry.name).description(entry.summary);
  }
  // Listed commands show the usage of their full definition, as if it were loaded.
  const standard = new Help();
  program.configureHelp({
    subcommandTerm: (cmd) => {
      const entry = entries.get(cmd.name());
      return entry ? [entry.name, entry.usage].filter(Boolean).join(' ') : standard.subcommandTerm(cmd);
    },
  });
  return program;
}

/**
 * The command a run names (process.argv form): its first operand, or the one after `help`
 * (`stance help compare`). The program itself takes no option with a value, so every other
 * argument before it is a flag (`-h`) or `--`.
 */
export function commandNamed(argv: string[]): string | undefined {
  const [first, second] = argv.slice(2).filter((a) => !a.startsWith('-'));
  return first === 'help' ? second : first;
}

/** The program for one run (process.argv form): the command argv names, loaded. */
export function programFor(argv: string[]): Promise<Command> {
  const named = commandNamed(argv);
  return programWith(named === undefined ? [] : [named]);
}

/**
 * Runs `stance` with argv (process.argv form) and returns the exit code: 0, 2 for errors a user
 * can fix from the message (usage, unknown names, bad input), 1 for unexpected ones.
 */
export async function runStance(argv: string[]): Promise<number> {
  // A run of a command loads the error classes at start, not when it fails: a long run (serve,
  // worker, a large inline process) may outlive the chunk files of its build (bin/build.mjs).
  const userErrors = commandNamed(argv) === undefined ? undefined : import('./user-errors.ts');
  userErrors?.catch(() => undefined);
  try {
    process.exitCode = undefined;
    await (await programFor(argv)).parseAsync(argv);
    // Commands that finish with a non-zero code set process.exitCode; the caller sets it again.
    const code = Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    return code;
  } catch (err) {
    // Commander has printed its message; --help and --version end with 0, a usage mistake is
    // a user error like any other (exit code 2), not the 1 commander would give.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const { userErrorMessage } = await (userErrors ?? import('./user-errors.ts'));
    const message = userErrorMessage(err);
    if (message !== undefined) {
      say(`stance: ${message}`);
      return 2;
    }
    say(`stance: unexpected error: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}
