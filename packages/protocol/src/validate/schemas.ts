/** All schemas, re-exported flat so `schemas.sendFrame`, `schemas.loginBody` etc. read naturally. */
export * from './primitives.js';
export * from './frames.js';
export * from './rest.js';
export * from './groups.js';
