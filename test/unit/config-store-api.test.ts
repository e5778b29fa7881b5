import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config/config.ts';

describe('STANCE_LOCK_WAIT', () => {
  it('defaults to 10 s and takes seconds, fractions and 0', () => {
    expect(parseConfig({}).lockWaitMs).toBe(10_000);
    expect(parseConfig({ STANCE_LOCK_WAIT: '0' }).lockWaitMs).toBe(0);
    expect(parseConfig({ STANCE_LOCK_WAIT: '2.5' }).lockWaitMs).toBe(2500);
  });

  it.each(['-1', 'soon'])('refuses %s, naming the variable', (v) => {
    expect(() => parseConfig({ STANCE_LOCK_WAIT: v })).toThrow(ConfigError);
    expect(() => parseConfig({ STANCE_LOCK_WAIT: v })).toThrow(/STANCE_LOCK_WAIT/);
  });
});

describe('STANCE_ALLOWED_ORIGINS', () => {
  it('is empty by default and reads comma-separated origins', () => {
    expect(parseConfig({}).allowedOrigins).toEqual([]);
    expect(parseConfig({ STANCE_ALLOWED_ORIGINS: 'https://app.example.org, http://localhost:3000/' }).allowedOrigins).toEqual(['https://app.example.org', 'http://localhost:3000']);
  });

  it.each(['app.example.org', 'https://app.example.org/path', 'ftp://files.example.org'])('refuses %s, which a browser never sends as an Origin', (v) => {
    expect(() => parseConfig({ STANCE_ALLOWED_ORIGINS: v })).toThrow(/STANCE_ALLOWED_ORIGINS: .* is not an origin/);
  });
});
