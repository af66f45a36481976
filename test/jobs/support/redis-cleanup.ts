// Moved to test/support/redis-cleanup.ts (shim until 09:30 UTC; import from there).
export * from '../../support/redis-cleanup.js';
