import { z } from 'zod';
import type { Route } from './routes.js';
import { schemas } from '@quickchat/protocol/validate';

/** Standard error statuses every route may return. */
const COMMON_ERRORS: Record<number, string> = {
  400: 'Invalid input (code `validation` or `bad_frame`)',
  401: 'Missing, invalid or expired access token',
  404: 'Not found, or not visible to you',
  409: 'Conflicts with current state',
  413: 'Body too large',
  429: 'Rate limited; see Retry-After',
  500: 'Server error',
};

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });

/**
 * Builds the OpenAPI 3.1 document from the same route specs that registered the routes, so
 * the document cannot drift from the server.
 */
export function buildOpenApi(routes: readonly Route[], version: string): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of routes) {
    const path = spec.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const pathSchemas = spec.params ? ((jsonSchema(spec.params, 'input') as { properties?: Record<string, unknown> }).properties ?? {}) : {};
    const params = [...spec.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: (pathSchemas[m[1]!] ?? { type: 'string' }) as { type: string } }));
    if (spec.query) {
      const q = jsonSchema(spec.query, 'input') as { properties?: Record<string, unknown> };
      for (const [name, schema] of Object.entries(q.properties ?? {})) params.push({ name, in: 'query', required: false, schema: schema as { type: string } });
    }
    const responses: Record<string, unknown> = spec.response
      ? { [String(spec.status ?? 200)]: { description: 'OK', content: { 'application/json': { schema: jsonSchema(spec.response, 'output') } } } }
      : { '204': { description: 'Done' } };
    const errorStatuses = [...new Set([400, ...(spec.auth ? [401] : []), ...(spec.errors ?? []), ...(spec.body || spec.rawBody ? [413] : []), 429, 500])].sort((x, y) => x - y);
    for (const status of errorStatuses) {
      responses[String(status)] = { description: COMMON_ERRORS[status] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    (paths[path] ??= {})[spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      ...(spec.auth ? { security: [{ bearer: [] }] } : { security: [] }),
      ...(params.length ? { parameters: params } : {}),
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
      ...(spec.rawBody ? { requestBody: { required: true, description: spec.rawBody, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'quickchat REST API', version, description: 'REST side of the quickchat protocol. The socket protocol is specified in docs/protocol.md.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchema(schemas.errorBody, 'output') },
    },
    paths,
  };
}
