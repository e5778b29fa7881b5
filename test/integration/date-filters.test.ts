import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryEnv } from '../../app/compare/service.ts';
import { createApp } from '../../server/app.ts';
import { openTempPglite } from '../helpers/db.ts';
import { runInProcess } from '../helpers/in-process-cli.ts';
import { buildScoreFixture, FIXTURE_AXES } from '../helpers/score-fixture.ts';

// Date filters that are no calendar date (2020-99, 1999-02-31) matched nothing and answered 200 /
// "No documents match"; they are refused as a date at ingest is, naming the parameter.

const s = (score: number, relevance: number, label: string) => ({ score, relevance, label });

let cleanup: () => Promise<void>;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const tmp = await openTempPglite();
  cleanup = tmp.cleanup;
  const fixture = await buildScoreFixture(tmp.database.db, {
    axes: FIXTURE_AXES,
    documents: [{ source: 'ITU', title: 'Leap day', date: '2020-02-29', chunks: [{ text: 'All stakeholders decide together.', scores: { gov: s(0.8, 0.9, 'multi') } }] }],
  });
  const env: QueryEnv = { db: tmp.database.db, config: fixture.models, axes: FIXTURE_AXES };
  app = createApp({ env, config: { apiToken: undefined, maxDocBytes: 10_000 } });
}, 120_000);
afterAll(async () => cleanup());

const get = async (path: string) => {
  const res = await app.request(path);
  return { status: res.status, text: await res.text() };
};

describe('date filters over HTTP', () => {
  it.each([
    ['/documents?from=2020-99', 'invalid parameters: from: date 2020-99: month 99 does not exist (01 to 12)'],
    ['/documents?to=1999-02-31', 'invalid parameters: to: date 1999-02-31: day 31 does not exist in that month (01 to 28)'],
    ['/documents?from=0000', 'invalid parameters: from: date 0000: year 0000 does not exist'],
    ['/compare?axis=gov&from=2020-02-30', 'invalid parameters: from: date 2020-02-30: day 30 does not exist in that month (01 to 29)'],
    ['/compare?axis=gov&to=2021-00', 'invalid parameters: to: date 2021-00: month 00 does not exist (01 to 12)'],
  ])('GET %s answers 400: %s', async (path, error) => {
    const r = await get(path);
    expect(r.status, r.text).toBe(400);
    expect((JSON.parse(r.text) as { error: string }).error).toBe(error);
  });

  it('still filters by a real date, a leap day included', async () => {
    const r = await get('/documents?from=2020-02-29&to=2020-02-29');
    expect(r.status, r.text).toBe(200);
    expect((JSON.parse(r.text) as { documents: { title: string }[] }).documents.map((d) => d.title)).toEqual(['Leap day']);
  });

  it('the compare page shows the problem on its error page with 400', async () => {
    const r = await get('/ui/compare?axis=gov&from=2020-13');
    expect(r.status).toBe(400);
    expect(r.text).toContain('from: date 2020-13: month 13 does not exist (01 to 12)');
  });
});

describe('date filters in the CLI', () => {
  // Refused while the arguments are parsed: no store is opened.
  it.each([
    [['documents', '--from', '2020-02-30'], "option '--from <date>' argument '2020-02-30' is invalid. date 2020-02-30: day 30 does not exist in that month (01 to 29)"],
    [['documents', '--to', '1999-02-31'], "option '--to <date>' argument '1999-02-31' is invalid. date 1999-02-31: day 31 does not exist in that month (01 to 28)"],
    [['compare', '--axis', 'gov', '--from', '2020-99'], "option '--from <date>' argument '2020-99' is invalid. date 2020-99: month 99 does not exist (01 to 12)"],
  ])('stance %j exits 2 naming the option and the problem', async (args, message) => {
    const r = await runInProcess(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
