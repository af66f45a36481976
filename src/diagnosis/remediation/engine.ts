import { type StepsByCode, str } from './steps.js';

export const ENGINE_STEPS: StepsByCode = {
  'check.errored': (e) => [
    `Run the diagnosis again; if the ${str(e.check, 'same')} check keeps failing, report it with the error text above.`,
  ],
  'check.timed_out': (e) => [
    `Run again with a larger budget (e.g. \`--timeout 20\`); the ${str(e.check, '')} check was cut off after ${str(e.budgetMs, '?')} ms.`,
  ],
};
