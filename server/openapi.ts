import { z } from 'zod';
import { ID_RANGE } from '../app/compare/selection.ts';
import { compareQuery, documentListQuery, evidenceQuery, similarQuery, type QuerySpec } from './params.ts';
import {
  axesResponseSchema,
  scorersResponseSchema,
  compareResponseSchema,
  createdResponseSchema,
  documentBodySchema,
  documentResponseSchema,
  duplicateResponseSchema,
  errorResponseSchema,
  evidenceResponseSchema,
  similarResponseSchema,
  statusResponseSchema,
  documentListResponseSchema,
  documentUpdateResponseSchema,
  documentDeleteResponseSchema,
  sourcesResponseSchema,
  sourceRenameBodySchema,
  sourceMergeBodySchema,
  sourceRenameResponseSchema,
  sourceMergeResponseSchema,
} from './schemas.ts';
import { documentUpdateSchema } from '../app/documents.ts';

/**
 * The OpenAPI 3.1 description of the API, generated from the zod schemas the routes validate
 * with and answer by (OpenAPI 3.1 uses JSON Schema 2020-12, which z.toJSONSchema writes).
 */

type JsonObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schemaName: string, description: string) => ({ description, content: { 'application/json': { schema: ref(schemaName) } } });
const error = (description: string) => json('Error', description);

function queryParameters(spec: QuerySpec): JsonObject[] {
  const shape = spec.schema.shape as Record<string, z.ZodType>;
  return spec.params.map((p) => {
    const field = shape[p.key];
    if (!field) throw new Error(`query parameter ${p.name} fills unknown field ${p.key}`);
    const list = p.kind === 'list' || p.kind === 'number-list';
    return {
      name: p.name,
      in: 'query',
      required: !field.safeParse(undefined).success,
      description: p.description,
      schema: jsonSchema(field, 'input'),
      ...(list ? { style: 'form', explode: false } : {}),
    };
  });
}

export interface OpenApiOptions {
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Whether writes need the bearer token (STANCE_API_TOKEN set). */
  tokenRequired: boolean;
}

/** The OpenAPI document served at /openapi.json. */
export function openApiDocument(opts: OpenApiOptions): JsonObject {
  const badParams = error('bad parameters: `error` says what, `issues` lists each problem by parameter');
  const notScored = error('nothing scored yet for this scorer or axis version (run `stance process` or `stance rescore`)');
  // Every write: the bearer token when one is configured, and the answers of the write guard.
  const secured = opts.tokenRequired ? { security: [{ bearer: [] }] } : {};
  const writeRefused = {
    401: error('missing or wrong bearer token'),
    403: error("an Origin header that is neither the server's own nor in STANCE_ALLOWED_ORIGINS"),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'stance',
      version: '0.1.0',
      description:
        'Policy stances of sources on Internet and ICT governance axes: positions with bootstrap intervals, evidence passages, similar passages, and document intake. Reads are open; writes need `Authorization: Bearer <STANCE_API_TOKEN>` when a token is configured. The web page for analysts is served under /ui (HTML for people, not part of this API: its routes may change with the page).',
    },
    paths: {
      '/compare': {
        get: {
          summary: "Each group's position on an axis (or every axis), with 95% bootstrap intervals and pairwise differences",
          operationId: 'compare',
          parameters: queryParameters(compareQuery),
          responses: {
            200: json('CompareResponse', 'one comparison when axis is given, else {comparisons: [...]} (the JSON of `stance compare --json`)'),
            400: badParams,
            409: notScored,
          },
        },
      },
      '/evidence': {
        get: {
          summary: 'The passages of a source most strongly on one pole of an axis, quoted exactly',
          operationId: 'evidence',
          parameters: queryParameters(evidenceQuery),
          responses: { 200: json('EvidenceResponse', 'passages, strongest first'), 400: badParams, 404: error('unknown source'), 409: notScored },
        },
      },
      '/similar': {
        get: {
          summary: 'The stored passages nearest to a text or a chunk (exact cosine), each with its stance on every axis',
          operationId: 'similar',
          parameters: queryParameters(similarQuery),
          responses: {
            200: json('SimilarResponse', 'passages, most similar first'),
            400: badParams,
            404: error('unknown chunk'),
            409: error('the chunk has no embedding from the current model, or nothing is scored yet'),
          },
        },
      },
      '/axes': {
        get: { summary: 'The axes in use with their versions, poles and thresholds', operationId: 'axes', responses: { 200: json('AxesResponse', 'the axes') } },
      },
      '/scorers': {
        get: {
          summary: 'The scorers (the values of ?scorer=): version, models needed, whether they can run here, latest eval macro-F1',
          operationId: 'scorers',
          responses: { 200: json('ScorersResponse', 'the scorers, in order of preference') },
        },
      },
      '/status': {
        get: {
          summary: 'Documents by source and status, and the failed ones with their error (the JSON of `stance status --json`, without the database location)',
          operationId: 'status',
          responses: { 200: json('StatusResponse', 'counts by source and status') },
        },
      },
      '/sources': {
        get: {
          summary: 'The sources with their document counts, aliases and default actor types (the JSON of `stance sources --json`)',
          operationId: 'list_sources',
          responses: { 200: json('SourcesResponse', 'every source, by name') },
        },
      },
      '/sources/rename': {
        post: {
          summary: 'Rename a source; the old name becomes an alias, so manifests and POSTs that use it still land here (`stance sources rename`)',
          operationId: 'rename_source',
          ...secured,
          requestBody: { required: true, content: { 'application/json': { schema: ref('SourceRename') } } },
          responses: {
            200: json('SourceRenamed', 'the source under its new name, with its aliases'),
            400: error('malformed JSON, a missing or unknown field, or a name that ingest would refuse'),
            ...writeRefused,
            404: error('`from` names no source; the message lists the known ones'),
            409: error('`to` already names another source or alias (merge them instead), or is the current name'),
            415: error('a Content-Type other than application/json'),
          },
        },
      },
      '/sources/merge': {
        post: {
          summary: "Merge source `from` into `into` in one transaction: its documents and aliases move, and its name becomes an alias of `into` (`stance sources merge`)",
          operationId: 'merge_sources',
          ...secured,
          requestBody: { required: true, content: { 'application/json': { schema: ref('SourceMerge') } } },
          responses: {
            200: json('SourcesMerged', 'how many documents moved, and the aliases of `into` now'),
            400: error('malformed JSON, or a missing or unknown field'),
            ...writeRefused,
            404: error('`from` or `into` names no source; the message lists the known ones'),
            409: error('`from` and `into` are already the same source'),
            415: error('a Content-Type other than application/json'),
          },
        },
      },
      '/documents': {
        get: {
          summary: 'The stored documents, paged by id and filterable (the JSON of `stance documents --json`)',
          operationId: 'list_documents',
          parameters: queryParameters(documentListQuery),
          responses: { 200: json('DocumentList', 'one page of documents and the total count of matches'), 400: badParams },
        },
        post: {
          summary: 'Add a document; it is queued for processing (workers when REDIS_URL is set, else `stance process`)',
          operationId: 'create_document',
          ...secured,
          requestBody: { required: true, content: { 'application/json': { schema: ref('DocumentBody') } } },
          responses: {
            201: json('DocumentCreated', 'stored and queued; Location is /documents/{id}'),
            200: json('DocumentDuplicate', 'the same text is already stored: nothing created'),
            400: error('malformed JSON, bad fields or metadata'),
            ...writeRefused,
            415: error('a Content-Type other than application/json'),
            413: error(`body over ${opts.maxBodyBytes} bytes, or document over STANCE_MAX_DOC_BYTES`),
            422: error('the document cannot be ingested (empty, binary, unsupported type)'),
            503: error('stored but could not be queued (Redis down): POST it again to retry'),
          },
        },
      },
      '/documents/{id}': {
        get: {
          summary: "A document's metadata, status, error, chunk count and (when done) scored chunks",
          operationId: 'get_document',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          responses: { 200: json('Document', 'the document'), 400: error(`id is not ${ID_RANGE}`), 404: error('no such document') },
        },
        patch: {
          summary: "Correct a document's metadata (title, date, url, language, actor, actor_type, kind; null clears one); chunks and scores stay, updated_at is set",
          operationId: 'update_document',
          ...secured,
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          requestBody: { required: true, content: { 'application/json': { schema: ref('DocumentUpdate') } } },
          responses: {
            200: json('DocumentUpdated', 'the document as it now is, and the fields changed'),
            400: error('malformed JSON, an unknown field, nothing to change, or a field that ingest would refuse'),
            ...writeRefused,
            404: error('no such document'),
            415: error('a Content-Type other than application/json'),
          },
        },
        delete: {
          summary: 'Delete a document with its chunks, embeddings and scores (one transaction), and its queue jobs when the server has a queue',
          operationId: 'delete_document',
          ...secured,
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
            { name: 'dry_run', in: 'query', required: false, description: 'true: only say what would be deleted', schema: { type: 'boolean' } },
          ],
          responses: {
            200: json('DocumentDeleted', 'what was (or, with dry_run, would be) deleted'),
            400: error(`id is not ${ID_RANGE}, or dry_run is not true/false`),
            ...writeRefused,
            404: error('no such document'),
          },
        },
      },
      '/openapi.json': {
        get: { summary: 'This description', operationId: 'openapi', responses: { 200: { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } } },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'STANCE_API_TOKEN' } },
      schemas: {
        CompareResponse: jsonSchema(compareResponseSchema, 'output'),
        EvidenceResponse: jsonSchema(evidenceResponseSchema, 'output'),
        SimilarResponse: jsonSchema(similarResponseSchema, 'output'),
        AxesResponse: jsonSchema(axesResponseSchema, 'output'),
        ScorersResponse: jsonSchema(scorersResponseSchema, 'output'),
        StatusResponse: jsonSchema(statusResponseSchema, 'output'),
        DocumentBody: jsonSchema(documentBodySchema, 'input'),
        DocumentCreated: jsonSchema(createdResponseSchema, 'output'),
        DocumentDuplicate: jsonSchema(duplicateResponseSchema, 'output'),
        Document: jsonSchema(documentResponseSchema, 'output'),
        DocumentList: jsonSchema(documentListResponseSchema, 'output'),
        DocumentUpdate: jsonSchema(documentUpdateSchema, 'input'),
        DocumentUpdated: jsonSchema(documentUpdateResponseSchema, 'output'),
        DocumentDeleted: jsonSchema(documentDeleteResponseSchema, 'output'),
        SourcesResponse: jsonSchema(sourcesResponseSchema, 'output'),
        SourceRename: jsonSchema(sourceRenameBodySchema, 'input'),
        SourceRenamed: jsonSchema(sourceRenameResponseSchema, 'output'),
        SourceMerge: jsonSchema(sourceMergeBodySchema, 'input'),
        SourcesMerged: jsonSchema(sourceMergeResponseSchema, 'output'),
        Error: jsonSchema(errorResponseSchema, 'output'),
      },
    },
  };
}
