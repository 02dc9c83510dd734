import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `../shared/` (specifications, golden data, host-leaks) sits beside the checkout on the
 * developers' and CI's machines, not in a user's fresh clone. Tests that use it as an oracle skip
 * with this reason when it is absent.
 */
export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const HAS_SHARED = existsSync(SHARED_DIR);
export const SHARED_MISSING_REASON = `reference data not found at ${SHARED_DIR} (it exists only beside the developers' checkout)`;
