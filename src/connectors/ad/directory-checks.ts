// Reads of the directory's layout that configure, mapping set and the module need: the scope's OUs exist, the Exchange
// schema holds what the hybrid deployment writes back, the schema has the attributes a mapping reads, and the list of
// OUs for tab completion.
import { recommendedActions } from '../../core/advice.ts';
import type { Client } from 'ldapts';
import { DirSyncError } from '../../core/errors.ts';
import { readRootDse } from './root-dse.ts';

/** Exchange attributes the hybrid deployment writes back (they exist only where Exchange extended the schema). */
const HYBRID_WRITEBACK_ATTRIBUTES = [
  'msExchArchiveStatus',
  'msExchSafeSendersHash',
  'msExchBlockedSendersHash',
  'msExchSafeRecipientsHash',
  'msExchUCVoiceMailSettings',
  'msExchUserHoldPolicies',
];

export async function ensureOusExist(client: Client, dns: readonly string[]): Promise<void> {
  for (const dn of dns) {
    try {
      await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['objectClass'] });
    } catch (error) {
      throw new DirSyncError(
        'ActiveDirectory.ou-not-found',
        `the organizational unit ${dn} does not exist in Active Directory (or the account cannot see it): ${(error as Error).message}`,
        {
          ...recommendedActions(
            (say) => `correct the OU distinguished name (${say.option('--include-ou')} / ${say.option('--exclude-ou')}); nothing was saved`,
          ),
          target: dn,
          cause: error,
        },
      );
    }
  }
}

export async function ensureExchangeSchema(client: Client): Promise<void> {
  const schema = (await readRootDse(client)).schemaNamingContext;
  const filter = `(|${HYBRID_WRITEBACK_ATTRIBUTES.map((name) => `(lDAPDisplayName=${name})`).join('')})`;
  const { searchEntries } = await client.search(schema, { scope: 'one', filter, attributes: ['lDAPDisplayName'] });
  const present = new Set(searchEntries.map((entry) => String(entry.lDAPDisplayName).toLowerCase()));
  const missing = HYBRID_WRITEBACK_ATTRIBUTES.filter((name) => !present.has(name.toLowerCase()));
  if (missing.length > 0) {
    throw new DirSyncError(
      'ActiveDirectory.exchange-schema-missing',
      `Exchange hybrid deployment needs Exchange's schema extensions in Active Directory; missing: ${missing.join(', ')}`,
      {
        ...recommendedActions(
          (say) =>
            `extend the schema with Exchange Server setup (/PrepareSchema), or run ${say.command('configure')} without ${say.option('--enable-hybrid-deployment')}; nothing was saved`,
        ),
      },
    );
  }
}

/** The distinguished names of the domain's organizational units, sorted. */
export async function listOrganizationalUnits(client: Client): Promise<string[]> {
  const base = (await readRootDse(client)).defaultNamingContext;
  const { searchEntries } = await client.search(base, { scope: 'sub', filter: '(objectClass=organizationalUnit)', attributes: ['ou'], paged: true });
  return searchEntries.map((entry) => entry.dn).sort((a, b) => a.localeCompare(b));
}

/** Attribute syntaxes whose values are bytes: the connector carries objectSid (as S-1-…) and no other. */
const BINARY_SYNTAXES = new Map([
  ['2.5.5.10', 'an octet string'],
  ['2.5.5.15', 'a security descriptor'],
  ['2.5.5.17', 'a SID'],
]);

/**
 * Which of these attributes (lDAPDisplayNames, any case) the schema has and an import can read as text: name (lower
 * case) → undefined when readable, or why not. Names the schema does not have are missing from the map.
 */
export async function readableAttributes(client: Client, names: readonly string[]): Promise<Map<string, string | undefined>> {
  const schema = (await readRootDse(client)).schemaNamingContext;
  const found = new Map<string, string | undefined>();
  const wanted = [...new Set(names.map((name) => name.toLowerCase()))];
  for (let start = 0; start < wanted.length; start += 50) {
    const filter = `(&(objectClass=attributeSchema)(|${wanted
      .slice(start, start + 50)
      .map((name) => `(lDAPDisplayName=${name})`)
      .join('')}))`;
    const { searchEntries } = await client.search(schema, { scope: 'one', filter, attributes: ['lDAPDisplayName', 'attributeSyntax'] });
    for (const entry of searchEntries) {
      const name = String(entry.lDAPDisplayName);
      const binary = BINARY_SYNTAXES.get(String(entry.attributeSyntax));
      found.set(
        name.toLowerCase(),
        name.toLowerCase() === 'objectguid'
          ? "objectGUID is DirSync's anchor: it is never mapped"
          : binary !== undefined && name.toLowerCase() !== 'objectsid'
            ? `its values are ${binary} (bytes), which DirSync does not read`
            : undefined,
      );
    }
  }
  return found;
}
