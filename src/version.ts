import packageJson from '../package.json' with { type: 'json' };

/** The product version in the original tool's four-part form, e.g. 1.0.7100.0000. */
export const PRODUCT_VERSION: string = packageJson.productVersion;

/**
 * The oldest Node major version DirSync runs on (node:sqlite, the built-in proxy support). Not package.json's
 * `engines`: npm checks that against the Node running npm itself, and warns on every npx of the checkout.
 */
export const MINIMUM_NODE_MAJOR = 24;
