// Preloaded into the spawned CLI (`node --import`) when a test asks which modules a command loads:
// a loader hook appends the URL of every module loaded through `import` (ours, and each package's
// entry point) to the file named by CHECK502_E2E_MODULELOG. It observes only.
import { register } from 'node:module';

const file = process.env.CHECK502_E2E_MODULELOG;
if (file) {
  const hooks = `
    import { appendFileSync } from 'node:fs';
    let file;
    export function initialize(data) { file = data.file; }
    export async function load(url, context, next) {
      appendFileSync(file, url + '\\n');
      return next(url, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { file } });
}
