/**
 * The one naming style of the JSON the CLI and the API answer with: snake_case keys
 * (lower-case letters, digits and underscores). Keys that are data, not field names, are exempt:
 * the children of the maps named in DATA_MAPS are axis slugs, pole or label slugs, scorer names,
 * queue names or a user's own metadata fields, which keep the spelling they were given.
 */

/** Objects whose keys are data (slugs, names, user metadata), checked one level down only for their values. */
export const DATA_MAPS = new Set([
  'labels', // label slug -> count (a user's axis file names the poles)
  'stances', // axis slug -> stance
  'scored_chunks', // scorer name -> axis slug -> count
  'macro_f1', // axis slug -> F1
  'metadata', // a document's own extra fields, as the user gave them
  'label_probabilities', // label slug -> probability
  'member_labels', // ensemble member name -> label
  'queues', // queue name -> counts
  'scorers', // scorer name -> eval report (stance eval --json; the list of `stance scorers` is an array)
  'scored', // scorer name (trained:default) -> chunks newly scored (stance rescore)
  'thresholds_by_axis',
]);

const SNAKE = /^[a-z0-9_]+$/;

/** Whether a field name is snake_case. */
export function isSnakeCase(key: string): boolean {
  return SNAKE.test(key);
}

/**
 * Every key of value (at any depth) that is not snake_case, as a path like `sources[0].byStatus`;
 * the keys directly inside a DATA_MAPS object are not field names and are skipped (their values are walked).
 */
export function nonSnakeKeys(value: unknown, path = '$', dataMap = false): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => nonSnakeKeys(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const here = `${path}.${key}`;
    if (!dataMap && !isSnakeCase(key)) out.push(here);
    out.push(...nonSnakeKeys(child, here, DATA_MAPS.has(key)));
  }
  return out;
}
