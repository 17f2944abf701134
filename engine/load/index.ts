// The loading layer's public surface: runbooks, inventories, host patterns, -e, durations.
export { loadRunbook, resolveRef, type LoadRunbookOptions } from './runbook.js';
export { parseDuration, formatDuration } from './duration.js';
export { MAX_SOURCE_BYTES, MAX_ALIASES } from './source.js';
export { DEFAULT_TIMEOUT_MS, DEFAULT_DELAY_MS, DEFAULT_UNTIL_RETRIES } from './steps.js';
export { ALWAYS_DEFINED, STEP_KEYS } from './context.js';
export { paramValueProblem } from './params.js';
export { loadInventory, looksLikeIni } from './inventory.js';
export { findHost, implicitLocalhost } from './inventory-build.js';
export { selectHosts } from './patterns.js';
export { parseExtraVars } from './extra-vars.js';
export { checkRunbookAgainstInventory, runtimeNames } from './check.js';
