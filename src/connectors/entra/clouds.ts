// The Microsoft clouds DirSync can sign in to, by the names Azure PowerShell uses for them.
// A private endpoint (or the project's stand-in) is given as explicit URLs instead of a name.

export interface CloudEndpoints {
  /** Where Entra ID issues tokens, e.g. https://login.microsoftonline.com. */
  authorityHost: string;
  /** The Microsoft Graph root, e.g. https://graph.microsoft.com. */
  graphEndpoint: string;
}

export const clouds = {
  AzureCloud: { authorityHost: 'https://login.microsoftonline.com', graphEndpoint: 'https://graph.microsoft.com' },
  AzureChinaCloud: { authorityHost: 'https://login.chinacloudapi.cn', graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn' },
  AzureUSGovernment: { authorityHost: 'https://login.microsoftonline.us', graphEndpoint: 'https://graph.microsoft.us' },
} as const satisfies Record<string, CloudEndpoints>;

export type CloudName = keyof typeof clouds;
