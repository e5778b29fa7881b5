import type { Expectation, HostileCase } from './hostile-cases.ts';

/** A line of a stack trace ("    at fn (file.ts:12:3)"). */
export const STACK_TRACE = /^\s*at .*:\d+:\d+\)?$/m;

const CHECKS = ['http_500', 'batch_abort', 'stack_trace', 'secret_leak', 'good_not_created', 'wrongly_accepted', 'wrongly_refused', 'other'] as const;
type Check = (typeof CHECKS)[number];

/** Counts inputs per entrance and failures per check, with the first examples of each. */
export class Tally {
  private inputs = new Map<string, number>();
  private failures = new Map<Check, { entrance: string; input: string; detail: string }[]>();

  constructor(private readonly secret: string) {}

  fail(check: Check, entrance: string, input: string, detail: string): void {
    const list = this.failures.get(check) ?? [];
    list.push({ entrance, input, detail: detail.slice(0, 300) });
    this.failures.set(check, list);
  }

  count(entrance: string, n = 1): void {
    this.inputs.set(entrance, (this.inputs.get(entrance) ?? 0) + n);
  }

  /** Any text a user or operator sees: no stack trace, no secret. */
  output(entrance: string, what: string, text: string): void {
    if (text.includes(this.secret)) this.fail('secret_leak', entrance, what, excerpt(text, this.secret));
    const stack = STACK_TRACE.exec(text);
    if (stack) this.fail('stack_trace', entrance, what, excerpt(text, stack[0]));
  }

  /** Checks one outcome against what its case expects. */
  outcome(entrance: string, c: Pick<HostileCase, 'kind' | 'name'> & { expect: Expectation }, status: string, message: string): void {
    const label = `${c.kind}: ${c.name}`;
    if (status === 'missing') return this.fail('batch_abort', entrance, label, 'no outcome for this input');
    const stored = status === 'created' || status === 'duplicate';
    if (c.kind === 'good' && status !== 'created') this.fail('good_not_created', entrance, label, `${status} ${message}`);
    else if (c.expect === 'refuse' && stored) this.fail('wrongly_accepted', entrance, label, status);
    else if (c.expect === 'store' && !stored) this.fail('wrongly_refused', entrance, label, message);
  }

  /** A batch: one outcome per case, in order; the whole output checked once. */
  batch(entrance: string, cases: HostileCase[], outcomes: { status: string; message?: string }[], output: string): void {
    this.count(entrance, cases.length);
    cases.forEach((c, i) => this.outcome(entrance, c, outcomes[i]?.status ?? 'missing', outcomes[i]?.message ?? ''));
    this.output(entrance, 'batch output', output);
  }

  /**
   * A manifest run: lines refused while reading the manifest say "line N:"; the others get ingest
   * outcomes in the order of their lines.
   */
  manifest(lines: { label: string; expect: Expectation }[], results: { file: string; status: string; message?: string }[], output: string): void {
    this.count('manifest', lines.length);
    const byLine = new Map<number, { status: string; message?: string }>();
    const rest: { status: string; message?: string }[] = [];
    for (const r of results) {
      const m = / line (\d+): /.exec(r.message ?? '');
      if (m && r.status === 'failed') byLine.set(Number(m[1]), r);
      else rest.push(r);
    }
    let next = 0;
    lines.forEach((l, i) => {
      const r = byLine.get(i + 1) ?? rest[next++];
      const [kind, ...name] = l.label.split(': ');
      this.outcome('manifest', { kind: kind ?? 'manifest', name: name.join(': '), expect: l.expect }, r?.status ?? 'missing', r?.message ?? '');
    });
    if (results.length !== lines.length) this.fail('batch_abort', 'manifest', 'whole manifest', `${results.length} outcomes for ${lines.length} lines`);
    this.output('manifest', 'manifest output', output);
  }

  /** A single yes/no check. */
  single(entrance: string, input: string, ok: boolean, detail: string): void {
    this.count(entrance);
    if (!ok) this.fail('other', entrance, input, detail);
    this.output(entrance, input, detail);
  }

  summary() {
    const inputs = Object.fromEntries(this.inputs);
    const total = [...this.inputs.values()].reduce((a, b) => a + b, 0);
    const failures = Object.fromEntries(CHECKS.map((c) => [c, this.failures.get(c)?.length ?? 0]));
    const byEntrance = Object.fromEntries(
      CHECKS.filter((c) => this.failures.has(c)).map((c) => {
        const counts: Record<string, number> = {};
        for (const f of this.failures.get(c) ?? []) counts[f.entrance] = (counts[f.entrance] ?? 0) + 1;
        return [c, counts];
      }),
    );
    const examples = Object.fromEntries(CHECKS.filter((c) => this.failures.has(c)).map((c) => [c, (this.failures.get(c) ?? []).slice(0, 8)]));
    return { inputs_per_entrance: inputs, total_inputs: total, failures_per_check: failures, failures_by_entrance: byEntrance, total_failures: Object.values(failures).reduce((a, b) => a + b, 0), examples };
  }

  print(): void {
    const s = this.summary();
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`hostile inputs: ${s.total_inputs} (${Object.entries(s.inputs_per_entrance).map(([k, v]) => `${k} ${v}`).join(', ')})`);
    for (const c of CHECKS) {
      const by = s.failures_by_entrance[c] as Record<string, number> | undefined;
      out(`  ${c.padEnd(18)} ${s.failures_per_check[c]}${by ? `  (${Object.entries(by).map(([e, n]) => `${e} ${n}`).join(', ')})` : ''}`);
    }
    for (const [check, list] of Object.entries(s.examples)) {
      out(`\n${check}:`);
      for (const e of list) out(`  [${e.entrance}] ${e.input}: ${e.detail.replace(/\s+/g, ' ')}`);
    }
    out(s.total_failures === 0 ? '\nno failures' : `\n${s.total_failures} failure(s)`);
  }
}

function excerpt(text: string, needle: string): string {
  const i = text.indexOf(needle);
  return text.slice(Math.max(0, i - 120), i + needle.length + 60);
}
