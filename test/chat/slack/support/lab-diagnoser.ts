// Moved to test/support/lab-diagnoser.ts (shim until 09:30 UTC; import from there).
export * from '../../../support/lab-diagnoser.js';
