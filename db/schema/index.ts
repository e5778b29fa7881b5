export * from './sources.ts';
export * from './documents.ts';
export * from './chunks.ts';
export * from './models.ts';
export * from './embeddings.ts';
export * from './axes.ts';
export * from './scorers.ts';
export * from './stance-scores.ts';
