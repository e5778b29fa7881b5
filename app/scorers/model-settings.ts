/**
 * What the stored settings of the transformer scorers say about them. A module of its own:
 * app/registry.ts needs them, and importing them from model-scorers.ts (which imports the
 * registry back, and through eval-score.ts the scorer list) left the scorer list with
 * uninitialised entries whenever the registry was the first of them imported.
 */
export const NLI_SETTINGS = { aggregation: 'max entailment per pole', score: 'probB - probA' };
export const PROTOTYPE_SETTINGS = { similarity: 'cosine to mean of hypotheses+exemplars' };
