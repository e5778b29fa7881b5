/**
 * An evaluation request that cannot be carried out as asked (an unreadable set, an empty
 * split, fitting on test items, an unknown option value); the message says what to change.
 */
export class EvalInputError extends Error {
  override name = 'EvalInputError';
}
