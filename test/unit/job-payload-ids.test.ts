import { describe, expect, it } from 'vitest';
import { parsePayload, PayloadError } from '../../workers/catalog.ts';

describe('job payload ids', () => {
  it('are refused past the largest id the database holds, which would otherwise fail in SQL and be retried as a database fault', () => {
    expect(parsePayload('finish-document', { documentId: 2_147_483_647 })).toEqual({ documentId: 2_147_483_647 });
    expect(() => parsePayload('finish-document', { documentId: 2_147_483_648 })).toThrow(PayloadError);
    expect(() => parsePayload('embed-chunks', { documentId: 1, chunkIds: [2_147_483_648] })).toThrow(/ids go up to 2147483647/);
  });
});
