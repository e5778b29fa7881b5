import { Help, type Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/command-index.ts';
import { buildProgram, commandNamed, programFor } from '../../cli/program.ts';

const argv = (...args: string[]) => ['node', 'stance', ...args];
const named = (program: Command, name: string) => program.commands.find((c) => c.name() === name) as Command;

describe('the command index (cli/command-index.ts)', () => {
  it('lists every command of the program, in order, with the usage and summary of its definition', async () => {
    const full = await buildProgram();
    const help = new Help();
    expect(COMMANDS.map((c) => c.name)).toEqual(full.commands.map((c) => c.name()));
    for (const entry of COMMANDS) {
      const command = named(full, entry.name);
      expect(command.description(), entry.name).toBe(entry.summary);
      expect([entry.name, entry.usage].filter(Boolean).join(' '), entry.name).toBe(help.subcommandTerm(command));
    }
  });
});

describe('the program of one run', () => {
  it('prints the same top-level help as the program with every command loaded', async () => {
    const full = await buildProgram();
    for (const args of [argv('--help'), argv(), argv('help'), argv('axes')]) {
      expect((await programFor(args)).helpInformation(), args.join(' ')).toBe(full.helpInformation());
    }
  });

  it('loads the command it runs (or shows help of) in full, and lists the others only', async () => {
    for (const args of [argv('compare', '--json'), argv('help', 'compare')]) {
      const program = await programFor(args);
      const compare = named(program, 'compare');
      expect(compare.options.map((o) => o.long)).toContain('--axis');
      expect(compare.helpInformation()).toBe(named(await buildProgram(), 'compare').helpInformation());
      // The others have no options or subcommands: their modules were not loaded.
      for (const other of program.commands.filter((c) => c.name() !== 'compare' && c.name() !== 'help')) {
        expect(other.options, other.name()).toEqual([]);
        expect(other.commands, other.name()).toEqual([]);
      }
    }
  });

  it('finds the command after flags and `--`, or after `help`', async () => {
    expect(commandNamed(argv('compare', '--axis', 'help'))).toBe('compare');
    expect(commandNamed(argv('help', 'documents', 'update'))).toBe('documents');
    expect(commandNamed(argv('-h', 'compare'))).toBe('compare');
    expect(commandNamed(argv('--version'))).toBeUndefined();
    // `stance -- axes` runs axes: loaded, with its action, not a listed name that would do nothing.
    expect(commandNamed(argv('--', 'axes'))).toBe('axes');
    expect(named(await programFor(argv('--', 'axes')), 'axes').options.map((o) => o.long)).toContain('--json');
  });

  it('loads subcommands with their command, and nothing for a name it does not know', async () => {
    const documents = named(await programFor(argv('documents', 'update', '3')), 'documents');
    expect(documents.commands.map((c) => c.name())).toEqual(['update', 'delete']);
    const unknown = await programFor(argv('comapre'));
    expect(unknown.commands.every((c) => c.options.length === 0)).toBe(true);
  });
});
