/**
 * @selfprov/node: Node.js implementations of the core's ports that need Node APIs.
 * @packageDocumentation
 */
export { createScryptHasher, type ScryptParameters } from './scryptHasher.js';
export { nodeSha256Hex } from './sha256.js';
