import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { ErrorCode } from '@quickchat/protocol';
import { parseJsonObject, ProtocolError, validate } from '@quickchat/protocol/validate';
import { AppError } from '../errors.js';
import type { Identity } from '../auth/access-tokens.js';

/** Everything known about a REST route: enough to register it AND to describe it in OpenAPI. */
export interface RouteSpec<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Express path, e.g. `/api/friends/:userId`. */
  path: string;
  summary: string;
  tag: string;
  /** Requires `Authorization: Bearer <access token>`. */
  auth: boolean;
  body?: B;
  /**
   * The body is a file's raw bytes, not JSON: it reaches the handler unread, as the `req`
   * stream, for the handler to stream and cap. Describes the body in OpenAPI.
   */
  rawBody?: string;
  query?: Q;
  /** Schema of the path parameters (an object keyed by the `:names` in `path`); required when the path has any. */
  params?: P;
  /** Schema of the success body; omit for 204 No Content. */
  response?: z.ZodType;
  /** Success status when there is a body. Default 200. */
  status?: number;
  /** Extra documented error statuses beyond 400/401/429/500. */
  errors?: number[];
}

/** Input handed to a handler, already validated. */
export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** Present on routes with `auth: true`. */
  identity: Identity;
  req: Request;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A spec plus its handler; the handler's return value is the JSON body (undefined → 204). */
export interface Route {
  spec: RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;
  register(router: Router, authenticate: (req: Request) => Promise<Identity>): void;
}

/**
 * Defines a route. The body is parsed with the protocol's one JSON parser (no `__proto__`),
 * then validated with the spec's schema, and so are the query and the path parameters: nothing
 * reaches the handler unvalidated.
 */
export function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined>(
  spec: RouteSpec<B, Q, P>,
  handler: (input: RouteInput<Out<B>, Out<Q>, Out<P>>) => Promise<unknown>,
): Route {
  if (spec.path.includes(':') && !spec.params) throw new Error(`route ${spec.method} ${spec.path}: path parameters need a params schema`);
  return {
    spec: spec as Route['spec'],
    register(router, authenticate) {
      router[spec.method](spec.path, async (req: Request, res: Response) => {
        const identity = spec.auth ? await authenticate(req) : (undefined as unknown as Identity);
        const body = spec.body ? parseBody(spec.body, req.body) : undefined;
        if (spec.rawBody && req.body !== undefined) throw new AppError(ErrorCode.Validation, 'body: send the raw bytes with Content-Type: application/octet-stream, not as JSON');
        const query = spec.query ? unwrap(validate(spec.query, { ...(req.query as object) })) : undefined;
        const params = spec.params ? unwrap(validate(spec.params, { ...req.params })) : undefined;
        const result = await handler({ body: body as Out<B>, query: query as Out<Q>, params: params as Out<P>, identity, req });
        if (result === undefined) res.status(204).end();
        else res.status(spec.status ?? 200).json(result);
      });
    },
  };
}

function parseBody(schema: z.ZodType, raw: unknown): unknown {
  if (typeof raw !== 'string' || raw.length === 0) throw new AppError(ErrorCode.Validation, 'body: a JSON object is required (Content-Type: application/json)');
  const obj = parseJsonObject(raw);
  if (obj instanceof ProtocolError) throw new AppError(obj.code, `body: ${obj.message}`);
  return unwrap(validate(schema, obj));
}

function unwrap<T>(value: T | ProtocolError): T {
  if (value instanceof ProtocolError) throw new AppError(value.code, value.message);
  return value;
}
