// Loaded with `node --import ./test/helpers/trace-modules.mjs`: writes every module the process loads
// (ES modules through the loader's resolve hook, CommonJS ones through Module._load) as one line each to
// the file named by LOCKER_TRACE_MODULES. test/cli-startup.test.ts reads it to see which packages a
// command loaded.
import { appendFileSync } from 'node:fs';
import module from 'node:module';

const out = process.env.LOCKER_TRACE_MODULES;
if (out) {
  const hook = `
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      appendFileSync(${JSON.stringify(out)}, r.url + '\\n');
      return r;
    }`;
  module.register(`data:text/javascript,${encodeURIComponent(hook)}`);
  const original = module._load;
  module._load = function load(request, parent, isMain) {
    let where = request;
    try {
      where = module._resolveFilename(request, parent, isMain);
    } catch {
      // a built-in or an unresolvable name: the request itself is written
    }
    appendFileSync(out, `${where}\n`);
    return original.call(this, request, parent, isMain);
  };
}
