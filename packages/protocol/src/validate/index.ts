/**
 * `@quickchat/protocol/validate`: zod schemas and parsers. Imported by the server (every frame
 * and REST body goes through here) and by tests. Browser clients import only the root entry,
 * which carries types and codes but no validator.
 */
export * as schemas from './schemas.js';
export { parseFrame, parseServerFrame, parseJsonObject, validate, ProtocolError } from './parse.js';
export * from './content.js';
export * from './calls.js';
export * from './search.js';
export * from './uploads.js';
export * from './turn.js';
