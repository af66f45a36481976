// Moved to test/support/scripted-diagnoser.ts (shim until 09:30 UTC; import from there).
export * from '../../support/scripted-diagnoser.js';
