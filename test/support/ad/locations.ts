import { join } from 'node:path';

/** Machine-wide cache of built templates and the test CA; outside the repository so every clone shares it. */
export const cacheRoot = process.env.DIRSYNC_TEST_CACHE ?? '/var/tmp/dirsync-test-cache';
export const templatesRoot = join(cacheRoot, 'templates');
export const certificateAuthorityDirectory = join(cacheRoot, 'ca');
/** One directory per running domain, named after its loopback address (creating it claims the address). */
export const runsRoot = join(cacheRoot, 'runs');
