import { InvalidArgumentError, type Command } from 'commander';
import { summaryOf } from '../command-index.ts';

/** True for hosts only this machine can reach: localhost, 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** `stance serve`: the comparison queries and document intake as a JSON HTTP API, until SIGINT/SIGTERM. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(summaryOf('serve'))
    .option('--port <n>', 'port to listen on (default STANCE_PORT, 8787; 0 picks a free port)', parsePort)
    .option('--host <host>', 'interface to listen on (default STANCE_HOST, 127.0.0.1)')
    .addHelpText(
      'after',
      '\nWrites (POST /documents) need "Authorization: Bearer $STANCE_API_TOKEN" when STANCE_API_TOKEN is set; listening beyond 127.0.0.1/::1 requires it.\nWrites take only application/json (a file goes in as the "text" field), and a browser Origin must be the server\'s own or in STANCE_ALLOWED_ORIGINS.\nPosted documents are queued for the workers when REDIS_URL is set; otherwise they wait for `stance process`.\nExample: curl "http://127.0.0.1:8787/compare?axis=sovereignty_multistakeholder"',
    )
    .action(async (flags: { port?: number; host?: string }) => {
      // Loaded when the command runs, not at every start of `stance` (hono, the server, pino).
      const { runServe } = await import('./serve-run.ts');
      await runServe(flags);
    });
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port takes a whole number from 0 to 65535, got "${value}"`);
  return n;
}
