// twitchlearn (tools/static/pycompile.mjs): compile the static edition's Python to bytecode
// with the browser's own interpreter, Pyodide, run here under Node at build time.
//
//   node tools/static/pycompile.mjs PYODIDE_DIR SOURCELESS_PY PREFIX=FILE...
//
// PYODIDE_DIR holds Pyodide's core (pyodide.mjs, the wasm, python_stdlib.zip); each FILE (a
// wheel, python_stdlib.zip) is rewritten in place by sourceless.py's `sourceless(data,
// PREFIX)`. Called by tools/static/build.py.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dir, script, ...jobs] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
const py = await loadPyodide({ indexURL: path.resolve(dir) + "/", stdout: () => {} });
py.runPython(fs.readFileSync(script, "utf-8"));
const sourceless = py.globals.get("sourceless");
for (const job of jobs) {
  const at = job.indexOf("=");
  const prefix = job.slice(0, at);
  const file = job.slice(at + 1);
  py.FS.writeFile("/tmp/in.zip", new Uint8Array(fs.readFileSync(file)));
  py.runPython(`
with open("/tmp/in.zip", "rb") as f:
    data = sourceless(f.read(), ${JSON.stringify(prefix)})
with open("/tmp/out.zip", "wb") as f:
    f.write(data)
`);
  fs.writeFileSync(file, py.FS.readFile("/tmp/out.zip"));
}
sourceless.destroy();
console.log(py.runPython("import sys; sys.version.split()[0]"));
