// Moved to test/support/slack-requests.ts (shim until 09:30 UTC; import from there).
export * from '../../../support/slack-requests.js';
