/** All schemas, re-exported flat so `schemas.sendFrame`, `schemas.loginBody` etc. read naturally. */
export * from './primitives.js';
export * from './frames.js';
export * from './rest.js';
export * from './groups.js';
export * from './content.js';
export * from './calls.js';
export * from './search.js';
export * from './uploads.js';
export * from './turn.js';
