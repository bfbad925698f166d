import type { z } from 'zod';
import { ErrorCode } from '../codes.js';
import { clientFrame, serverFrame } from './frames.js';
import { fastSendFrame } from './fast-send.js';

/** Why a frame or body was refused. Returned, never thrown, so callers must handle it. */
export class ProtocolError {
  constructor(
    /** `bad_frame` (not a JSON object) or `validation` (wrong shape). */
    readonly code: typeof ErrorCode.BadFrame | typeof ErrorCode.Validation,
    /** Human-readable reason, naming the offending field. */
    readonly message: string,
    /** The frame's request id, when it could be read, so the error can be correlated. */
    readonly id?: string | number,
  ) {}
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function forbidKeys(key: string, value: unknown): unknown {
  if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(`forbidden key "${key}"`);
  return value;
}

/**
 * Parses JSON text into a plain object. Rejects non-objects (null, arrays, scalars)
 * and any `__proto__`/`constructor`/`prototype` key at any depth.
 */
export function parseJsonObject(text: string): Record<string, unknown> | ProtocolError {
  let value: unknown;
  try {
    // The reviver costs time, so run it only when a forbidden word appears at all. A `\u` escape
    // can spell one without its literal text (`"\u005f_proto__"`), so escapes force the reviver too.
    value = /__proto__|constructor|prototype|\\u/.test(text) ? JSON.parse(text, forbidKeys) : JSON.parse(text);
  } catch (err) {
    return new ProtocolError(ErrorCode.BadFrame, `not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return new ProtocolError(ErrorCode.BadFrame, 'frame must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length ? issue.path.join('.') : 'frame';
  return `${path}: ${issue.message}`;
}

/**
 * Validates an already-parsed value against a schema. Unknown keys are stripped
 * (so forged `senderId`/`seq` are ignored); wrong types are refused, never coerced.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, id?: string | number): z.output<S> | ProtocolError {
  const result = schema.safeParse(value);
  return result.success ? result.data : new ProtocolError(ErrorCode.Validation, describe(result.error), id);
}

function requestIdOf(obj: Record<string, unknown>): string | number | undefined {
  const id = obj['id'];
  // Same rule as the `requestId` schema, so an echoed id never makes an invalid `error` frame.
  return (typeof id === 'string' && id.length <= 64) || (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 && !Object.is(id, -0))
    ? id
    : undefined;
}

/** Not streaming, so it keeps no state between calls and one instance serves every frame. */
const utf8 = new TextDecoder('utf-8', { fatal: false });

function toText(raw: string | Uint8Array | ArrayBuffer): string {
  if (typeof raw === 'string') return raw;
  return utf8.decode(raw);
}

/** Parses and validates one client→server frame. The server's only entry point for socket input. */
export function parseFrame(raw: string | Uint8Array | ArrayBuffer): z.output<typeof clientFrame> | ProtocolError {
  const obj = parseJsonObject(toText(raw));
  if (obj instanceof ProtocolError) return obj;
  // The hot `send` frame skips zod when it is plainly valid; anything else (and every refusal) is zod's.
  return fastSendFrame(obj) ?? validate(clientFrame, obj, requestIdOf(obj));
}

/** Parses and validates one server→client frame (for tests and strict clients). */
export function parseServerFrame(raw: string | Uint8Array | ArrayBuffer): z.output<typeof serverFrame> | ProtocolError {
  const obj = parseJsonObject(toText(raw));
  if (obj instanceof ProtocolError) return obj;
  return validate(serverFrame, obj, requestIdOf(obj));
}
