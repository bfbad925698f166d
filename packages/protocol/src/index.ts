/**
 * `@quickchat/protocol`: wire types, error and close codes, limits, versions and id helpers.
 * No runtime dependencies: safe to bundle in browsers. Validation lives in
 * `@quickchat/protocol/validate`.
 */
export * from './codes.js';
export * from './content.js';
export * from './group-rules.js';
export * from './ids.js';
export * from './limits.js';
export * from './version.js';
export type * from './types.js';
