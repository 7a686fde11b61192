// Error codes: Active Directory: reading it, and the service account DirSync reads it with.
import { actions } from '../advice.ts';
import { reconfigure, type CatalogueEntry } from './entry.ts';

export const onPremisesErrors = {
  // Active Directory: signing in and reading.
  'ActiveDirectory.wrong-password': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'Active Directory refused the password (or the account does not exist).',
    ...actions((say) => `Re-enter the on-premises credential: ${reconfigure(say)}.`),
  },
  'ActiveDirectory.account-disabled': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The Active Directory account is disabled.',
    action: 'Enable the account in Active Directory.',
  },
  'ActiveDirectory.account-expired': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The Active Directory account has expired.',
    action: "Extend the account's expiry date in Active Directory.",
  },
  'ActiveDirectory.password-expired': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The password of the Active Directory account has expired.',
    ...actions((say) => `Set a new password for the account, then ${reconfigure(say)}.`),
  },
  'ActiveDirectory.password-must-change': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The password of the Active Directory account must be changed before it can be used.',
    ...actions((say) => `Set a new password for the account, then ${reconfigure(say)}.`),
  },
  'ActiveDirectory.account-locked-out': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The Active Directory account is locked out.',
    action: 'Unlock the account, and check that nothing keeps trying an old password.',
  },
  'ActiveDirectory.logon-not-permitted': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The Active Directory account may not log on now or from this computer.',
    action: 'Widen the account\'s logon hours or its "Log On To" list.',
  },
  'ActiveDirectory.unreachable': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The domain controller cannot be reached, or the connection to it was lost.',
    action: 'Check that the domain controller is running and reachable; the next cycle resumes from the last recorded watermark.',
  },
  'ActiveDirectory.untrusted-certificate': {
    category: 'SecurityError',
    transient: false,
    summary: "The domain controller's certificate is not trusted.",
    ...actions(
      (say) =>
        `Give the CA that issued the domain controller's certificate (${say.option('--ad-ca-file')}, a PEM file), or renew an expired certificate. Verification cannot be turned off.`,
    ),
  },
  'ActiveDirectory.hostname-mismatch': {
    category: 'SecurityError',
    transient: false,
    summary: "The domain controller's certificate is issued for another name.",
    action: 'Connect with the name the certificate is issued for, or have the certificate reissued with this name in its subject alternative names.',
  },
  'ActiveDirectory.encryption-required': {
    category: 'SecurityError',
    transient: false,
    summary: 'The domain controller refuses a simple bind over an unencrypted connection.',
    action: 'Use ldaps:// or StartTLS on ldap:// (do not allow plain LDAP).',
  },
  'ActiveDirectory.start-tls-failed': {
    category: 'ConnectionError',
    transient: false,
    summary: 'StartTLS with the domain controller failed.',
    action: 'Check that the domain controller has a certificate for LDAP over TLS, or use ldaps://.',
  },
  'ActiveDirectory.invalid-ca-file': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The CA file for the domain controller cannot be read.',
    action: 'Check the path and that the account DirSync runs as may read the file.',
  },
  'ActiveDirectory.invalid-configuration': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The Active Directory settings cannot work against this directory.',
    ...actions((say) => `Correct the LDAP URL or the scope (OUs, attribute filter), then ${reconfigure(say)}.`),
  },
  'ActiveDirectory.invalid-url': {
    category: 'InvalidArgument',
    transient: false,
    summary: "The domain controller's address is not an LDAP URL.",
    ...actions((say) => `Give ${say.option('--ad-url')} ldaps://dc1.corp.example.com (or ldap://… for StartTLS), or only the host name.`),
  },
  'ActiveDirectory.ou-not-found': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'An organizational unit of the scope does not exist (or the account cannot see it).',
    ...actions((say) => `Correct the OU distinguished name (${say.option('--include-ou')} / ${say.option('--exclude-ou')}).`),
  },
  'ActiveDirectory.exchange-schema-missing': {
    category: 'InvalidOperation',
    transient: false,
    summary: "Exchange hybrid deployment needs Exchange's schema extensions, and the directory lacks them.",
    ...actions(
      (say) =>
        `Extend the schema with Exchange Server setup (/PrepareSchema), or run ${say.command('configure')} without ${say.option('--enable-hybrid-deployment')}.`,
    ),
  },
  // Not transient: the same watermark is refused again. A sync cycle catches it by code and runs a full import instead.
  'ActiveDirectory.watermark-rejected': {
    category: 'InvalidData',
    transient: false,
    summary: 'Active Directory cannot resume from the stored watermark (an expired or foreign cookie, another or a restored DC, a changed scope).',
    action: 'Nothing, for a sync cycle: it runs a full import instead. A saved plan computed from that watermark must be computed again.',
  },
  'ActiveDirectory.unexpected-reply': {
    category: 'InvalidData',
    transient: false,
    summary: 'The directory answered something DirSync does not understand.',
    ...actions((say) => `Run again with ${say.option('--verbose')}; if it persists, report it with that output.`),
  },
  // The AAD_ service account DirSync reads AD with.
  'ServiceAccount.insufficient-access': {
    category: 'PermissionDenied',
    transient: false,
    summary: 'The on-premises credential may not create the service account or grant it the replication right.',
    action: 'Enter the credential of an Enterprise Administrator (or a Domain Administrator of this domain).',
  },
  'ServiceAccount.encryption-required': {
    category: 'SecurityError',
    transient: false,
    summary: 'Active Directory sets passwords only over an encrypted connection.',
    action: 'Connect with LDAPS (port 636) or StartTLS.',
  },
  'ServiceAccount.password-rejected': {
    category: 'InvalidOperation',
    transient: false,
    summary: "Active Directory refused the service account's password.",
    action: 'Check the domain password policy: DirSync uses a random 64-character password with every character class.',
  },
  'ServiceAccount.users-container-not-found': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'The domain does not name its Users container, so the service account has no place to go.',
    action: 'Check the domain with "redirusr" or ADSI Edit: wellKnownObjects must list the Users container.',
  },
  'ServiceAccount.not-the-service-account': {
    category: 'SecurityError',
    transient: false,
    summary: 'The account recorded as the service account is not an AAD_ account DirSync created; DirSync will not touch it.',
    action:
      'Check configuration.json (activeDirectory.serviceAccount): restore it, or remove the entry so that configure creates a new AAD_ account.',
  },
  'ServiceAccount.cannot-sign-in': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The DirSync service account cannot sign in to Active Directory (removed, disabled, moved to another domain, or its password changed).',
    ...actions(
      (say) =>
        `${reconfigure(say)} with an Enterprise Administrator credential: it finds the account by its objectGUID, or creates a new one, and resets its password.`,
    ),
  },
} as const satisfies Record<string, CatalogueEntry>;
