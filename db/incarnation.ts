import { sql } from 'drizzle-orm';
import { queryRows, type Db } from './client.ts';

/**
 * A short token that changes when the database is recreated: the cluster's system identifier
 * (new with every initdb) and the database's oid (new with every CREATE DATABASE). Queue job ids
 * carry it, so jobs of an earlier database left in Redis never block the new one's. Needs no table.
 */
export async function databaseIncarnation(db: Db): Promise<string> {
  const [row] = await queryRows<{ system: string; oid: string }>(
    db,
    sql`select (select system_identifier::text from pg_control_system()) as system,
               (select oid::text from pg_database where datname = current_database()) as oid`,
  );
  if (!row) throw new Error('could not read the database incarnation');
  // base 36 keeps the ids short; BigInt because system identifiers exceed 2^53.
  return `${BigInt(row.system ?? '0').toString(36)}${BigInt(row.oid).toString(36)}`;
}
