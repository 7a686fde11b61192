// Error codes: Reaching and signing in to the cloud, and what Microsoft Graph answers.
import { actions } from '../advice.ts';
import { reconfigure, type CatalogueEntry } from './entry.ts';

export const cloudErrors = {
  // Reaching the cloud.
  'CloudConnection.certificate-untrusted': {
    category: 'SecurityError',
    transient: false,
    summary: 'The TLS certificate of the cloud endpoint is not trusted.',
    action:
      'If a proxy or a private endpoint presents its own certificate, give DirSync its CA certificate (PEM); otherwise check that nothing intercepts the connection.',
  },
  'CloudConnection.certificate-expired': {
    category: 'SecurityError',
    transient: false,
    summary: 'The TLS certificate of the cloud endpoint has expired or is not yet valid.',
    action: 'Check the clock of this computer, then the certificate of the endpoint or proxy.',
  },
  'CloudConnection.host-mismatch': {
    category: 'SecurityError',
    transient: false,
    summary: 'The TLS certificate of the cloud endpoint is issued to another host name.',
    action: 'Check the endpoint URL and any proxy between this computer and the cloud.',
  },
  'CloudConnection.connection-refused': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The cloud endpoint refused the connection.',
    action: 'Check the endpoint URL, the HTTPS_PROXY setting and the firewall.',
  },
  'CloudConnection.host-not-found': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The host name of the cloud endpoint could not be resolved.',
    action: 'Check the endpoint URL and the DNS or proxy settings of this computer.',
  },
  'CloudConnection.timed-out': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The cloud endpoint did not answer in time.',
    action: 'Check the network path and the HTTPS_PROXY setting; the next cycle tries again.',
  },
  'CloudConnection.network-error': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The connection to the cloud endpoint failed.',
    action: 'Check the network path and the HTTPS_PROXY setting; the next cycle tries again.',
  },
  'CloudConnection.proxy-failed': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The HTTPS proxy could not be reached, or would not connect to the cloud endpoint.',
    action:
      'Check the HTTPS_PROXY setting (and NO_PROXY), that the proxy runs and answers, and that it may reach the sign-in and Graph hosts; the next cycle tries again.',
  },
  // Signing in to the cloud.
  'CloudSignIn.client-secret-rejected': {
    category: 'AuthenticationError',
    transient: false,
    summary: "The cloud application's client secret was rejected.",
    ...actions((say) => `Create a new client secret for the application and ${reconfigure(say)}.`),
  },
  'CloudSignIn.client-certificate-rejected': {
    category: 'AuthenticationError',
    transient: false,
    summary: "The cloud application's certificate credential was rejected.",
    ...actions((say) => `Upload the certificate to the application registration (or renew it) and ${reconfigure(say)}.`),
  },
  'CloudSignIn.application-not-found': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The tenant has no application with this client id.',
    ...actions((say) => `Check the application (client) id, or register the application in the tenant, and ${reconfigure(say)}.`),
  },
  'CloudSignIn.tenant-not-found': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The tenant does not exist in this cloud.',
    ...actions((say) => `Check the tenant id and the cloud (AzureCloud, AzureChinaCloud, AzureUSGovernment), then ${reconfigure(say)}.`),
  },
  'CloudSignIn.graph-resource-unknown': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The sign-in service does not know the configured Microsoft Graph endpoint (AADSTS500011).',
    ...actions(
      (say) =>
        `Give the Graph endpoint of the same cloud as the authority host (${say.option('--graph-endpoint')} with ${say.option('--authority-host')}, or ${say.option('--cloud')}), then ${reconfigure(say)}.`,
    ),
  },
  'CloudSignIn.certificate-file-invalid': {
    category: 'InvalidData',
    transient: false,
    summary: "The cloud application's certificate file cannot be used.",
    action: 'Give a PEM file holding both the certificate and its unencrypted RSA private key, readable by its owner only.',
  },
  'CloudSignIn.credential-missing': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'No credential is stored for the cloud application.',
    ...actions((say) => `${reconfigure(say)} with the client secret or a certificate.`),
  },
  'CloudSignIn.empty-access-token': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'Sign-in returned no access token.',
    action: 'Check the authority host: it must be an Entra ID token endpoint.',
  },
  'CloudSignIn.sign-in-refused': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'Sign-in to Entra ID was refused.',
    ...actions(
      (say) => `Check the application registration, its credentials and its Microsoft Graph application permissions, then ${reconfigure(say)}.`,
    ),
  },
  // Microsoft Graph answers the connector cannot handle itself (an object's own refusal is a per-object error instead).
  'Graph.unauthorized': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'Microsoft Graph refused the access token, even after a fresh sign-in.',
    ...actions((say) => `Check the application's credential and the tenant, then ${reconfigure(say)}.`),
  },
  'Graph.permission-denied': {
    category: 'PermissionDenied',
    transient: false,
    summary: 'Microsoft Graph refused a request for lack of permission.',
    action:
      'Grant the application the Microsoft Graph application permissions DirSync needs (User.ReadWrite.All, Group.ReadWrite.All, Domain.Read.All, Application.ReadWrite.OwnedBy) with admin consent.',
  },
  'Graph.permission-missing': {
    category: 'PermissionDenied',
    transient: false,
    summary: 'The application lacks Microsoft Graph application permissions DirSync needs.',
    ...actions((say) => `Grant the permissions to the app registration with admin consent, then ${reconfigure(say)}.`),
  },
  'Graph.throttled': {
    category: 'LimitsExceeded',
    transient: true,
    summary: 'Microsoft Graph kept throttling after every retry.',
    ...actions(
      (say) =>
        `Nothing is lost: the next cycle resumes. If it persists, lower the write budget (${say.command('configure')} ${say.option('--write-budget')}).`,
    ),
  },
  'Graph.unavailable': {
    category: 'ResourceUnavailable',
    transient: true,
    summary: 'Microsoft Graph is failing (server errors after every retry).',
    action: 'Nothing is lost: the next cycle resumes where this one stopped.',
  },
  'Graph.request-failed': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'A Microsoft Graph request failed in a way DirSync does not handle.',
    ...actions((say) => `Run ${say.command('sync')} again with ${say.option('--verbose')}; if it persists, report it with that output.`),
  },
  'Graph.unexpected-reply': {
    category: 'InvalidData',
    transient: false,
    summary: 'Microsoft Graph answered something DirSync does not understand.',
    ...actions(
      (say) =>
        `Check the Graph endpoint (${say.command('configure')} ${say.option('--graph-endpoint')}); if it is right, report it with the verbose output.`,
    ),
  },
  'Graph.application-not-visible': {
    category: 'PermissionDenied',
    transient: false,
    summary: 'The application cannot see itself through Graph, so it cannot register the group anchor property.',
    action: 'Grant it Application.ReadWrite.OwnedBy and make it its own owner.',
  },
} as const satisfies Record<string, CatalogueEntry>;
