// esbuild plugins for the deployed functions (serverless.yml `custom.esbuild.plugins`).
//
// AWS SDK v3 clients describe every shape of their service in one `dist-es/schemas/schemas_0.js`: one top-level
// `var Name$ = [...]` per shape, operation and error. esbuild drops an unused declaration only when it can prove its
// initializer has no side effect, and a schema with traits is an object literal with computed keys
// (`{ [_xN]: "instanceId" }`), which it cannot prove. So every schema of the service stayed in each bundle: all of
// EC2's (about 540 kB minified) although a function calls four of its operations. Wrapping each initializer in an
// immediately called arrow function marked pure lets esbuild drop the schemas nothing references; the value and the
// order of evaluation are unchanged (the function runs where the initializer ran). Error schemas stay: their
// registration (`n0_registry.registerError(...)`) references them.
'use strict';

const { readFile } = require('node:fs/promises');

const SCHEMA_FILE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

// A declaration starts a line; it ends at the `;` before the next top-level statement (another declaration, a
// registry call) or at the end of the file.
const DECLARATION =
  /^(export var|var) ([A-Za-z0-9_$]+) = ([\s\S]*?);\n?(?=export |var |const |[A-Za-z0-9_$]+_registry\.|(?![\s\S]))/gm;
const DECLARATION_START = /^(?:export var|var) [A-Za-z0-9_$]+ = /gm;

/**
 * The schema module's source with every `var` initializer made droppable. Throws, naming the file, when a
 * declaration does not have the expected shape (a new SDK layout): a build must fail rather than ship a broken client.
 */
function markSchemasPure(source, file) {
  const expected = (source.match(DECLARATION_START) ?? []).length;
  let rewritten = 0;
  const output = source.replace(DECLARATION, (_whole, keyword, name, initializer) => {
    // Continuation lines of a generated initializer are indented or close it; anything else is another statement.
    if (/\n(?![\s\]}])/.test(initializer))
      throw new Error(`pure-sdk-schemas: ${file}: ${name} is followed by a statement of unknown shape`);
    rewritten += 1;
    return `${keyword} ${name} = /* @__PURE__ */ (() => ${initializer})();\n`;
  });
  if (rewritten !== expected)
    throw new Error(
      `pure-sdk-schemas: ${file}: rewrote ${rewritten} of ${expected} schema declarations; the SDK's schema layout changed`,
    );
  return output;
}

/** The esbuild plugin applying {@link markSchemasPure} to every AWS SDK client's schema module. */
const pureSdkSchemas = {
  name: 'pure-sdk-schemas',
  setup(build) {
    build.onLoad({ filter: SCHEMA_FILE }, async (args) => ({
      contents: markSchemasPure(await readFile(args.path, 'utf8'), args.path),
      loader: 'js',
    }));
  },
};

module.exports = [pureSdkSchemas];
module.exports.markSchemasPure = markSchemasPure;
