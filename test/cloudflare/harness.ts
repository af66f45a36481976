// Moved to test/support/cloudflare-harness.ts (shim until 09:30 UTC; import from there).
export * from '../support/cloudflare-harness.js';
export { originObservation as observed } from '../support/observations.js';
