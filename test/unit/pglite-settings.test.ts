import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { PGLITE_SHARED_BUFFERS, queryRows } from '../../db/client.ts';
import { openTempPglite } from '../helpers/db.ts';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('the embedded store', () => {
  it('runs with the smaller buffer cache and leaves the postgresql.conf initdb wrote untouched', async () => {
    const store = await openTempPglite();
    cleanup = store.cleanup;
    const [row] = await queryRows<{ shared_buffers: string }>(store.database.db, sql`show shared_buffers`);
    expect(row?.shared_buffers).toBe(PGLITE_SHARED_BUFFERS);
    // The setting is a start parameter: the store's own file keeps initdb's value for anyone opening it otherwise.
    expect(readFileSync(join(store.dataDir, 'pgdata', 'postgresql.conf'), 'utf8')).toMatch(/^shared_buffers = 128MB/m);
  });
});
