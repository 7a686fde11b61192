import packageJson from '../package.json' with { type: 'json' };

/** The product version in the original tool's four-part form, e.g. 1.0.7100.0000. */
export const PRODUCT_VERSION: string = packageJson.productVersion;
