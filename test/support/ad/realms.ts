// The test forests: each template is provisioned as one of these realms. Two realms run side by side for the
// installations that synchronise several forests (issue 22); their domains have different SIDs and GUIDs.

export interface Realm {
  realm: string;
  netbiosName: string;
  dnsDomain: string;
  baseDn: string;
  hostName: string;
}

function realmOf(dnsDomain: string, netbiosName: string): Realm {
  return {
    realm: dnsDomain.toUpperCase(),
    netbiosName,
    dnsDomain,
    baseDn: dnsDomain
      .split('.')
      .map((label) => `DC=${label}`)
      .join(','),
    hostName: `dc1.${dnsDomain}`,
  };
}

export const CORP_REALM = realmOf('corp.example.test', 'CORP');
/** The second forest (a merger's): another realm, another domain SID. */
export const FABRIKAM_REALM = realmOf('fabrikam.example.test', 'FABRIKAM');
