import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrl } from '../../pipeline/redact.ts';

describe('redactSecrets', () => {
  it('hides the password of a connection URL and keeps the rest', () => {
    expect(redactUrl('postgres://alice:s3cr3t@db.example:5432/stance')).toBe('postgres://alice:***@db.example:5432/stance');
  });

  it("hides a Redis URL's password given without a user", () => {
    expect(redactSecrets('connect ECONNREFUSED redis://:hunter2@10.0.0.1:6379')).toBe('connect ECONNREFUSED redis://:***@10.0.0.1:6379');
  });

  it('shows the user name of a database or Redis URL without a password, and hides a bare token of any other URL', () => {
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/h1_walk')).toBe('postgres://postgres@127.0.0.1:5432/h1_walk');
    expect(redactUrl('postgresql://stance@db/x')).toBe('postgresql://stance@db/x');
    expect(redactSecrets('cannot reach rediss://worker@cache:6380/0')).toBe('cannot reach rediss://worker@cache:6380/0');
    expect(redactSecrets('REDIS://worker@cache')).toBe('REDIS://worker@cache');
    expect(redactUrl('postgres://u:pw@127.0.0.1:1/db')).toBe('postgres://u:***@127.0.0.1:1/db');
    expect(redactSecrets('redis://default:pw@cache:6379')).toBe('redis://default:***@cache:6379');
    expect(redactSecrets('fetch https://ghp_t0ken@github.com/x.git failed')).toBe('fetch https://***@github.com/x.git failed');
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
