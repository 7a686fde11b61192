// The RootDSE: what a domain controller says about itself before anything else is read (its naming contexts,
// its identity, how far its update sequence numbers have come). One read for every part of the connector.
import type { Client } from 'ldapts';
import { DirSyncError } from '../../core/errors.ts';
import { openDirectoryConnection, type DirectoryConnectionOptions } from './connection.ts';
import { dnsNameOfDomainDn } from './distinguished-name.ts';
import { firstString, valuesAsArray } from './values.ts';
import type { LdapValues } from './values.ts';

export interface RootDse {
  /** The DN of the DC's domain. */
  defaultNamingContext: string;
  /** The DN of the forest's root domain (its DNS form is the forest's name). */
  rootDomainNamingContext: string;
  /** Every naming context the DC holds (domain, configuration, schema, application partitions). */
  namingContexts: string[];
  schemaNamingContext: string;
  /** The DN of the DC's NTDS Settings object: which DC this is. */
  dsServiceName: string;
  /** Decimal (USNs are 64-bit). */
  highestCommittedUsn: string;
}

export async function readRootDse(client: Client): Promise<RootDse> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    attributes: ['defaultNamingContext', 'rootDomainNamingContext', 'namingContexts', 'schemaNamingContext', 'dsServiceName', 'highestCommittedUSN'],
  });
  const rootDse = searchEntries[0];
  const text = (name: string): string => firstString(rootDse?.[name] as LdapValues | undefined) ?? '';
  return {
    defaultNamingContext: text('defaultNamingContext'),
    rootDomainNamingContext: text('rootDomainNamingContext'),
    namingContexts: valuesAsArray(rootDse?.namingContexts as LdapValues | undefined).map(String),
    schemaNamingContext: text('schemaNamingContext'),
    dsServiceName: text('dsServiceName'),
    highestCommittedUsn: text('highestCommittedUSN'),
  };
}

/** The DN of the DC's domain, for the steps that cannot go on without it. */
export async function readDomainDn(client: Client): Promise<string> {
  const { defaultNamingContext } = await readRootDse(client);
  if (defaultNamingContext === '')
    throw new DirSyncError(
      'ActiveDirectory.unexpected-reply',
      'the directory did not name its default naming context (RootDSE defaultNamingContext)',
    );
  return defaultNamingContext;
}

/** The forest's name: the DNS root of its root domain (fabrikam.example.test). */
export async function readForestName(client: Client): Promise<string> {
  const { rootDomainNamingContext, defaultNamingContext } = await readRootDse(client);
  const root = rootDomainNamingContext || defaultNamingContext;
  if (root === '')
    throw new DirSyncError('ActiveDirectory.unexpected-reply', 'the directory did not name its root domain (RootDSE rootDomainNamingContext)');
  return dnsNameOfDomainDn(root);
}

/** The forest's name, read with a connection opened for the purpose (forest add, before anything else is checked). */
export async function readForestNameAs(connection: DirectoryConnectionOptions): Promise<string> {
  const client = await openDirectoryConnection(connection);
  try {
    return await readForestName(client);
  } finally {
    await client.unbind();
  }
}
