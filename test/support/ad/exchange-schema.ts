// The Exchange attributes an attribute mapping can read, added to the test domain's schema while it is offline
// (Samba takes a schema extension with "dsdb:schema update allowed"): extensionAttribute1–15 and
// msExchHideFromAddressLists, made optional attributes of mailRecipient, which users, groups and contacts include
// (proxyAddresses is there already). Microsoft's OIDs and syntaxes (the Exchange schema); Samba gives each its
// schemaIDGUID. About 5 s of a template build.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface ExchangeAttribute {
  cn: string;
  ldapDisplayName: string;
  attributeId: string;
  /** Unicode string (2.5.5.12 / 64, 1–1024 characters) or Boolean (2.5.5.8 / 1). */
  syntax: 'string' | 'boolean';
}

/** ms-Exch-Extension-Attribute-1 … 10 are 1.2.840.113556.1.2.423 … 432; 11 … 15 are 1.2.840.113556.1.2.599 … 603. */
export const EXCHANGE_ATTRIBUTES: readonly ExchangeAttribute[] = [
  ...Array.from({ length: 15 }, (_, index) => ({
    cn: `ms-Exch-Extension-Attribute-${index + 1}`,
    ldapDisplayName: `extensionAttribute${index + 1}`,
    attributeId: `1.2.840.113556.1.2.${index < 10 ? 423 + index : 589 + index}`,
    syntax: 'string' as const,
  })),
  {
    cn: 'ms-Exch-Hide-From-Address-Lists',
    ldapDisplayName: 'msExchHideFromAddressLists',
    attributeId: '1.2.840.113556.1.4.7000.102.73',
    syntax: 'boolean',
  },
];

function attributeSchema(attribute: ExchangeAttribute, schemaDn: string): string {
  const syntax =
    attribute.syntax === 'string'
      ? ['attributeSyntax: 2.5.5.12', 'oMSyntax: 64', 'rangeLower: 1', 'rangeUpper: 1024']
      : ['attributeSyntax: 2.5.5.8', 'oMSyntax: 1'];
  return [
    `dn: CN=${attribute.cn},${schemaDn}`,
    'objectClass: attributeSchema',
    `cn: ${attribute.cn}`,
    `lDAPDisplayName: ${attribute.ldapDisplayName}`,
    `attributeID: ${attribute.attributeId}`,
    ...syntax,
    'isSingleValued: TRUE',
    '',
  ].join('\n');
}

/** Adds the attributes to the schema of the (stopped) domain in `directory` (at `baseDn`), and to mailRecipient's mayContain. */
export async function extendSchemaWithExchangeAttributes(directory: string, baseDn: string): Promise<void> {
  const schemaDn = `CN=Schema,CN=Configuration,${baseDn}`;
  const database = join(directory, 'private', 'sam.ldb');
  const option = '--option=dsdb:schema update allowed=true';
  const attributes = join(directory, 'exchange-attributes.ldif');
  const mailRecipient = join(directory, 'exchange-mail-recipient.ldif');
  await writeFile(attributes, EXCHANGE_ATTRIBUTES.map((attribute) => attributeSchema(attribute, schemaDn)).join('\n'));
  await writeFile(
    mailRecipient,
    [
      `dn: CN=Mail-Recipient,${schemaDn}`,
      'changetype: modify',
      'add: mayContain',
      ...EXCHANGE_ATTRIBUTES.map((attribute) => `mayContain: ${attribute.ldapDisplayName}`),
      '',
    ].join('\n'),
  );
  await run('ldbadd', ['-H', database, option, attributes], { timeout: 120_000 });
  await run('ldbmodify', ['-H', database, option, mailRecipient], { timeout: 120_000 });
}
