import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrl } from '../../pipeline/redact.ts';

describe('redactSecrets', () => {
  it('hides the password of a connection URL and keeps the rest', () => {
    expect(redactUrl('postgres://alice:s3cr3t@db.example:5432/stance')).toBe('postgres://alice:***@db.example:5432/stance');
  });

  it("hides a Redis URL's password given without a user", () => {
    expect(redactSecrets('connect ECONNREFUSED redis://:hunter2@10.0.0.1:6379')).toBe('connect ECONNREFUSED redis://:***@10.0.0.1:6379');
  });

  it('hides a bare token before @ (user part only)', () => {
    expect(redactSecrets('rediss://tok3n@cache:6380/0')).toBe('rediss://***@cache:6380/0');
  });

  it('hides every URL in a longer message and key=value secrets', () => {
    const text = 'tried postgres://u:p1@a/x then redis://:p2@b:1 with password=p3&x=1';
    const out = redactSecrets(text);
    for (const secret of ['p1', 'p2', 'p3']) expect(out).not.toContain(secret);
    expect(out).toContain('x=1');
  });

  it('leaves URLs without credentials alone', () => {
    expect(redactSecrets('see https://example.org/a?b=c')).toBe('see https://example.org/a?b=c');
  });
});
