// Moved to test/support/cloudflare-scenarios.ts (shim until 09:30 UTC; import from there).
export * from '../support/cloudflare-scenarios.js';
