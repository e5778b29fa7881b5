import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/in-process-cli.ts';

// Usage mistakes caught by the argument parser get the same exit code as the ones the commands
// catch (2), so a script can tell "you called it wrong" from "it broke" (1).
describe('usage errors from the argument parser', () => {
  it('exits 2 on an unknown option and names it', async () => {
    const r = await runInProcess(['compare', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('exits 2 on an unknown command and names it', async () => {
    const r = await runInProcess(['nosuch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'nosuch'");
  });

  it('exits 2 when an option lacks its value', async () => {
    const r = await runInProcess(['compare', '--axis']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'-a, --axis <slug>' argument missing");
  });

  it('exits 2 on flags that cannot go together, instead of obeying one and ignoring the other', async () => {
    const formats = await runInProcess(['compare', '--csv', '--json']);
    expect(formats.code).toBe(2);
    expect(formats.stderr).toContain("option '--csv' cannot be used with option '--json'");
    // --other-sources leaves out the sources of a stored chunk; a text has none.
    const other = await runInProcess(['similar', '--text', 'state sovereignty', '--other-sources']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("option '--other-sources' cannot be used with option '-t, --text <text>'");
  });

  it('still exits 0 for --help and --version', async () => {
    const help = await runInProcess(['compare', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: stance compare');
    const version = await runInProcess(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe('0.1.0');
  });
});
