// The template layer's public surface: rendering (Handlebars) and guard expressions (jexl).
export { render, hasTemplate, templateRefs, templateReads, HELPER_NAMES, type Scope, type RenderOpts } from './render.js';
export type { Reads } from './ast.js';
export { evalExpr, evalBool, compileExpr, exprNames, EXPR_FUNCTIONS } from './expr.js';
export { runtimeValue, runtimeLabel, RuntimeValueError, type RuntimeMode } from './runtime.js';
export { TemplateError } from './errors.js';
export { shellQuote, quoteWord } from './shell.js';
export { pkgVersion, minor, nextMinor, upgradePath } from './helpers.js';
