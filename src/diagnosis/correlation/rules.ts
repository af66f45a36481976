import type { Rule } from '../correlate.js';

// Ordered: the first rule that names a cause wins, so the strongest explanations come first.
export const RULES: readonly Rule[] = [];
