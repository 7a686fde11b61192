// Reads of the directory's layout that configure, mapping set and the module need: the scope's OUs exist (or which
// ones do), the Exchange schema holds what the hybrid deployment writes back, the schema has the attributes a mapping
// reads, and the list of OUs for tab completion.
import { distance } from 'fastest-levenshtein';
import { type Client, InvalidDNSyntaxError, NoSuchObjectError } from 'ldapts';
import { recommendedActions } from '../../core/advice.ts';
import { DirSyncError } from '../../core/errors.ts';
import { deepestContainerOf, isDnWithin, parentDn, parseDn } from './distinguished-name.ts';
import { type RootDse, readRootDse } from './root-dse.ts';

/** Exchange attributes the hybrid deployment writes back (they exist only where Exchange extended the schema). */
const HYBRID_WRITEBACK_ATTRIBUTES = [
  'msExchArchiveStatus',
  'msExchSafeSendersHash',
  'msExchBlockedSendersHash',
  'msExchSafeRecipientsHash',
  'msExchUCVoiceMailSettings',
  'msExchUserHoldPolicies',
];

/** How many existing OUs a "does not exist" names, closest first. */
const SUGGESTIONS = 5;

/**
 * Each OU of the scope exists (a base read finds it). One that does not is said plainly, with the closest OUs that do
 * exist under the deepest part of its path that exists; one outside every naming context of the directory, with them.
 */
export async function ensureOusExist(client: Client, dns: readonly string[]): Promise<void> {
  let rootDse: RootDse | undefined;
  for (const dn of dns) {
    if (await exists(client, dn)) continue;
    rootDse ??= await readRootDse(client);
    const context = deepestContainerOf(dn, rootDse.namingContexts);
    if (context === undefined) {
      throw ouNotFound(
        `the organizational unit ${dn} is not in this directory, whose domain is ${rootDse.defaultNamingContext}`,
        ` so that it ends with ${rootDse.defaultNamingContext}`,
        dn,
      );
    }
    const { parent, missing } = await deepestExisting(client, dn, context);
    const closest = await closestChildren(client, parent, missing);
    throw ouNotFound(
      `the organizational unit ${dn} does not exist in Active Directory (or the account cannot see it); ${
        closest.length > 0 ? `under ${parent} there are: ${closest.join('; ')}` : `${parent} holds no organizational unit`
      }`,
      closest.length > 0 ? `, e.g. ${closest[0]}` : '',
      dn,
    );
  }
}

/** ActiveDirectory.ou-not-found, its advice ending with `hint` (which OU to give instead). */
function ouNotFound(message: string, hint: string, dn: string): DirSyncError {
  return new DirSyncError('ActiveDirectory.ou-not-found', message, {
    ...recommendedActions(
      (say) => `correct the OU distinguished name (${say.option('--include-ou')} / ${say.option('--exclude-ou')})${hint}; nothing was saved`,
    ),
    target: dn,
  });
}

/** Whether a base read finds the entry: no such object is "no"; any other refusal is the directory's error to report. */
async function exists(client: Client, dn: string): Promise<boolean> {
  try {
    await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['objectClass'] });
    return true;
  } catch (error) {
    if (error instanceof NoSuchObjectError) return false;
    if (error instanceof InvalidDNSyntaxError) {
      throw new DirSyncError('ActiveDirectory.invalid-configuration', `the domain controller does not take ${dn} as a distinguished name`, {
        recommendedAction: 'write the OU as a full distinguished name with commas between its parts, e.g. OU=Sales,DC=corp,DC=example,DC=com',
        target: dn,
      });
    }
    throw error;
  }
}

/** The deepest existing entry on the path from the naming context down to `dn`, and the first missing RDN below it. */
async function deepestExisting(client: Client, dn: string, context: string): Promise<{ parent: string; missing: string }> {
  const path: string[] = [];
  for (let current: string | undefined = dn; current !== undefined && !isDnWithin(context, current); current = parentDn(current))
    path.unshift(current);
  let parent = context;
  for (const entry of path) {
    if (!(await exists(client, entry))) return { parent, missing: entry };
    parent = entry;
  }
  return { parent, missing: dn };
}

/** The OUs and containers right under `parent`, those whose name is closest to the missing one's first. */
async function closestChildren(client: Client, parent: string, missing: string): Promise<string[]> {
  const { searchEntries } = await client.search(parent, {
    scope: 'one',
    filter: '(|(objectClass=organizationalUnit)(objectClass=container))',
    attributes: ['objectClass'],
  });
  const wanted = rdnValue(missing);
  return searchEntries
    .map((entry) => ({ dn: entry.dn, distance: distance(wanted, rdnValue(entry.dn)) }))
    .sort((a, b) => a.distance - b.distance || a.dn.localeCompare(b.dn))
    .slice(0, SUGGESTIONS)
    .map((entry) => entry.dn);
}

/** The value of a DN's first RDN, lower-cased (`OU=Sales,DC=…` → `sales`). */
function rdnValue(dn: string): string {
  const first = parseDn(dn)[0] ?? '';
  return first.slice(first.indexOf('=') + 1);
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
