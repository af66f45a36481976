// Moved to test/support/slack-harness.ts (shim until 09:30 UTC; import from there).
export * from '../../../support/slack-harness.js';
